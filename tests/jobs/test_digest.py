"""The weekly connector digest: what Jonas reads about the people he knows, what he never reads, and when.

Jonas (a connector) knows Mette, who lets all members see that she is looking, toward Digitalisering in
Region Hovedstaden, where Jonas knows Sofie (a member) and Karen (not a member). Lars has a card of his
own for Birgit, who works there too: Jonas must never read her name. Hanne keeps her search to herself.
"""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from kaffebro.core.models import Event
from kaffebro.jobs import digest
from kaffebro.jobs.models import ShareAnswer
from kaffebro.meetings.models import RequestKind, RequestState
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    Block,
    Organisation,
    Person,
    Position,
    SeekerProfile,
    Strength,
    Target,
    TargetKind,
    Visibility,
)
from kaffebro.notifications.models import DigestDelivery, Notification, NotificationPreferences
from kaffebro.notifications.registry import render_for
from tests.conftest import know, make_member
from tests.jobs.conftest import share_card

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
MONDAY = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=COPENHAGEN)  # ISO week 2026-W10


def looking(user, visibility: str) -> SeekerProfile:
    profile = SeekerProfile.objects.get(user=user)
    profile.looking_visibility = visibility
    profile.save()
    return profile


@pytest.fixture
def cast(mette, jonas, sofie, lars, region_h, digitalisering):
    """Jonas knows Mette, Sofie and Karen; Lars knows Birgit; all three work in Region Hovedstaden but Mette."""
    jonas.language = "en"
    jonas.save(update_fields=["language"])
    looking(mette, Visibility.MEMBERS)
    know(jonas, member_person(mette), strength=Strength.KNOW_WELL)
    karen = Person.objects.create(name="Karen Vestergaard")
    Position.objects.create(person=karen, organisation=region_h, unit=digitalisering, title="Dataarkitekt")
    know(jonas, karen, organisation=region_h)
    birgit = Person.objects.get(name="Birgit Lund")
    Position.objects.create(person=birgit, organisation=region_h, title="Jurist", recorded_by=lars)
    return {"karen": karen, "birgit": birgit}


def text_of(found: digest.Digest) -> str:
    """The digest as Jonas reads it, in English."""
    with translation.override("en"):
        return "\n".join(digest.paragraphs(found))


def seeker(email: str, name: str, visibility: str, *, knows_jonas: bool, jonas) -> object:
    user = make_member(email, name)
    SeekerProfile.objects.create(user=user, headline=f"{name} headline", looking_visibility=visibility)
    know(jonas, member_person(user))
    if knows_jonas:
        know(user, member_person(jonas))
    return user


