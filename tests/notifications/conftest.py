"""A coffee-invitation notice that exists only in these tests (the SMTP server fixture is in tests/conftest.py)."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from kaffebro.notifications import registry

KIND = "tests.coffee_invitation"
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
START = datetime.datetime(2026, 12, 3, 14, 30, tzinfo=COPENHAGEN)


def invitation(event) -> bytes:
    """An iCalendar invitation: METHOD:REQUEST, a UID that stays the same for the meeting, a Copenhagen start."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kaffebro//tests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    meeting = icalendar.Event()
    meeting.add("uid", f"{event.subject}@kaffebro.test")
    meeting.add("dtstamp", event.created)
    meeting.add("dtstart", START)
    meeting.add("dtend", START + datetime.timedelta(minutes=45))
    meeting.add("summary", event.data["place"])
    meeting.add("location", event.data["place"])
    meeting.add("sequence", 0)
    calendar.add_component(meeting)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def render_invitation(event, recipient) -> registry.Rendered:
    if event.data.get("gone"):
        raise registry.Gone
    when = date_format(timezone.localtime(START), "DATETIME_FORMAT")
    subject = f"{_('Coffee meeting')}: {event.data['place']}"
    text = f"{_('Coffee meeting')} · {when} · {event.data['place']}"
    return registry.Rendered(
        subject=subject,
        text=text,
        html=f"<p>{escape(text)}</p>",
        link=reverse("notifications:settings"),
        attachments=[("invitation.ics", invitation(event), "text/calendar; method=REQUEST")],
    )


def invitation_recipients(event) -> list[int]:
    return event.data["recipients"]


@pytest.fixture
def coffee_notice():
    registration = registry.register(KIND, render=render_invitation, recipients=invitation_recipients)
    yield registration
    registry.unregister(KIND)
