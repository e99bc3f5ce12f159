"""The access log (kaffebro/core/access_log.py) and the page "Who has looked at my data".

Mette's data is read by Jonas and Sofie. A read repeated within ten minutes is logged once; Mette sees her own
log, in her language and Copenhagen time; Lars and Jonas never see hers. Olga, the operator, sees every row in the
admin and can change none. Rows go after ACCESS_LOG_RETENTION_DAYS. (Each view that logs a read is tested where the
view is: tests/jobs/test_access_log_reads.py.)
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaffebro.core.access_log import Read, delete_expired, log_read, log_reads
from kaffebro.core.models import AccessKind, AccessLog
from kaffebro.core.personal_data import erase_member, export_zip
from tests.conftest import log_in_with_second_factor, make_member

pytestmark = pytest.mark.django_db

PAGE = reverse("core:access_log")
COACH = AccessKind.COACH_OPENED_SEEKER
CANDIDATE = AccessKind.DECISION_MAKER_OPENED_CANDIDATE


class Clock:
    """A frozen `timezone.now()` the test moves on by hand."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC))  # 10:00 in Copenhagen
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


def logged_in(user, language: str = "en") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client(raise_request_exception=False)
    log_in_with_second_factor(client, user)
    return client


def rows_of(subject) -> list[tuple]:
    return list(AccessLog.objects.filter(subject=subject).values_list("viewer__email", "kind", "code", "purpose"))


class TestLogging:
    def test_a_read_writes_one_row(self, mette, sofie, clock):
        assert log_read(sofie, mette, CANDIDATE, "SUGGESTION01", purpose="Dataanalytiker, Region Hovedstaden") == 1
        row = AccessLog.objects.get()
        assert (row.subject, row.viewer, row.viewer_named, row.kind, row.code) == (
            mette,
            sofie,
            True,
            CANDIDATE,
            "SUGGESTION01",
        )
        assert row.purpose == "Dataanalytiker, Region Hovedstaden" and row.created == clock.now

    def test_reading_again_within_ten_minutes_is_the_same_look(self, mette, sofie, clock):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        clock.advance(minutes=9, seconds=59)
        assert log_read(sofie, mette, CANDIDATE, "SUGGESTION01") == 0
        assert AccessLog.objects.count() == 1
        clock.advance(seconds=2)
        assert log_read(sofie, mette, CANDIDATE, "SUGGESTION01") == 1
        assert AccessLog.objects.count() == 2

    def test_another_viewer_kind_or_object_is_another_row(self, mette, jonas, sofie, clock):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        log_read(jonas, mette, CANDIDATE, "SUGGESTION01")
        log_read(sofie, mette, AccessKind.DECISION_MAKER_EXPORTED_SHORTLIST, "SUGGESTION01")
        log_read(sofie, mette, CANDIDATE, "SUGGESTION02")
        assert AccessLog.objects.count() == 4

    def test_a_member_reading_her_own_data_or_a_visitor_is_not_logged(self, mette):
        from django.contrib.auth.models import AnonymousUser

        assert log_read(mette, mette, COACH, "OWNACCESS001") == 0
        assert log_read(AnonymousUser(), mette, COACH, "OWNACCESS001") == 0
        assert not AccessLog.objects.exists()

    def test_a_long_purpose_is_cut_to_fit(self, mette, sofie):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01", purpose="x" * 1000)
        assert len(AccessLog.objects.get().purpose) == 200

    def test_many_reads_cost_two_queries_and_a_repeat_one(self, jonas, sofie, clock):
        seekers = [make_member(f"seeker{number}@example.org", f"Seeker {number}") for number in range(25)]
        reads = [Read(seeker, f"SUGGESTION{number:02d}") for number, seeker in enumerate(seekers)]
        with CaptureQueriesContext(connection) as one:
            log_reads(sofie, CANDIDATE, reads[:1])
        with CaptureQueriesContext(connection) as many:
            assert log_reads(sofie, CANDIDATE, reads) == 24
        with CaptureQueriesContext(connection) as again:
            assert log_reads(sofie, CANDIDATE, reads) == 0
        assert len(one) == len(many) == 2 and len(again) == 1
        assert AccessLog.objects.count() == 25