class TestContent:
    def test_who_is_looking_toward_where_and_whom_he_knows_there(self, cast, jonas, mette):
        found = digest.build_digest(jonas)
        (item,) = found.looking
        assert item.seeker == mette
        (place,) = item.places
        assert place.label() == "Digitalisering, Region Hovedstaden"
        assert place.known == 2
        assert set(place.names) == {"Sofie Holm", "Karen Vestergaard"}

    def test_names_come_only_from_his_own_cards(self, cast, jonas, lars, region_h):
        text = text_of(digest.build_digest(jonas))
        assert "Birgit" not in text
        assert "you know 2 people there (Karen Vestergaard, Sofie Holm)" in text

    def test_visibility_decides_who_appears(self, cast, jonas, mette):
        hidden = seeker("hanne@example.org", "Hanne Private", Visibility.PRIVATE, knows_jonas=True, jonas=jonas)
        hers = seeker("ida@example.org", "Ida Connectors", Visibility.CONNECTORS, knows_jonas=True, jonas=jonas)
        not_hers = seeker("ole@example.org", "Ole Connectors", Visibility.CONNECTORS, knows_jonas=False, jonas=jonas)
        shown = {item.seeker for item in digest.build_digest(jonas).looking}
        assert shown == {mette, hers}
        assert hidden not in shown and not_hers not in shown

    def test_someone_he_does_not_know_or_who_blocked_him_does_not_appear(self, cast, jonas, mette):
        stranger = make_member("sif@example.org", "Sif Stranger")
        SeekerProfile.objects.create(user=stranger, looking_visibility=Visibility.MEMBERS)
        blocker = seeker("bo@example.org", "Bo Blocker", Visibility.MEMBERS, knows_jonas=True, jonas=jonas)
        Block.objects.create(owner=blocker, person=member_person(jonas))
        assert [item.seeker for item in digest.build_digest(jonas).looking] == [mette]

    def test_an_organisation_she_typed_in_privately_stays_hers(self, cast, jonas, mette):
        own = Organisation.objects.create(name="Mettes hemmelige drømmejob", private_to=mette)
        Target.objects.create(seeker=mette, kind=TargetKind.ORGANISATION, organisation=own, priority=2)
        Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field="dataanalyse", region="hovedstaden")
        text = text_of(digest.build_digest(jonas))
        assert "hemmelige" not in text
        assert "toward dataanalyse in Capital Region of Denmark" in text

    def test_what_waits_for_him(self, cast, jonas, mette, sofie, brief):
        from tests.meetings.request_cast import request_in

        request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief, kind=RequestKind.INTRODUCTION)
        birthe = make_member("b@example.org", "Birthe Madsen")
        share_card(mette, birthe, member_person(jonas), answer=ShareAnswer.PENDING)
        found = digest.build_digest(jonas)
        assert len(found.introductions) == 1 and len(found.cards) == 1
        text = text_of(found)
        assert "Mette Kristensen asks you for an introduction" in text
        assert "Birthe Madsen put Mette Kristensen's profile in play to you" in text

    def test_not_a_connector_no_digest(self, cast, lars):
        assert digest.build_digest(lars).is_empty

    def test_a_constant_number_of_queries(self, cast, jonas, django_assert_max_num_queries):
        for number in range(8):
            seeker(f"s{number}@example.org", f"Seeker {number}", Visibility.MEMBERS, knows_jonas=False, jonas=jonas)
        with django_assert_max_num_queries(8):
            found = digest.build_digest(jonas)
            assert len(found.looking) == 9
            assert [place.label() for item in found.looking for place in item.places]


