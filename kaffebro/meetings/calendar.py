"""The iCalendar invitation (RFC 5545, with the scheduling methods of RFC 5546) for a coffee meeting.

One meeting is one calendar event for its whole life: the UID is the request's code at the site's
host and never changes; every time the agreed time changes or the meeting is called off the
request's `calendar_sequence` goes up, so a calendar replaces what it holds. An invitation goes only
to the two who meet and have an account (the seeker, and the person to meet when they are a member);
a person who is not a member never gets one, and the connector does not attend.
"""

from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.meetings import texts
from kaffebro.meetings.models import MeetingRequest

ZONE_NAME = "Europe/Copenhagen"
ZONE = zoneinfo.ZoneInfo(ZONE_NAME)
PRODID = "-//Kaffebro//Coffee meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
METHODS = (REQUEST, CANCEL)


class NotInvited(Exception):
    """The recipient does not attend the meeting (the connector, a stranger): there is no invitation for them."""


class NoTimeYet(Exception):
    """No time has been agreed, so there is nothing to put in a calendar."""


def uid_for(request: MeetingRequest) -> str:
    return f"{request.code}@{urlsplit(settings.SITE_URL).hostname}"


def request_address(request: MeetingRequest) -> str:
    return texts.site_address(reverse("meetings:request", args=[request.code]))


def attendees(request: MeetingRequest) -> list[User]:
    """The members who meet: the seeker, and the person to meet when they are an active member."""
    people = [request.seeker]
    member = request.person_member
    if member is not None and member.is_active:
        people.append(member)
    return people


def _load(request: MeetingRequest | int) -> MeetingRequest:
    if isinstance(request, MeetingRequest):
        return request
    return MeetingRequest.objects.select_related("seeker", "connector", "person", "person_member", "brief").get(
        pk=request
    )


def _address(user: User, *, role: str = "", status: str = "") -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = user.display_name
    if role:  # an attendee's parameters; the organizer carries only the name
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = status
    return address


def _summary(request: MeetingRequest, recipient: User | None) -> str:
    if recipient is None:
        # A downloaded invitation without a named viewer: the two who meet, as they see each other once scheduled.
        person = texts.person_name_for(None, request)
        if person:
            return _("Coffee meeting: %(seeker)s and %(person)s") % {
                "seeker": texts.seeker_name(request),
                "person": person,
            }
        return _("Coffee meeting with %(name)s") % {"name": texts.seeker_name(request)}
    return _("Coffee meeting with %(name)s") % {"name": texts.other_side_for(recipient, request)}


def _description(request: MeetingRequest, recipient: User | None, cancelled: bool) -> str:
    lines = []
    if cancelled:
        lines.append(_("This coffee meeting is off. It has been removed from your calendar."))
    if request.place:
        lines.append(_("Where: %(place)s") % {"place": request.place})
    if request.video_link:
        lines.append(_("Video: %(link)s") % {"link": request.video_link})
    if request.connector_id is not None:
        lines.append(_("Introduced by %(name)s.") % {"name": texts.connector_name_for(recipient, request)})
    lines.append(_("The request on Kaffebro: %(link)s") % {"link": request_address(request)})
    return "\n".join(lines)


def build_invitation(
    request: MeetingRequest | int,
    recipient: User | None = None,
    method: str = REQUEST,
    *,
    sequence: int | None = None,
    stamp: datetime.datetime | None = None,
) -> bytes:
    """The invitation as `recipient` (one of the two who meet) reads it, in the active language.

    `method="CANCEL"` calls the meeting off (STATUS:CANCELLED). `sequence` defaults to the request's
    `calendar_sequence`; `stamp` (DTSTAMP) to now. Raises `NotInvited` for anyone but the seeker and a
    member person to meet, and `NoTimeYet` when no time was ever agreed.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown iCalendar method {method!r}.")
    request = _load(request)
    if recipient is not None and recipient.pk not in {member.pk for member in attendees(request)}:
        raise NotInvited
    if request.starts is None or request.ends is None:
        raise NoTimeYet
    cancelled = method == CANCEL
    starts, ends = request.starts.astimezone(ZONE), request.ends.astimezone(ZONE)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = icalendar.Event()
    event.add("uid", uid_for(request))
    event.add("sequence", request.calendar_sequence if sequence is None else sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(datetime.UTC))
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", _summary(request, recipient))
    if request.place:
        event.add("location", request.place)
    elif request.video_link:
        event.add("location", request.video_link)
    event.add("url", request.video_link or request_address(request))
    event.add("description", _description(request, recipient, cancelled))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(request.seeker))
    for member in attendees(request):
        role = "CHAIR" if member.pk == request.seeker_id else "REQ-PARTICIPANT"
        event.add("attendee", _address(member, role=role, status="ACCEPTED"))
    calendar.add_component(event)
    # The time zone travels with the invitation, with the rules around the meeting's dates only.
    calendar.add_missing_timezones(
        first_date=starts.date() - datetime.timedelta(days=366), last_date=ends.date() + datetime.timedelta(days=366)
    )
    return calendar.to_ical()