class TestTheMembersPage:
    def test_she_sees_who_what_when_and_what_for_in_her_time_zone(self, mette, sofie, clock):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01", purpose="Dataanalytiker, Region Hovedstaden")
        body = logged_in(mette).get(PAGE).content.decode()
        assert "Sofie Holm" in body and "Dataanalytiker, Region Hovedstaden" in body
        assert "Read your profile, endorsements and brief as a suggested candidate" in body
        assert 'datetime="2026-06-01T10:00:00+02:00"' in body and "10:00" in body

    def test_she_reads_it_in_her_language(self, mette, sofie, clock):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        response = logged_in(mette, "da").get(PAGE)
        assert response.status_code == 200 and 'lang="da"' in response.content.decode()
        assert "juni 2026" in response.content.decode()  # the date in Danish

    def test_the_account_settings_link_to_it(self, mette):
        body = logged_in(mette).get(reverse("accounts:settings")).content.decode()
        assert f'href="{PAGE}"' in body and "Who has looked at my data" in body

    def test_lars_and_the_viewer_see_nothing_of_hers(self, mette, jonas, lars, sofie):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        log_read(jonas, mette, COACH, "COACHACCESS1")
        for stranger in (lars, sofie, jonas):
            body = logged_in(stranger).get(PAGE).content.decode()
            assert "Nobody has looked at your data yet." in body
            assert "Sofie Holm" not in body and "Jonas Berg" not in body

    def test_a_visitor_is_sent_to_log_in(self, client):
        response = client.get(PAGE)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    def test_a_viewer_who_hides_their_name_or_has_left_is_not_named(self, mette, jonas, sofie):
        log_read(jonas, mette, AccessKind.RECIPIENT_OPENED_CARD, "CARDCODE0001", named=False)
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        sofie.delete()
        body = logged_in(mette).get(PAGE).content.decode()
        assert "Jonas Berg" not in body and "A member who does not show their name" in body
        assert "Sofie Holm" not in body and "A member who has since left Kaffebro" in body

    def test_it_is_paginated_newest_first_at_a_fixed_cost(self, mette, sofie, clock, settings):
        client = logged_in(mette)
        log_read(sofie, mette, CANDIDATE, "SUGGESTION00", purpose="Place 00")
        client.get(PAGE)
        with CaptureQueriesContext(connection) as one:
            client.get(PAGE)
        for number in range(1, settings.PAGE_SIZE + 5):  # at the same instant: the newest row is the last written
            log_read(sofie, mette, CANDIDATE, f"SUGGESTION{number:02d}", purpose=f"Place {number:02d}")
        with CaptureQueriesContext(connection) as full:
            first = client.get(PAGE).content.decode()
        assert len(full) == len(one)
        assert "Place 29" in first and "Place 05" in first and "Place 04" not in first
        assert "Page 1 of 2" in first
        second = client.get(PAGE, {"page": 2}).content.decode()
        assert "Place 04" in second and "Place 00" in second and "Place 05" not in second
        assert client.get(PAGE, {"page": "x'; drop"}).status_code == 200


class TestOperators:
    def test_olga_sees_every_row_and_can_change_none(self, mette, sofie, olga):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        row = AccessLog.objects.get()
        client = Client(raise_request_exception=False)
        log_in_with_second_factor(client, olga)
        listing = client.get(reverse("admin:core_accesslog_changelist"))
        assert listing.status_code == 200 and "SUGGESTION01" in listing.content.decode()
        assert client.get(reverse("admin:core_accesslog_change", args=[row.pk])).status_code == 200
        assert client.get(reverse("admin:core_accesslog_add")).status_code == 403
        assert client.post(reverse("admin:core_accesslog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
        assert AccessLog.objects.filter(pk=row.pk).exists()

    def test_a_member_does_not_get_in(self, mette, sofie):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        response = logged_in(mette).get(reverse("admin:core_accesslog_changelist"))
        assert response.status_code in (302, 403, 404)


class TestPersonalData:
    def test_her_export_holds_her_log_and_nothing_of_anyone_elses(self, mette, jonas, sofie, lars):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01", purpose="Dataanalytiker")
        log_read(jonas, mette, AccessKind.RECIPIENT_OPENED_CARD, "CARDCODE0001", named=False)
        log_read(mette, lars, COACH, "COACHACCESS1")  # Mette read Lars: that is his log, not hers
        with zipfile.ZipFile(io.BytesIO(export_zip(mette))) as archive:
            sections = json.loads(archive.read("data.json"))["sections"]
            assert "core.access_log.csv" in archive.namelist()
        [named] = sections["core.access_log"]
        assert (named["viewer__display_name"], named["kind"], named["code"]) == (
            "Sofie Holm",
            CANDIDATE,
            "SUGGESTION01",
        )
        assert named["viewer"] == sofie.code and named["subject"] == mette.code
        [unnamed] = sections["core.access_log_unnamed"]
        assert unnamed["code"] == "CARDCODE0001" and "Jonas" not in json.dumps(unnamed)
        assert "COACHACCESS1" not in json.dumps(sections)

    def test_erasing_her_deletes_her_log_and_erasing_a_viewer_leaves_it_unnamed(self, mette, jonas, sofie, lars):
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        log_read(jonas, lars, COACH, "COACHACCESS1")
        erase_member(mette.pk)
        assert list(AccessLog.objects.values_list("code", flat=True)) == ["COACHACCESS1"]
        erase_member(jonas.pk)
        assert AccessLog.objects.get().viewer is None


class TestRetention:
    def test_rows_older_than_the_retention_go_and_younger_stay(self, mette, sofie, clock, settings):
        settings.ACCESS_LOG_RETENTION_DAYS = 365
        log_read(sofie, mette, CANDIDATE, "OLDEST000001")
        clock.advance(days=1)
        log_read(sofie, mette, CANDIDATE, "YOUNGER00001")
        clock.advance(days=364, seconds=1)
        assert delete_expired(timezone.now()) == 1
        assert list(AccessLog.objects.values_list("code", flat=True)) == ["YOUNGER00001"]
        assert delete_expired(timezone.now()) == 0

    def test_the_privacy_chores_run_it(self, mette, sofie, clock, settings):
        settings.ACCESS_LOG_RETENTION_DAYS = 30
        log_read(sofie, mette, CANDIDATE, "SUGGESTION01")
        clock.advance(days=31)
        out = io.StringIO()
        call_command("privacy_chores", stdout=out)
        assert "access log deleted: 1" in out.getvalue()
        assert not AccessLog.objects.exists()
