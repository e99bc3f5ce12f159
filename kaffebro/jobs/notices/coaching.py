"""Who hears of coaching changes, and what they read.

The coach hears when a seeker lets them follow her search and when she takes it back; the seeker
hears of every note her coach writes (the note itself is for her, so it travels in the mail).
Texts are written afresh in the reader's language; a link is given only while the page behind it
is still the reader's to open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.jobs.models import CoachAccess, CoachNote
from kaffebro.notifications.registry import Gone, Rendered
from kaffebro.notifications.registry import register as register_notice

GRANT, WITHDRAW, NOTE = "coaching.grant", "coaching.withdraw", "coaching.note"


def _access_of(event: Event) -> CoachAccess | None:
    access_id = event.data.get("access")
    if not isinstance(access_id, int):
        return None
    return CoachAccess.objects.select_related("seeker", "coach").filter(pk=access_id, code=event.subject).first()


def _note_of(event: Event) -> CoachNote | None:
    note_id = event.data.get("note")
    if not isinstance(note_id, int):
        return None
    return CoachNote.objects.select_related("coach").filter(pk=note_id, code=event.subject).first()


def access_recipients(event: Event) -> list[int]:
    """The coach, for a grant or a withdrawal."""
    access = _access_of(event)
    return [access.coach_id] if access is not None and access.coach_id != event.actor_id else []


def note_recipients(event: Event) -> list[int]:
    """The seeker the note is about."""
    note = _note_of(event)
    return [note.seeker_id] if note is not None and note.seeker_id != event.actor_id else []


def _rendered(subject: str, body: list[str], link: str) -> Rendered:
    return Rendered(
        subject=subject,
        text="\n\n".join(body),
        html="".join(linebreaks(escape(paragraph)) for paragraph in body),
        link=link,
    )


def render_access(event: Event, recipient: User) -> Rendered:
    access = _access_of(event)
    if access is None or recipient.pk != access.coach_id:
        raise Gone
    values = {"seeker": access.seeker.display_name}
    if event.kind == GRANT:
        body = [
            _(
                "%(seeker)s has given you access to their job search: their targets, ways in, coffee meetings and "
                "outcomes. You can write them notes, which they read on their pipeline page."
            )
            % values
        ]
        link = reverse("jobs:coaching_seeker", args=[access.code]) if access.withdrawn is None else ""
        return _rendered(_("%(seeker)s has given you access to their job search") % values, body, link)
    body = [
        _("%(seeker)s has withdrawn your access to their job search. You no longer see it.") % values,
        _("Your notes stay with %(seeker)s.") % values,
    ]
    return _rendered(_("%(seeker)s has withdrawn your access") % values, body, "")


def render_note(event: Event, recipient: User) -> Rendered:
    note = _note_of(event)
    if note is None or recipient.pk != note.seeker_id:
        raise Gone
    values = {"coach": note.coach.display_name}
    body = [_("%(coach)s has written you a note:") % values, note.text]
    return _rendered(_("A note from your coach %(coach)s") % values, body, reverse("jobs:pipeline") + "#notes")


def register() -> None:
    """Called from `jobs.notices.register_notices()` when the app is ready."""
    register_notice(GRANT, render=render_access, recipients=access_recipients)
    register_notice(WITHDRAW, render=render_access, recipients=access_recipients)
    register_notice(NOTE, render=render_note, recipients=note_recipients)