class TestSending:
    def test_once_per_iso_week_with_a_frozen_clock(self, cast, jonas, mette, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            assert digest.send_digests(MONDAY) == 1
            assert digest.send_digests(MONDAY + datetime.timedelta(days=6, hours=16)) == 0  # Sunday 23:00
        event = Event.objects.get(kind="digest.weekly")
        assert event.data["week"] == "2026-W10"
        assert event.data["seekers"] == [mette.pk]
        assert Notification.objects.filter(recipient=jonas, kind="digest.weekly").count() == 1
        assert len(mail.outbox) == 1
        assert mail.outbox[0].subject == "Your weekly digest: 1 person you know is looking"
        assert "Mette Kristensen" in mail.outbox[0].body
        with django_capture_on_commit_callbacks(execute=True):
            assert digest.send_digests(MONDAY + datetime.timedelta(days=7)) == 1
        assert Event.objects.filter(kind="digest.weekly").count() == 2

    def test_a_task_run_twice_sends_once(self, cast, jonas):
        assert digest.send_digest.call(jonas.pk, "2026-W10") is True
        assert digest.send_digest.call(jonas.pk, "2026-W10") is False
        assert Event.objects.filter(kind__in=digest.KINDS).count() == 1

    def test_the_command_with_a_frozen_clock(self, cast, jonas, monkeypatch, django_capture_on_commit_callbacks):
        monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests")
            call_command("send_digests")
        assert Event.objects.filter(kind="digest.weekly", data__week="2026-W10").count() == 1
        assert len(mail.outbox) == 1

    def test_an_empty_digest_is_not_sent(self, jonas):
        assert digest.send_digests(MONDAY) == 1  # he is due, but there is nothing to tell him
        assert not Event.objects.filter(kind__in=digest.KINDS).exists()

    def test_rendered_in_the_recipients_language(self, cast, jonas, django_capture_on_commit_callbacks):
        jonas.language = "da"
        jonas.save(update_fields=["language"])
        with django_capture_on_commit_callbacks(execute=True):
            digest.send_digests(MONDAY)
        assert mail.outbox[0].extra_headers["Content-Language"] == "da"

    def test_someone_who_hides_later_drops_out_of_the_inbox_line(self, cast, jonas, mette):
        digest.send_digest.call(jonas.pk, "2026-W10")
        event = Event.objects.get(kind="digest.weekly")
        assert "Mette" in render_for(event, jonas).text
        looking(mette, Visibility.PRIVATE)
        assert render_for(event, jonas) is None
        assert render_for(event, mette) is None  # nobody else ever reads his digest


class TestOptOut:
    def set(self, user, delivery: str) -> None:
        NotificationPreferences.objects.update_or_create(user=user, defaults={"connector_digest": delivery})

    def test_off_sends_nothing(self, cast, jonas, django_capture_on_commit_callbacks):
        self.set(jonas, DigestDelivery.OFF)
        with django_capture_on_commit_callbacks(execute=True):
            assert digest.send_digests(MONDAY) == 0
            assert digest.send_digest.call(jonas.pk, "2026-W10") is False
        assert not Notification.objects.exists() and not mail.outbox

    def test_inbox_only_is_not_mailed(self, cast, jonas, django_capture_on_commit_callbacks):
        self.set(jonas, DigestDelivery.INBOX)
        with django_capture_on_commit_callbacks(execute=True):
            digest.send_digests(MONDAY)
        assert Notification.objects.get(recipient=jonas).kind == "digest.weekly_inbox"
        assert not mail.outbox

    def test_notification_mail_off_is_respected_too(self, cast, jonas, django_capture_on_commit_callbacks):
        NotificationPreferences.objects.create(user=jonas, email_notifications=False)
        with django_capture_on_commit_callbacks(execute=True):
            digest.send_digests(MONDAY)
        assert Notification.objects.filter(recipient=jonas).exists()
        assert not mail.outbox

    def test_a_connector_who_stopped_gets_none(self, cast, jonas):
        row = connector_settings(jonas)
        row.open_to_introductions = False
        row.save()
        assert digest.send_digests(MONDAY) == 0


class TestPage:
    URL = reverse("jobs:digest")

    def test_the_connector_reads_it_and_sets_how_he_gets_it(self, cast, client_for, jonas):
        client = client_for(jonas)
        html = client.get(self.URL).content.decode()
        assert "Mette Kristensen" in html and "Karen Vestergaard" in html and "Birgit" not in html
        response = client.post(self.URL, {"delivery": DigestDelivery.INBOX})
        assert response.status_code == 302
        assert digest.delivery_of(jonas) == DigestDelivery.INBOX
        assert Event.objects.filter(kind="digest.delivery_set").exists()

    def test_a_bad_choice_changes_nothing(self, cast, client_for, jonas):
        response = client_for(jonas).post(self.URL, {"delivery": "sometimes"})
        assert response.status_code == 200
        assert digest.delivery_of(jonas) == DigestDelivery.EMAIL

    def test_someone_else_reads_only_their_own(self, cast, client_for, lars):
        html = client_for(lars).get(self.URL).content.decode()
        assert "Mette" not in html and "Karen" not in html
        assert "The weekly digest is for connectors." in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks between connections; "
    "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_ci",
)
def test_sixteen_tasks_at_once_send_one_digest(cast, jonas):
    """Overlapping runs of the command (or a retried task) still write one marker for the week."""
    barrier = threading.Barrier(16)
    sent, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            sent.append(digest.send_digest.call(jonas.pk, "2026-W10"))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sent.count(True) == 1
    assert Event.objects.filter(kind__in=digest.KINDS).count() == 1
