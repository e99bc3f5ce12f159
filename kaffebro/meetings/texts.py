"""Texts about a coffee meeting request, each in a given language: names as a reader may see them,
the thank-you template for the seeker, and the introduction a connector sends by hand to a non-member.

Names follow the request page's rules (`access.view_of`): the seeker's own name travels with the
request they send (to the connector, and to the person to meet once it reaches them); the connector
is named to both sides; the person to meet is named to the seeker by the seeker's own contact card or
once the request reached them (once the meeting is scheduled at the latest), and to the connector by
the connector's own contact card or when they are a member who shows their name in paths. Anyone
else reads a neutral description ("the person you asked to meet").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaffebro.accounts.models import User
from kaffebro.meetings.models import MeetingRequest, RequestKind
from kaffebro.network.models import ConnectorSettings, ContactCard

# Where a person who is not a member can object to being in Kaffebro (built in a later issue).
OBJECTION_PATH = "/privacy/object/"


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Render in `code` (a member's language), or in the active language when None."""
    if code:
        with translation.override(code):
            yield
    else:
        yield


def _card_name(owner_id: int | None, person_id: int) -> str | None:
    if owner_id is None:
        return None
    return (
        ContactCard.objects.filter(owner_id=owner_id, person_id=person_id)
        .order_by("pk")
        .values_list("full_name", flat=True)
        .first()
    )


def seeker_name(request: MeetingRequest) -> str:
    """The seeker as every party to the request sees them: their display name (they sent the request)."""
    return request.seeker.display_name


def connector_name_for(viewer: User | None, request: MeetingRequest) -> str:
    """The connector as a party sees them: the seeker by their own contact card when they have one."""
    connector = request.connector
    if connector is None:
        return ""
    if viewer is not None and viewer.pk == request.seeker_id:
        person = getattr(connector, "person", None)
        if person is not None:
            card = _card_name(viewer.pk, person.pk)
            if card:
                return card
    return connector.display_name


def person_name_for(viewer: User | None, request: MeetingRequest) -> str | None:
    """The person to meet as `viewer` may see them, or None when the viewer may not see the name.

    The seeker sees the name once the request reached the person (a direct request, or the connector
    approved: as `access.view_of` shows it), the connector only by their own contact card or when the
    person is a member who shows their name in paths. `viewer=None` means one of the two who meet, once
    the meeting is scheduled (a downloaded invitation).
    """
    member = request.person_member
    if viewer is not None and member is not None and viewer.pk == member.pk:
        return member.display_name
    viewer_id = viewer.pk if viewer is not None else None
    card = _card_name(viewer_id, request.person_id)
    if card:
        return card
    shown = member.display_name if member is not None else request.person.name
    if viewer is None or viewer_id == request.seeker_id:
        if request.reached_person is not None or request.starts is not None:
            return shown
        if request.kind == RequestKind.DIRECT and member is not None:
            return shown  # the seeker chose this member by name
        return None
    shows_name = ConnectorSettings.objects.filter(user=member, show_name_in_paths=True)
    if viewer_id == request.connector_id and member is not None and member.is_active and shows_name.exists():
        return shown
    return None


def person_shown_to(viewer: User | None, request: MeetingRequest) -> str:
    """The person to meet as a name, or a neutral description in the active language."""
    name = person_name_for(viewer, request)
    if name:
        return name
    if viewer is not None and viewer.pk == request.seeker_id:
        return pgettext("meeting request", "the person you asked to meet")
    return pgettext("meeting request", "the person to meet")


def other_side_for(viewer: User | None, request: MeetingRequest) -> str:
    """Whom the viewer meets: the person to meet for the seeker, the seeker for the person to meet."""
    if viewer is not None and request.person_member_id is not None and viewer.pk == request.person_member_id:
        return seeker_name(request)
    return person_shown_to(viewer, request)


def site_address(path: str) -> str:
    return settings.SITE_URL + path


def objection_address() -> str:
    return site_address(OBJECTION_PATH)


def thank_you(request: MeetingRequest, language_code: str | None = None) -> str:
    """A short thank-you the seeker may adapt and send after the meeting (to the person met, and the connector)."""
    with language(language_code or request.seeker.language):
        values = {
            "person": person_name_for(request.seeker, request) or "",
            "seeker": seeker_name(request),
            "connector": connector_name_for(request.seeker, request),
        }
        greeting = (
            _("Dear %(person)s,") % values if values["person"] else pgettext("thank-you letter greeting", "Hello,")
        )
        lines = [
            greeting,
            "",
            _("Thank you for taking the time to meet me. I learned a lot from our conversation."),
            "",
            _("What I will take with me: [one thing you learned]."),
            _("What I will do next: [your next step]."),
            "",
            _("I will let you know how it goes. If I can ever return the favour, just say so."),
        ]
        if values["connector"]:
            lines += ["", _("(And a thank-you to %(connector)s for the introduction.)") % values]
        lines += ["", pgettext("thank-you letter closing", "Best regards,"), values["seeker"]]
        return "\n".join(lines)


def introduction_for_non_member(request: MeetingRequest, language_code: str | None = None) -> str:
    """The introduction a connector sends by hand to a person to meet who is not a member.

    Kaffebro never writes to a non-member, so this text carries what GDPR Art. 14 asks a controller
    to tell a person whose data it did not collect from them: who the controller is, where the data came
    from, what is stored and why, and the right to object (with the objection page).
    """
    with language(language_code):
        connector = request.connector
        values = {
            "person": _card_name(connector.pk if connector else None, request.person_id) or "",
            "seeker": seeker_name(request),
            "connector": connector.display_name if connector else "",
            "controller": settings.KAFFEBRO_CONTROLLER_NAME,
            "contact": settings.KAFFEBRO_CONTROLLER_CONTACT,
            "object": objection_address(),
        }
        greeting = _("Dear %(person)s,") % values if values["person"] else pgettext("introduction greeting", "Hello,")
        lines = [
            greeting,
            "",
            _(
                "I would like to introduce %(seeker)s, who is looking for work and would value a short coffee "
                "meeting with you (20 to 30 minutes, in person or by video). %(seeker)s has prepared well and has a "
                "concrete question for you:"
            )
            % values,
        ]
        ask = request.brief.ask.strip()
        if ask:
            lines += ["", *(f"> {line}" for line in ask.splitlines())]
        lines += [
            "",
            _(
                "If you are open to it, just answer me, and I will put you in touch. If not, that is perfectly "
                "fine too: a short no is enough, and it counts against nobody."
            ),
            "",
            pgettext("introduction closing", "Best regards,"),
            values["connector"],
            "",
            "—",
            _("About your data (Kaffebro)"),
            _(
                "Kaffebro helps job seekers reach people through those who know them. The controller of your data "
                "is %(controller)s (%(contact)s)."
            )
            % values,
            _(
                "Kaffebro got your name and workplace from the contacts of %(connector)s, who added them. It "
                "stores your name, your workplace and job title, how %(connector)s knows you, and this request "
                "and your answer; never your e-mail address or phone number, and it never writes to you."
            )
            % values,
            _(
                "They are used only so that a member can ask to be introduced to you by someone who knows you "
                "(a legitimate interest), and kept until you object or %(connector)s removes you."
            )
            % values,
            _(
                "You may object at any time, and Kaffebro will then no longer use your name: %(object)s. You may "
                "also see, correct or delete your data, and complain to the Danish Data Protection Agency "
                "(Datatilsynet)."
            )
            % values,
        ]
        return "\n".join(lines)
