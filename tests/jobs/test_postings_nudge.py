"""The deadline nudge: a seeker who targets a posting and has asked nobody for a coffee hears once, on the latest
sensible coffee date (MEETING_LEAD_DAYS before the deadline, a Friday for a weekend), in her own language.

Time is frozen by passing the day (or by fixing `timezone.localdate` for the command).
"""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from kaffebro.core.models import Event
from kaffebro.jobs.actions import postings as actions
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.meetings.timeline import timeline
from kaffebro.network.members import member_person
from kaffebro.network.models import Posting, Target, TargetKind
from kaffebro.notifications import registry
from kaffebro.notifications.models import Notification

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def deadline_with_latest_coffee_on(weekday: int) -> datetime.date:
    """A deadline some weeks ahead whose date MEETING_LEAD_DAYS before falls on `weekday` (0 Monday … 6 Sunday)."""
    day = timezone.localdate() + datetime.timedelta(days=40)
    while (day - datetime.timedelta(days=10)).weekday() != weekday:
        day += ONE_DAY
    return day


@pytest.fixture
def nudge_posting(region_h, digitalisering) -> Posting:
    return Posting.objects.create(
        organisation=region_h,
        unit=digitalisering,
        title="Dataanalytiker",
        is_public=True,
        deadline=deadline_with_latest_coffee_on(2),  # a Wednesday: no weekend to move back from
    )


@pytest.fixture
def nudge_target(mette, nudge_posting) -> Target:
    return Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=nudge_posting, priority=2)


def latest_coffee(posting: Posting) -> datetime.date:
    return timeline(posting.deadline, today=timezone.localdate()).latest_coffee


def request_toward(target: Target, person, state: str) -> MeetingRequest:
    brief = PrepBrief.objects.create(seeker=target.seeker, target=target, ask="Må jeg høre om jobbet?")
    return MeetingRequest.objects.create(
        seeker=target.seeker,
        brief=brief,
        kind=RequestKind.DIRECT,
        person=person,
        state=state,
        first_sent=None if state == RequestState.DRAFT else timezone.now(),
    )


def test_the_kind_is_registered():
    assert registry.registration_for(actions.NUDGE) is not None


def test_once_on_the_latest_coffee_date_and_never_again(nudge_target, nudge_posting):
    day = latest_coffee(nudge_posting)
    assert day == nudge_posting.deadline - datetime.timedelta(days=10)
    assert actions.send_deadline_nudges(today=day - ONE_DAY) == 0
    assert actions.send_deadline_nudges(today=day) == 1
    assert actions.send_deadline_nudges(today=day) == 0
    assert actions.send_deadline_nudges(today=day + ONE_DAY) == 0
    event = Event.objects.get(kind=actions.NUDGE)
    assert (event.subject, event.actor, event.data) == (
        nudge_target.code,
        None,
        {"seeker": nudge_target.seeker_id, "target": nudge_target.pk, "posting": nudge_posting.pk},
    )


def test_a_weekend_date_moves_to_the_friday_before(mette, region_h):
    posting = Posting.objects.create(
        organisation=region_h, title="Sygeplejerske", deadline=deadline_with_latest_coffee_on(6)
    )
    Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=posting, priority=2)
    friday = posting.deadline - datetime.timedelta(days=12)
    assert friday.weekday() == 4
    assert actions.send_deadline_nudges(today=friday - ONE_DAY) == 0
    assert actions.send_deadline_nudges(today=friday) == 1


def test_a_run_that_missed_the_day_still_nudges_before_the_deadline(nudge_target, nudge_posting):
    assert actions.send_deadline_nudges(today=nudge_posting.deadline + ONE_DAY) == 0
    assert actions.send_deadline_nudges(today=nudge_posting.deadline) == 1


