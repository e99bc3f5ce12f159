"""The request actions, end to end through a real SMTP server: the right members get mail in their own
language (Mette and Jonas read Danish, Sofie English), nothing ever goes to a person who is not a member,
the attached invitation parses with icalendar and vobject, and the inbox shows the same notices."""

import datetime

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaffebro.meetings import actions
from kaffebro.meetings.models import DeclineReason, MeetingRequest, ProposedTime, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import ContactCard, Person, Position, Strength, Target
from kaffebro.notifications.models import Notification
from tests.conftest import know
from tests.meetings.conftest import brief_fields
from tests.meetings.request_cast import NOTE, start_introduction

pytestmark = pytest.mark.django_db

EVERYONE = {"mette@example.org", "jonas@example.org", "sofie@example.org"}


@pytest.fixture
def sofie_en(sofie):
    sofie.language = "en"
    sofie.save(update_fields=["language"])
    return sofie


@pytest.fixture
def ready(mette):
    """Mette's ready brief for Digitalisering."""
    return actions.save_brief(mette, Target.objects.get(seeker=mette), brief_fields("da"), base_version=0)


@pytest.fixture
def birgit(jonas, region_h, digitalisering) -> Person:
    """Birgit works in Digitalisering and is not a member; Jonas even has her e-mail address on his card."""
    person = Person.objects.create(name="Birgit Lund")
    Position.objects.create(person=person, organisation=region_h, unit=digitalisering, title="Dataarkitekt")
    know(jonas, person, strength=Strength.KNOW_WELL, organisation=region_h, title="Dataarkitekt")
    ContactCard.objects.filter(owner=jonas, person=person).update(email="birgit@example.org")
    return person


class Mailbox:
    """What the SMTP server received, read step by step."""

    def __init__(self, server):
        self.server = server
        self.seen = 0

    def new(self) -> dict[str, list]:
        fresh = self.server.messages[self.seen :]
        self.seen = len(self.server.messages)
        by_address: dict[str, list] = {}
        for message in fresh:
            by_address.setdefault(message["To"], []).append(message)
        return by_address


def one(by_address, address):
    (message,) = by_address[address]
    return message


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def invitation_of(message):
    """The attached invitation, parsed both ways; (method from the MIME type, icalendar, vobject)."""
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    content = attachment.get_content()
    content = content if isinstance(content, str) else content.decode()
    return attachment.get_param("method"), icalendar.Calendar.from_ical(content), vobject.readOne(content)


def has_attachment(message) -> bool:
    return bool(list(message.iter_attachments()))


def in_danish(message: str, **values) -> str:
    with translation.override("da"):
        return _(message) % values if values else _(message)


def future(days: int, hour: int = 10) -> tuple[datetime.datetime, datetime.datetime]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return starts, starts + datetime.timedelta(minutes=45)


