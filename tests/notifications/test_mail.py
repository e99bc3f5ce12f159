"""Notifications leave by real SMTP, each in its recipient's language, with a calendar invitation attached."""

import icalendar
import pytest
import vobject
from django.db import transaction
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.notifications.models import Notification, NotificationPreferences
from kaffebro.notifications.registry import schedule_notifications
from kaffebro.notifications.tasks import email_notification, notify
from tests.conftest import PASSWORD, make_member
from tests.notifications.conftest import KIND, START

pytestmark = pytest.mark.django_db


def invite(actor, *recipients, **data):
    """What an action does: write the event and schedule its notifications in one transaction."""
    with transaction.atomic():
        event = record_event(
            KIND,
            actor=actor,
            subject="mtgCODE12345",
            place="Café Europa",
            recipients=[r.pk for r in recipients],
            **data,
        )
        schedule_notifications(event)
    return event


def only_attachment(message):
    (attachment,) = list(message.iter_attachments())
    return attachment


@pytest.fixture
def lars_in_london(lars):
    User.objects.filter(pk=lars.pk).update(time_zone="Europe/London")
    lars.refresh_from_db()
    return lars


def test_each_member_gets_mail_in_their_own_language_and_time_zone(
    smtp_server, coffee_notice, jonas, mette, lars_in_london, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(jonas, mette, lars_in_london)

    assert sorted(smtp_server.recipients) == ["lars@example.org", "mette@example.org"]
    (danish,) = smtp_server.to("mette@example.org")
    (english,) = smtp_server.to("lars@example.org")

    assert danish["Subject"] == "Kaffemøde: Café Europa"
    assert danish["Content-Language"] == "da"
    danish_text = danish.get_body(preferencelist=("plain",)).get_content()
    assert "3. december 2026 14:30" in danish_text
    assert "Du får denne e-mail" in danish_text
    assert "Kaffemøde" in danish.get_body(preferencelist=("html",)).get_content()

    assert english["Subject"] == "Coffee meeting: Café Europa"
    assert english["Content-Language"] == "en"
    english_text = english.get_body(preferencelist=("plain",)).get_content()
    assert "Dec. 3, 2026, 1:30 p.m." in english_text  # London is an hour behind Copenhagen
    assert "You get this e-mail" in english_text
    assert english["Auto-Submitted"] == "auto-generated"
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_invitation_parses_with_icalendar_and_vobject(
    smtp_server, coffee_notice, jonas, mette, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(jonas, mette)
    (message,) = smtp_server.messages
    attachment = only_attachment(message)
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    ics = attachment.get_content()

    calendar = icalendar.Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    (meeting,) = calendar.walk("VEVENT")
    assert str(meeting["UID"]) == "mtgCODE12345@kaffebro.test"
    assert meeting["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert meeting.decoded("DTSTART") == START
    assert calendar.walk("VTIMEZONE"), "the time zone travels with the invitation"

    parsed = vobject.readOne(ics)
    assert parsed.method.value == "REQUEST"
    assert parsed.vevent.uid.value == "mtgCODE12345@kaffebro.test"
    assert parsed.vevent.dtstart.value == START
    assert parsed.vevent.dtstart.value.utcoffset().total_seconds() == 3600


def test_a_retried_task_makes_no_duplicate_and_sends_no_second_mail(
    smtp_server, coffee_notice, jonas, mette, lars, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = invite(jonas, mette, lars)
    with django_capture_on_commit_callbacks(execute=True):
        result = notify.enqueue(event.pk)
    assert result.return_value == 2
    assert Notification.objects.filter(event=event).count() == 2
    assert len(smtp_server.messages) == 2
    for notification in Notification.objects.all():
        assert email_notification.enqueue(notification.pk).return_value is False
    assert len(smtp_server.messages) == 2


def test_a_failed_send_is_sent_again_by_the_retry(
    smtp_server, settings, coffee_notice, jonas, mette, django_capture_on_commit_callbacks
):
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        invite(jonas, mette)
    notification = Notification.objects.get()
    assert notification.emailed_at is None
    assert smtp_server.messages == []

    settings.EMAIL_PORT = good_port
    assert email_notification.enqueue(notification.pk).return_value is True
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_action_rolls_back_and_mail_follows_a_commit(smtp_server, coffee_notice, jonas, mette):
    """With real commits: the notification task runs only after the action's transaction commits."""
    with pytest.raises(RuntimeError), transaction.atomic():
        event = record_event(KIND, actor=jonas, subject="mtgROLLBACK1", place="Café Europa", recipients=[mette.pk])
        schedule_notifications(event)
        raise RuntimeError("the action failed after scheduling")
    assert not Notification.objects.exists()
    assert smtp_server.messages == []

    invite(jonas, mette)
    assert Notification.objects.filter(recipient=mette).count() == 1
    assert len(smtp_server.to("mette@example.org")) == 1


def test_no_mail_to_unverified_addresses_or_members_who_turned_mail_off(
    smtp_server, coffee_notice, jonas, mette, lars, django_capture_on_commit_callbacks
):
    unverified = User.objects.create_user("ny@example.org", PASSWORD, display_name="Ny Bruger")
    NotificationPreferences.objects.create(user=lars, email_notifications=False)
    closed = make_member("lukket@example.org", "Lukket Konto")
    User.objects.filter(pk=closed.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        invite(jonas, mette, lars, unverified, closed)

    assert smtp_server.recipients == ["mette@example.org"]
    notified = set(Notification.objects.values_list("recipient__email", flat=True))
    assert notified == {"mette@example.org", "lars@example.org", "ny@example.org"}, "closed accounts get nothing"


def test_a_notice_that_is_gone_is_not_mailed(
    smtp_server, coffee_notice, jonas, mette, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(jonas, mette, gone=True)
    assert Notification.objects.filter(recipient=mette).exists()
    assert smtp_server.messages == []


def test_an_event_kind_nobody_registered_notifies_nobody(mette, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        schedule_notifications(record_event("tests.nobody_listens", recipients=[mette.pk]))
    assert not Notification.objects.exists()


def test_mail_uses_the_address_and_language_at_sending_time(
    smtp_server, coffee_notice, jonas, mette, django_capture_on_commit_callbacks
):
    """The task reads the member fresh: a language changed before the mail leaves is the one used."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        event = record_event(KIND, actor=jonas, subject="mtgLATER1234", place="Café Europa", recipients=[mette.pk])
        schedule_notifications(event)
    User.objects.filter(pk=mette.pk).update(language="en", email_verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    (message,) = smtp_server.messages
    assert message["Subject"] == "Coffee meeting: Café Europa"
