"""A seeker lets a career coach follow her search, and takes it back; the coach writes notes she reads.

Access is the seeker's to give and to withdraw, at any time and without a reason: withdrawal is a
timestamp set by a conditional update, and from that moment the coach's pages of her answer 404.
A note is written only by a coach with open access, and the seeker sees every note about her.

Each action checks its precondition (raising `Refused` with a translated message), runs in one
transaction, writes one event naming only ids, and tells the other side after commit.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.jobs.models import CoachAccess, CoachNote
from kaffebro.network.actions import Refused
from kaffebro.notifications.registry import schedule_notifications

__all__ = ["EVENT_KINDS", "Refused", "add_coach_note", "grant_coach_access", "withdraw_coach_access"]

EVENT_KINDS = ("coaching.grant", "coaching.withdraw", "coaching.note")

MAX_OPEN_ACCESSES = 5  # coaches one seeker lets follow her at once
MAX_EMAIL_CHARS = 254
MAX_NOTE_CHARS = 4000
MAX_NOTES_PER_SEEKER = 500  # per coach and seeker


def _lock(user: User) -> None:
    """Serialise one member's changes, so two at once cannot both pass a check."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _already() -> Refused:
    return Refused(_("This coach can already follow your search."), field="email")


def _coach_by_email(seeker: User, email: str) -> User:
    if not isinstance(email, str) or "\x00" in email or len(email.strip()) > MAX_EMAIL_CHARS:
        raise Refused(_("Write the coach's e-mail address."), field="email")
    email = email.strip()
    if not email:
        raise Refused(_("Write the coach's e-mail address."), field="email")
    coach = User.objects.filter(email__iexact=email).first()
    if coach is None or not coach.is_coach or not coach.is_active:
        raise Refused(
            _("No career coach on Kaffebro has this e-mail address. Ask your coach which address they use here."),
            field="email",
        )
    if coach.pk == seeker.pk:
        raise Refused(_("You cannot be your own coach."), field="email")
    return coach


def grant_coach_access(seeker: User, email: str) -> CoachAccess:
    """Let the coach with this e-mail address follow the seeker's search; the coach is told."""
    coach = _coach_by_email(seeker, email)
    try:
        with transaction.atomic():
            _lock(seeker)
            open_accesses = CoachAccess.objects.filter(seeker=seeker, withdrawn__isnull=True)
            if open_accesses.filter(coach=coach).exists():
                raise _already()
            if open_accesses.count() >= MAX_OPEN_ACCESSES:
                raise Refused(
                    _("At most %(count)d coaches can follow your search at once. Withdraw one first.")
                    % {"count": MAX_OPEN_ACCESSES},
                    field="email",
                )
            access = CoachAccess.objects.create(seeker=seeker, coach=coach)
            event = record_event("coaching.grant", actor=seeker, subject=access.code, access=access.pk, coach=coach.pk)
            schedule_notifications(event)
    except IntegrityError:
        # The same grant twice at once: the partial unique constraint kept one.
        raise _already() from None
    return access


def withdraw_coach_access(seeker: User, access: CoachAccess) -> CoachAccess:
    """The seeker takes the access back; the coach is told and sees nothing of her from now on."""
    if access.seeker_id != seeker.pk:
        raise Refused(_("Only the seeker can withdraw a coach's access."))
    now = timezone.now()
    with transaction.atomic():
        changed = CoachAccess.objects.filter(pk=access.pk, seeker=seeker, withdrawn__isnull=True).update(withdrawn=now)
        if changed != 1:
            raise Refused(_("This access was already withdrawn."))
        event = record_event(
            "coaching.withdraw", actor=seeker, subject=access.code, access=access.pk, coach=access.coach_id
        )
        schedule_notifications(event)
    access.withdrawn = now
    return access


def _clean_note(text: str) -> str:
    if not isinstance(text, str):
        raise Refused(_("Write the note as text."), field="text")
    if "\x00" in text:
        raise Refused(_("This text contains a character that cannot be saved."), field="text")
    text = text.strip()
    if not text:
        raise Refused(_("Please write something here."), field="text")
    if len(text) > MAX_NOTE_CHARS:
        raise Refused(
            _("Keep the note under %(limit)d characters (it has %(count)d).")
            % {"limit": MAX_NOTE_CHARS, "count": len(text)},
            field="text",
        )
    return text


def add_coach_note(coach: User, access: CoachAccess, text: str) -> CoachNote:
    """A note from the coach to the seeker of an open access; the seeker reads it on her pipeline page."""
    if access.coach_id != coach.pk or not coach.is_coach:
        raise Refused(_("Only the seeker's coach can write a note here."))
    text = _clean_note(text)
    with transaction.atomic():
        if not CoachAccess.objects.filter(pk=access.pk, coach=coach, withdrawn__isnull=True).exists():
            raise Refused(_("The seeker has withdrawn your access, so the note was not saved."))
        if CoachNote.objects.filter(seeker_id=access.seeker_id, coach=coach).count() >= MAX_NOTES_PER_SEEKER:
            raise Refused(_("You have written as many notes to this seeker as Kaffebro keeps."), field="text")
        note = CoachNote.objects.create(seeker_id=access.seeker_id, coach=coach, text=text)
        event = record_event(
            "coaching.note", actor=coach, subject=note.code, note=note.pk, seeker=access.seeker_id, access=access.pk
        )
        schedule_notifications(event)
    return note
