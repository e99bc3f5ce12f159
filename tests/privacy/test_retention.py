"""Retention (`manage.py privacy_chores`), with a frozen clock: nothing is kept longer than its period.

Defaults: an account unused for 730 days is warned, and erased 30 days later if still unused; suggestions that
ended without a hire, and requests that closed without a meeting, are deleted 180 days after they ended.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.api.models import ApiToken
from kaffebro.core.models import ErasureLog, Event
from kaffebro.core.personal_data import run_chores
from kaffebro.jobs.models import Suggestion, SuggestionState
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestKind, RequestState
from tests.conftest import make_member

DAY = datetime.timedelta(days=1)


class Clock:
    """A frozen `timezone.now()` that a test moves forward by hand."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, days: float) -> None:
        self.now += datetime.timedelta(days=days)


@pytest.fixture
def clock(db, monkeypatch) -> Clock:
    frozen = Clock(datetime.datetime(2028, 6, 1, 9, 0, tzinfo=datetime.UTC))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def chores(django_capture_on_commit_callbacks):
    """Run the chores as the command does, with the mail each one schedules sent."""

    def run() -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return run_chores()

    return run


def quiet_member(email: str, clock: Clock, days: int, **fields) -> User:
    """A member last seen `days` ago."""
    member = make_member(email, email.split("@")[0].title(), **fields)
    User.objects.filter(pk=member.pk).update(
        last_login=clock.now - days * DAY, date_joined=clock.now - (days + 100) * DAY
    )
    return member


class TestInactiveAccounts:
    def test_warned_once_in_their_language_then_erased_after_the_notice(self, clock, chores):
        ida = quiet_member("ida@example.org", clock, 731, language="en")
        assert chores()["inactive_accounts_warned"] == 1
        assert [message.to for message in mail.outbox] == [["ida@example.org"]]
        assert mail.outbox[0].extra_headers["Content-Language"] == "en"
        assert "deleted" in mail.outbox[0].subject
        assert "/account/export/" in mail.outbox[0].body
        assert chores()["inactive_accounts_warned"] == 0
        assert len(mail.outbox) == 1
        clock.advance(29)
        assert chores()["inactive_accounts_erased"] == 0
        clock.advance(1)
        assert chores()["inactive_accounts_erased"] == 1
        assert not User.objects.filter(pk=ida.pk).exists()
        assert ErasureLog.objects.filter(user_id=ida.pk).exists()

    def test_logging_in_after_the_warning_keeps_the_account_and_a_new_period_begins(self, clock, chores):
        ida = quiet_member("ida@example.org", clock, 731)
        chores()
        clock.advance(10)
        User.objects.filter(pk=ida.pk).update(last_login=clock.now)
        clock.advance(60)
        assert chores()["inactive_accounts_erased"] == 0
        assert User.objects.filter(pk=ida.pk).exists()
        assert len(mail.outbox) == 1
        clock.advance(730)
        assert chores()["inactive_accounts_warned"] == 1
        assert len(mail.outbox) == 2

    def test_a_member_who_never_logged_in_counts_from_joining(self, clock, chores):
        new = make_member("new@example.org", "New")
        User.objects.filter(pk=new.pk).update(last_login=None, date_joined=clock.now - 731 * DAY)
        assert chores()["inactive_accounts_warned"] == 1

    def test_recent_members_api_users_and_operators_are_left_alone(self, clock, chores):
        quiet_member("recent@example.org", clock, 729)
        api_user = quiet_member("api@example.org", clock, 900)
        ApiToken.objects.create(user=api_user, name="sheet", prefix="kb_1", hash="d" * 64, last_used=clock.now - DAY)
        quiet_member("operator@example.org", clock, 2000, is_staff=True)
        assert chores()["inactive_accounts_warned"] == 0
        assert mail.outbox == []
        clock.advance(400)
        assert chores()["inactive_accounts_erased"] == 0
        assert [message.to for message in mail.outbox] == [["recent@example.org"]]  # now 1,129 days unused
        assert User.objects.count() == 3

    def test_the_marker_is_an_event_naming_only_the_code(self, clock, chores):
        ida = quiet_member("ida@example.org", clock, 800)
        chores()
        event = Event.objects.get(kind="privacy.inactivity_warned")
        assert (event.subject, event.data, event.actor_id) == (ida.code, {}, None)


def suggestion(mette, jonas, sofie, region_h, state: str, ended: datetime.datetime) -> Suggestion:
    return Suggestion.objects.create(
        seeker=mette,
        suggested_by=jonas,
        decision_maker=sofie,
        organisation=region_h,
        how_known="Kollega",
        why_fit="God",
        state=state,
        state_changed=ended,
    )


def test_suggestions_that_ended_without_a_hire_go_after_180_days(clock, chores, mette, jonas, sofie, region_h):
    due = [
        suggestion(mette, jonas, sofie, region_h, state, clock.now - 181 * DAY)
        for state in (SuggestionState.NOT_A_FIT, SuggestionState.ARCHIVED, SuggestionState.CANCELLED)
    ]
    kept = [
        suggestion(mette, jonas, sofie, region_h, SuggestionState.NOT_A_FIT, clock.now - 179 * DAY),
        suggestion(mette, jonas, sofie, region_h, SuggestionState.HIRED, clock.now - 900 * DAY),
        suggestion(mette, jonas, sofie, region_h, SuggestionState.NEW, clock.now - 900 * DAY),
    ]
    assert chores()["ended_suggestions_deleted"] == 3
    assert not Suggestion.objects.filter(pk__in=[s.pk for s in due]).exists()
    assert Suggestion.objects.filter(pk__in=[s.pk for s in kept]).count() == 3
    clock.advance(2)
    assert chores()["ended_suggestions_deleted"] == 1


def test_requests_closed_without_a_meeting_go_after_180_days(clock, chores, mette, jonas, sofie):
    brief = PrepBrief.objects.create(seeker=mette, target=mette.targets.get())

    def request(state: str, days: int) -> MeetingRequest:
        return MeetingRequest.objects.create(
            seeker=mette,
            brief=brief,
            kind=RequestKind.DIRECT,
            person=sofie.person,
            person_member=sofie,
            state=state,
            state_changed=clock.now - days * DAY,
        )

    due = [request(state, 181) for state in (RequestState.EXPIRED, RequestState.DECLINED, RequestState.WITHDRAWN)]
    kept = [request(RequestState.EXPIRED, 179), request(RequestState.HELD, 900), request(RequestState.FOLLOWED_UP, 900)]
    assert chores()["closed_requests_deleted"] == 3
    assert not MeetingRequest.objects.filter(pk__in=[r.pk for r in due]).exists()
    assert MeetingRequest.objects.filter(pk__in=[r.pk for r in kept]).count() == 3
    assert Event.objects.get(kind="privacy.retention", data__what="meetings.requests").data["deleted"] == 3


def test_the_command_reports_each_rule(clock, db, capsys):
    call_command("privacy_chores")
    out = capsys.readouterr().out
    for rule in ("inactive accounts warned", "inactive accounts erased", "ended suggestions deleted"):
        assert f"{rule}: 0" in out
