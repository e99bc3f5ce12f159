"""The inbox: the member's own notifications, rendered in their language at display time; the header's count."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.notifications import access
from kaffebro.notifications.models import Notification, NotificationPreferences
from tests.notifications.conftest import KIND

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
SETTINGS = reverse("notifications:settings")


def notification_for(member, *, place="Café Europa", kind=KIND, **data) -> Notification:
    event = record_event(kind, subject="mtgCODE12345", place=place, recipients=[member.pk], **data)
    return Notification.objects.create(recipient=member, event=event, kind=kind)


def test_the_inbox_shows_each_viewer_their_notifications_in_their_language(client, coffee_notice, mette, lars):
    notification_for(mette)
    notification_for(lars)

    client.force_login(mette)
    danish = client.get(INBOX).content.decode()
    assert "Kaffemøde: Café Europa" in danish
    assert f'href="{SETTINGS}"' in danish  # the renderer's link
    assert "Coffee meeting" not in danish

    client.force_login(lars)
    english = client.get(INBOX).content.decode()
    assert "Coffee meeting: Café Europa" in english
    assert "Kaffemøde" not in english


def test_the_text_follows_the_viewers_language_when_it_changes(mette_client, coffee_notice, mette):
    """Nothing is stored as text: switching language re-renders old notifications too."""
    notification_for(mette)
    assert "Kaffemøde: Café Europa" in mette_client.get(INBOX).content.decode()
    mette_client.post(reverse("accounts:set_language"), {"language": "en", "next": INBOX})
    assert "Coffee meeting: Café Europa" in mette_client.get(INBOX).content.decode()


def test_the_inbox_lists_newest_first_and_pages(mette_client, coffee_notice, mette, settings):
    settings.PAGE_SIZE = 3
    for number in range(5):
        notification_for(mette, place=f"Café {number}")
    first = mette_client.get(INBOX).content.decode()
    assert first.index("Café 4") < first.index("Café 3") < first.index("Café 2")
    assert "Café 1" not in first
    second = mette_client.get(INBOX, {"page": 2}).content.decode()
    assert "Café 1" in second and "Café 0" in second
    assert mette_client.get(INBOX, {"page": "x' OR 1=1"}).status_code == 200


def test_a_notification_that_cannot_be_shown_any_more_gets_a_neutral_line(mette_client, coffee_notice, mette):
    notification_for(mette, gone=True)
    notification_for(mette, kind="tests.no_longer_registered")
    content = mette_client.get(INBOX).content.decode()
    assert content.count("Denne notifikation kan ikke længere vises.") == 2


def test_the_header_shows_the_unread_count_on_every_page(mette_client, coffee_notice, mette):
    notification_for(mette)
    notification_for(mette)
    for page in (INBOX, reverse("network:dashboard"), reverse("accounts:settings")):
        content = mette_client.get(page).content.decode()
        assert 'id="unread-count">2<span class="visually-hidden"> ulæste notifikationer</span>' in content, page


def test_no_count_when_nothing_is_unread(mette_client, mette):
    assert 'id="unread-count"' not in mette_client.get(reverse("network:dashboard")).content.decode()


def test_the_unread_count_is_one_count_query(mette, lars, django_assert_num_queries):
    for _ in range(3):
        Notification.objects.create(recipient=mette, event=Event.objects.create(kind=KIND), kind=KIND)
    Notification.objects.create(recipient=lars, event=Event.objects.create(kind=KIND), kind=KIND)
    request = RequestFactory().get("/")
    request.user = mette
    template = Template("{% load notifications %}{% unread_notifications as n %}{{ n }}/{% unread_notifications %}")
    with django_assert_num_queries(1) as captured:
        assert template.render(Context({"request": request})) == "3/3"
    assert "COUNT(" in captured.captured_queries[0]["sql"].upper()


def test_marking_one_notification_read(mette_client, coffee_notice, mette):
    first, second = notification_for(mette), notification_for(mette)
    response = mette_client.post(reverse("notifications:mark_read", args=[first.code]), {"page": "1"})
    assert response.status_code == 302
    assert response.url == INBOX
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert access.unread_count(mette) == 1
    # Marking it again changes nothing.
    read_at = first.read_at
    mette_client.post(reverse("notifications:mark_read", args=[first.code]))
    first.refresh_from_db()
    assert first.read_at == read_at


def test_marking_all_read(mette_client, coffee_notice, mette, lars):
    notification_for(mette)
    notification_for(mette)
    theirs = notification_for(lars)
    response = mette_client.post(reverse("notifications:mark_all_read"), {"page": "2"})
    assert response.url == f"{INBOX}?page=2"
    assert access.unread_count(mette) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None, "only the member's own notifications"
    assert 'id="unread-count"' not in mette_client.get(INBOX).content.decode()


def test_a_stranger_cannot_mark_someone_elses_notification(lars_client, coffee_notice, mette):
    mettes = notification_for(mette)
    response = lars_client.post(reverse("notifications:mark_read", args=[mettes.code]))
    assert response.status_code == 404
    mettes.refresh_from_db()
    assert mettes.read_at is None
    assert "Café Europa" not in lars_client.get(INBOX).content.decode()


def test_marking_read_needs_a_post(mette_client, coffee_notice, mette):
    notification = notification_for(mette)
    assert mette_client.get(reverse("notifications:mark_read", args=[notification.code])).status_code == 405
    assert mette_client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_the_inbox_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_turning_notification_mail_off_and_on(mette_client, mette):
    page = mette_client.get(SETTINGS).content.decode()
    assert 'name="email_notifications"' in page and "checked" in page

    response = mette_client.post(SETTINGS, {})
    assert response.status_code == 302
    assert NotificationPreferences.objects.get(user=mette).email_notifications is False
    assert Event.objects.filter(kind="notifications.email_preference_set", data__enabled=False).count() == 1
    assert "checked" not in mette_client.get(SETTINGS).content.decode()

    mette_client.post(SETTINGS, {"email_notifications": "on"})
    assert NotificationPreferences.objects.get(user=mette).email_notifications is True
    mette_client.post(SETTINGS, {"email_notifications": "on"})
    assert Event.objects.filter(kind="notifications.email_preference_set").count() == 2, "no change, no event"


def test_the_settings_page_says_when_the_address_is_unconfirmed(client, mette):
    mette.email_verified_at = None
    mette.save()
    client.force_login(mette)
    assert "ikke bekræftet" in client.get(SETTINGS).content.decode()