def test_in_app_and_by_mail_in_her_language(nudge_target, nudge_posting, mette, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_deadline_nudges(today=latest_coffee(nudge_posting)) == 1
    notification = Notification.objects.get(recipient=mette)
    assert notification.kind == actions.NUDGE
    (message,) = mail.outbox
    assert message.to == [mette.email] and "Dataanalytiker" in message.subject
    with translation.override("da"):
        danish_date = date_format(nudge_posting.deadline, "DATE_FORMAT")
    with translation.override("en"):
        english_date = date_format(nudge_posting.deadline, "DATE_FORMAT")
    assert danish_date != english_date
    assert danish_date in message.body and english_date not in message.body  # Mette reads Danish
    rendered = registry.render_for(Event.objects.get(kind=actions.NUDGE), mette)
    assert rendered.link == f"/postings/{nudge_posting.code}/"


def test_the_notice_names_the_public_rule_for_a_public_job(nudge_target, nudge_posting, mette):
    mette.language = "en"
    actions.send_deadline_nudges(today=latest_coffee(nudge_posting))
    rendered = registry.render_for(Event.objects.get(kind=actions.NUDGE), mette)
    assert "must be advertised" in rendered.text and "Dataanalytiker at Region Hovedstaden" in rendered.text


@pytest.mark.parametrize(
    "state", [RequestState.WITH_PERSON, RequestState.SCHEDULED, RequestState.DECLINED, RequestState.WITHDRAWN]
)
def test_no_nudge_once_she_asked_for_a_coffee(nudge_target, nudge_posting, sofie, state):
    request_toward(nudge_target, member_person(sofie), state)
    assert actions.send_deadline_nudges(today=latest_coffee(nudge_posting)) == 0


def test_a_draft_is_not_asking(nudge_target, nudge_posting, sofie):
    request_toward(nudge_target, member_person(sofie), RequestState.DRAFT)
    assert actions.send_deadline_nudges(today=latest_coffee(nudge_posting)) == 1


def test_a_request_toward_another_target_does_not_count(nudge_target, nudge_posting, mette, sofie):
    request_toward(Target.objects.get(seeker=mette, kind=TargetKind.UNIT), member_person(sofie), RequestState.SCHEDULED)
    assert actions.send_deadline_nudges(today=latest_coffee(nudge_posting)) == 1


def test_no_nudge_for_a_closed_posting(nudge_target, nudge_posting, olga):
    actions.close_posting(olga, nudge_posting)
    assert actions.send_deadline_nudges(today=latest_coffee(nudge_posting)) == 0


def test_no_nudge_for_a_member_who_left(nudge_target, nudge_posting, mette):
    mette.is_active = False
    mette.save()
    assert actions.send_deadline_nudges(today=latest_coffee(nudge_posting)) == 0


def test_the_notice_is_gone_once_the_target_is(nudge_target, nudge_posting, mette):
    actions.send_deadline_nudges(today=latest_coffee(nudge_posting))
    event = Event.objects.get(kind=actions.NUDGE)
    assert registry.registration_for(actions.NUDGE).recipients(event) == [mette.pk]
    nudge_target.delete()
    assert registry.render_for(event, mette) is None
    assert list(registry.registration_for(actions.NUDGE).recipients(event)) == []


def test_nobody_else_reads_it(nudge_target, nudge_posting, lars):
    actions.send_deadline_nudges(today=latest_coffee(nudge_posting))
    assert registry.render_for(Event.objects.get(kind=actions.NUDGE), lars) is None


def test_the_command_with_frozen_time(nudge_target, nudge_posting, monkeypatch):
    day = latest_coffee(nudge_posting)
    monkeypatch.setattr("kaffebro.jobs.actions.postings.timezone.localdate", lambda *args: day)
    for expected in ("Sent 1 deadline reminder(s).", "Sent 0 deadline reminder(s)."):
        out = StringIO()
        call_command("job_chores", stdout=out)
        assert out.getvalue().strip() == expected
    assert Event.objects.filter(kind=actions.NUDGE).count() == 1