def test_an_introduction_to_a_member_from_request_to_cancellation(
    smtp_server, mette, jonas, sofie_en, digitalisering, ready, client, django_capture_on_commit_callbacks
):
    box = Mailbox(smtp_server)
    with django_capture_on_commit_callbacks(execute=True):
        request = start_introduction(mette, digitalisering, member_person(sofie_en).pk)
    assert box.new() == {}, "a draft tells nobody"

    with django_capture_on_commit_callbacks(execute=True):
        request = actions.send_request(mette, request, "Hej Jonas")
    mail = box.new()
    assert set(mail) == {"jonas@example.org"}, "Sofie hears nothing before Jonas introduces her"
    to_jonas = one(mail, "jonas@example.org")
    assert to_jonas["Content-Language"] == "da"
    assert to_jonas["Subject"] == in_danish("%(seeker)s asks you for an introduction", seeker="Mette Kristensen")
    assert "Du får denne e-mail" in text_of(to_jonas)  # the Danish footer
    assert f"/meetings/{request.code}/" in text_of(to_jonas)

    with django_capture_on_commit_callbacks(execute=True):
        request = actions.approve_introduction(jonas, request, NOTE)
    mail = box.new()
    assert set(mail) == {"mette@example.org", "sofie@example.org"}
    to_sofie = one(mail, "sofie@example.org")
    assert to_sofie["Content-Language"] == "en"
    assert to_sofie["Subject"] == "Jonas Berg introduces you to Mette Kristensen"
    assert "You get this e-mail" in text_of(to_sofie)
    assert one(mail, "mette@example.org")["Content-Language"] == "da"

    with django_capture_on_commit_callbacks(execute=True):
        request = actions.accept(sofie_en, request)
    mail = box.new()
    assert set(mail) == {"mette@example.org", "jonas@example.org"}

    with django_capture_on_commit_callbacks(execute=True):
        actions.propose_times(sofie_en, request, [future(5), future(6)], place="Café Europa, Amagertorv 1")
    mail = box.new()
    assert set(mail) == {"mette@example.org"}
    assert "Café Europa" in text_of(one(mail, "mette@example.org"))

    proposed = ProposedTime.objects.filter(request=request, proposed_by=sofie_en).first()
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.pick_time(mette, request, proposed)
    mail = box.new()
    assert set(mail) == {"mette@example.org", "sofie@example.org"}, "the connector does not attend"
    method, parsed, card = invitation_of(one(mail, "sofie@example.org"))
    assert method == "REQUEST"
    assert str(parsed["METHOD"]) == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    uid = str(event["UID"])
    assert uid.startswith(request.code + "@")
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event.decoded("DTSTART") == proposed.starts
    assert str(event["SUMMARY"]) == "Coffee meeting with Mette Kristensen"
    assert str(event["ORGANIZER"]) == "mailto:mette@example.org"
    assert card.vevent.uid.value == uid
    assert card.vevent.dtstart.value == proposed.starts
    first_sequence = int(card.vevent.sequence.value)
    _method, danish, _card = invitation_of(one(mail, "mette@example.org"))
    assert str(danish.walk("VEVENT")[0]["SUMMARY"]) == in_danish("Coffee meeting with %(name)s", name="Sofie Holm")

    with django_capture_on_commit_callbacks(execute=True):
        request = actions.reschedule(sofie_en, request)
    mail = box.new()
    assert set(mail) == {"mette@example.org", "sofie@example.org"}
    method, parsed, card = invitation_of(one(mail, "mette@example.org"))
    assert method == "CANCEL"
    assert str(parsed.walk("VEVENT")[0]["UID"]) == uid
    assert int(card.vevent.sequence.value) > first_sequence

    with django_capture_on_commit_callbacks(execute=True):
        actions.propose_times(mette, request, [future(8, hour=15)], video_link="https://meet.example.org/kaffe")
    box.new()
    again = ProposedTime.objects.get(request=request, proposed_by=mette)
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.pick_time(sofie_en, request, again)
    method, parsed, card = invitation_of(one(box.new(), "sofie@example.org"))
    assert method == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == uid
    assert int(card.vevent.sequence.value) == first_sequence + 2
    assert event.decoded("DTSTART") == again.starts
    assert str(event["URL"]) == "https://meet.example.org/kaffe"

    with django_capture_on_commit_callbacks(execute=True):
        request = actions.cancel(mette, request)
    mail = box.new()
    assert set(mail) == {"mette@example.org", "sofie@example.org"}
    method, parsed, card = invitation_of(one(mail, "sofie@example.org"))
    assert method == "CANCEL"
    assert str(parsed["METHOD"]) == "CANCEL"
    assert str(parsed.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert card.vevent.status.value == "CANCELLED"
    assert int(card.vevent.sequence.value) == first_sequence + 3
    assert one(mail, "sofie@example.org")["Subject"] == "Your coffee meeting with Mette Kristensen is off"

    assert set(smtp_server.recipients) <= EVERYONE
    assert not any(has_attachment(message) for message in smtp_server.to("jonas@example.org"))

    # The inbox shows the same notices, in the reader's language.
    client.force_login(sofie_en)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Jonas Berg introduces you to Mette Kristensen" in page
    assert "Your coffee meeting with Mette Kristensen is off" in page
    assert Notification.objects.filter(recipient=sofie_en, emailed_at__isnull=False).count() == len(
        smtp_server.to("sofie@example.org")
    )


def test_a_person_who_is_not_a_member_never_gets_mail(
    smtp_server, mette, jonas, birgit, digitalisering, ready, django_capture_on_commit_callbacks
):
    steps = [
        lambda request: actions.send_request(mette, request),
        lambda request: actions.approve_introduction(jonas, request, NOTE),
        lambda request: actions.accept(jonas, request),  # Jonas records Birgit's yes
        lambda request: actions.propose_times(mette, request, [future(4)], place="Café Europa") and request,
        lambda request: actions.pick_time(mette, request, ProposedTime.objects.get(request=request)),
        lambda request: actions.reschedule(mette, request),
        lambda request: actions.cancel(mette, request),
    ]
    request = start_introduction(mette, digitalisering, birgit.pk)
    for step in steps:  # each action commits, and its mail leaves, before the next
        with django_capture_on_commit_callbacks(execute=True):
            request = step(request)

    assert "birgit@example.org" not in smtp_server.recipients
    assert set(smtp_server.recipients) <= {"mette@example.org", "jonas@example.org"}
    assert not any(has_attachment(message) for message in smtp_server.to("jonas@example.org"))
    invitations = [message for message in smtp_server.to("mette@example.org") if has_attachment(message)]
    assert [invitation_of(message)[0] for message in invitations] == ["REQUEST", "CANCEL", "CANCEL"]
    _method, parsed, card = invitation_of(invitations[0])
    (event,) = parsed.walk("VEVENT")
    attendees = event["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(attendee) for attendee in attendees] == ["mailto:mette@example.org"]
    assert "birgit@example.org" not in card.serialize()


def test_not_now_from_the_connector_is_kind_and_in_the_seekers_language(
    smtp_server, mette, jonas, sofie_en, digitalisering, ready, django_capture_on_commit_callbacks
):
    mette.language = "en"
    mette.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        request = actions.send_request(mette, start_introduction(mette, digitalisering, member_person(sofie_en).pk))
        actions.decline_introduction(jonas, request, DeclineReason.NOT_NOW)
    (declined,) = smtp_server.to("mette@example.org")
    assert declined["Content-Language"] == "en"
    assert declined["Subject"] == "Jonas Berg cannot make an introduction right now"
    assert "counts against nobody" in text_of(declined)
    assert "sofie@example.org" not in smtp_server.recipients


def test_reminders_and_expiry_reach_the_members_only(
    smtp_server, mette, jonas, sofie_en, birgit, digitalisering, ready, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        to_sofie = actions.send_request(mette, start_introduction(mette, digitalisering, member_person(sofie_en).pk))
        to_sofie = actions.approve_introduction(jonas, to_sofie, NOTE)
        to_sofie = actions.accept(sofie_en, to_sofie)
        (time,) = actions.propose_times(sofie_en, to_sofie, [future(1, hour=12)], place="Café Europa")
        actions.pick_time(mette, to_sofie, time)
        to_birgit = actions.send_request(mette, start_introduction(mette, digitalisering, birgit.pk))
    box = Mailbox(smtp_server)
    box.new()

    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders(now=time.starts - datetime.timedelta(hours=20)) == 1
    mail = box.new()
    assert set(mail) == {"mette@example.org", "sofie@example.org"}
    reminder = one(mail, "sofie@example.org")
    assert reminder["Subject"].startswith("Reminder: coffee meeting with Mette Kristensen")
    method, parsed, card = invitation_of(reminder)
    assert method == "REQUEST"
    assert str(parsed.walk("VEVENT")[0]["STATUS"]) == "CONFIRMED"
    assert card.vevent.dtstart.value == time.starts

    with django_capture_on_commit_callbacks(execute=True):
        assert actions.expire_requests(now=timezone.now() + datetime.timedelta(days=15)) == 1
    mail = box.new()
    assert set(mail) == {"mette@example.org", "jonas@example.org"}
    assert MeetingRequest.objects.get(pk=to_birgit.pk).state == RequestState.EXPIRED
    # Birgit's name was never Mette's to see: the request had not reached her
    assert one(mail, "mette@example.org")["Subject"] == in_danish("Your request for a coffee meeting has closed")
    assert "birgit@example.org" not in smtp_server.recipients
