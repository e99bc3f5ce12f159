"""A real SMTP server on 127.0.0.1 and a coffee-invitation notice that exists only in these tests."""

import datetime
import email
import socket
import zoneinfo
from email import policy
from email.message import EmailMessage

import icalendar
import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from kaffebro.core.env import email_settings
from kaffebro.notifications import registry

KIND = "tests.coffee_invitation"
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
START = datetime.datetime(2026, 12, 3, 14, 30, tzinfo=COPENHAGEN)


class Collector:
    """The aiosmtpd handler: keeps every message the server accepts."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server; Django's SMTP backend is pointed at it through the EMAIL_URL helper."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    try:
        yield collector
    finally:
        controller.stop()


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
