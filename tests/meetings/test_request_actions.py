"""The actions of a request for a coffee meeting: who may do what, the limits, and what each one records."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.meetings import actions
from kaffebro.meetings.models import (
    DeclineReason,
    MeetingOutcome,
    MeetingRequest,
    OutcomeKind,
    PrepBrief,
    ProposedTime,
    RequestKind,
    RequestState,
)
from kaffebro.network.actions import update_connector_settings
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import ConnectorSettings, GraphChange, Strength, Target, TargetKind
from kaffebro.notifications.tasks import notify
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in
from tests.conftest import know, make_member
from tests.meetings.conftest import brief_fields
from tests.meetings.request_cast import (
    NOTE,
    propose,
    request_in,
    start_introduction,
    token_for,
)

pytestmark = pytest.mark.django_db

S = RequestState
IN_AN_HOUR = datetime.timedelta(hours=1)


def meeting_events(request=None):
    rows = Event.objects.filter(kind__startswith="meeting.").order_by("id")
    if request is not None:
        rows = rows.filter(subject=request.code)
    return list(rows.values_list("kind", "data"))


def times(*days, minutes=45):
    base = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    return [(base + datetime.timedelta(days=day), base + datetime.timedelta(days=day, minutes=minutes)) for day in days]


@pytest.fixture
def sent(mette, jonas, sofie, digitalisering, brief):
    """Mette's introduction request to Sofie through Jonas, sent."""
    request = start_introduction(mette, digitalisering, member_person(sofie).pk)
    return actions.send_request(mette, request, "Hej Jonas")


@pytest.fixture
def with_sofie(sent, jonas):
    return actions.approve_introduction(jonas, sent, NOTE)


@pytest.fixture
def scheduling(with_sofie, sofie):
    return actions.accept(sofie, with_sofie)


@pytest.fixture
def for_karen(mette, jonas, karen, digitalisering, brief):
    """Mette's introduction request to Karen (not a member) through Jonas, accepted by Jonas for her."""
    request = start_introduction(mette, digitalisering, karen.pk)
    request = actions.send_request(mette, request)
    request = actions.approve_introduction(jonas, request, NOTE)
    return actions.accept(jonas, request)


# Starting


def test_a_path_through_jonas_to_sofie_starts_an_introduction_to_a_member(mette, jonas, sofie, digitalisering):
    request = start_introduction(mette, digitalisering, member_person(sofie).pk)
    assert request.state == S.DRAFT and request.kind == RequestKind.INTRODUCTION
    assert (request.connector, request.person_member, request.person) == (jonas, sofie, member_person(sofie))
    assert request.path == [member_person(jonas).pk, member_person(sofie).pk]
    assert request.brief == PrepBrief.objects.get(seeker=mette, target=Target.objects.get(seeker=mette))
    assert meeting_events() == [("meeting.start_request", {"request": request.pk, "request_kind": "introduction"})]


def test_a_path_to_someone_who_is_not_a_member_keeps_them_a_person_only(mette, karen, digitalisering):
    request = start_introduction(mette, digitalisering, karen.pk)
    assert request.person == karen and request.person_member is None and request.connector is not None


def test_starting_again_returns_the_open_request(mette, sofie, digitalisering):
    first = start_introduction(mette, digitalisering, member_person(sofie).pk)
    again = start_introduction(mette, digitalisering, member_person(sofie).pk)
    assert again.pk == first.pk and MeetingRequest.objects.count() == 1
    assert len(meeting_events()) == 1


def test_the_database_refuses_the_same_open_request_twice(mette, jonas, sofie, brief):
    request_in(S.WITH_PERSON, mette, jonas, sofie, brief)
    with pytest.raises(IntegrityError), transaction.atomic():
        request_in(S.DRAFT, mette, jonas, sofie, brief)


def test_one_hop_to_a_member_is_a_direct_request(mette, sofie, digitalisering):
    know(mette, member_person(sofie), strength=Strength.KNOW_WELL)
    token = token_for(mette, TargetSpec.for_unit(digitalisering), member_person(sofie).pk, hops=1)
    request = actions.start_request(mette, token)
    assert request.kind == RequestKind.DIRECT and request.connector is None and request.person_member == sofie


def test_one_hop_to_someone_who_is_not_a_member_is_refused(mette, karen, digitalisering):
    know(mette, karen)
    token = token_for(mette, TargetSpec.for_unit(digitalisering), karen.pk, hops=1)
    with pytest.raises(actions.Refused):
        actions.start_request(mette, token)
    assert not MeetingRequest.objects.exists()


def test_a_path_to_a_place_that_is_not_yet_a_target_adds_the_target(mette, sofie, region_h):
    token = token_for(mette, TargetSpec.for_organisation(region_h), member_person(sofie).pk)
    request = actions.start_request(mette, token)
    target = Target.objects.get(seeker=mette, kind=TargetKind.ORGANISATION)
    assert target.organisation == region_h and request.brief.target == target


def test_a_path_that_is_no_longer_open_is_refused(mette, jonas, sofie, digitalisering):
    token = token_for(mette, TargetSpec.for_unit(digitalisering), member_person(sofie).pk)
    update_connector_settings(jonas, open_to_introductions=False, monthly_limit=4, paused_until=None)
    with translation.override("en"), pytest.raises(actions.Refused) as refused:
        actions.start_request(mette, token)
    assert "no longer open" in refused.value.message
    assert not MeetingRequest.objects.exists()


def test_someone_elses_or_an_altered_token_is_refused(mette, lars, sofie, digitalisering):
    spec = TargetSpec.for_unit(digitalisering)
    token = token_for(mette, spec, member_person(sofie).pk)
    for who, way in [(lars, token), (mette, token[:-3] + "abc")]:
        with pytest.raises(actions.Refused):
            actions.start_request(who, way)
    made_up = sign_way_in(mette.pk, spec, (member_person(sofie).pk,))  # a path she was never shown
    with pytest.raises(actions.Refused):
        actions.start_request(mette, made_up)
    assert not MeetingRequest.objects.exists()


def test_a_direct_request_to_a_member(mette, sofie, lars):
    target = Target.objects.get(seeker=mette)
    request = actions.start_direct_request(mette, target, sofie)
    assert (request.kind, request.person_member, request.state) == (RequestKind.DIRECT, sofie, S.DRAFT)
    assert actions.start_direct_request(mette, target, sofie).pk == request.pk
    with pytest.raises(actions.Refused):
        actions.start_direct_request(mette, target, mette)
    with pytest.raises(actions.Refused):
        actions.start_direct_request(lars, target, sofie)  # not Lars's target


# Sending


def test_sending_asks_the_connector_and_counts_it_against_their_month(sent, mette, jonas):
    assert sent.state == S.WITH_CONNECTOR and sent.message == "Hej Jonas"
    assert sent.answer_due == sent.first_sent + datetime.timedelta(days=14)
    row = ConnectorSettings.objects.get(user=jonas)
    assert (row.introductions_used, row.introductions_month) == (1, timezone.localdate().replace(day=1))
    assert GraphChange.objects.filter(reason="connector.capacity", persons=[member_person(jonas).pk]).exists()
    assert meeting_events(sent)[-1] == (
        "meeting.send_request",
        {"request": sent.pk, "request_kind": "introduction", "state": "with_connector"},
    )


def test_a_direct_request_goes_straight_to_the_person(mette, sofie, brief):
    request = actions.start_direct_request(mette, brief.target, sofie)
    request = actions.send_request(mette, request)
    assert request.state == S.WITH_PERSON and request.reached_person is not None


@pytest.mark.parametrize("brief_values", [None, {"ask": "Et job"}])
def test_a_brief_that_is_not_ready_stops_the_request(mette, sofie, digitalisering, brief_values):
    if brief_values is not None:
        actions.save_brief(mette, Target.objects.get(seeker=mette), brief_fields("da", **brief_values), base_version=0)
    request = start_introduction(mette, digitalisering, member_person(sofie).pk)
    with translation.override("en"), pytest.raises(actions.Refused) as refused:
        actions.send_request(mette, request)
    assert "brief is not ready" in refused.value.message
    request.refresh_from_db()
    assert request.state == S.DRAFT and len(meeting_events()) == 1


def test_at_most_a_handful_of_open_requests(settings, mette, jonas, sofie, karen, digitalisering, brief):
    settings.MEETING_OPEN_REQUESTS = 1
    actions.send_request(mette, start_introduction(mette, digitalisering, member_person(sofie).pk))
    second = start_introduction(mette, digitalisering, karen.pk)
    with pytest.raises(actions.Refused):
        actions.send_request(mette, second)
    second.refresh_from_db()
    assert second.state == S.DRAFT


def test_sends_are_rate_limited(settings, mette, jonas, sofie, karen, digitalisering, brief):
    settings.MEETING_SENDS_PER_HOUR = 1
    first = actions.send_request(mette, start_introduction(mette, digitalisering, member_person(sofie).pk))
    actions.withdraw(mette, first)
    with translation.override("en"), pytest.raises(actions.Refused) as refused:
        actions.send_request(mette, start_introduction(mette, digitalisering, karen.pk))
    assert "in the last hour" in refused.value.message


@pytest.mark.parametrize(
    "settings_changes",
    [
        {"open_to_introductions": False},
        {"paused_until": datetime.date(2099, 1, 1)},
        {"monthly_limit": 0},
        {"monthly_limit": 2, "introductions_used": 2, "introductions_month": "this"},
    ],
    ids=["not opted in", "paused", "limit 0", "at the limit"],
)
def test_a_connector_who_cannot_take_it_now_is_not_asked(mette, jonas, sofie, digitalisering, brief, settings_changes):
    request = start_introduction(mette, digitalisering, member_person(sofie).pk)
    if settings_changes.get("introductions_month") == "this":
        settings_changes["introductions_month"] = timezone.localdate().replace(day=1)
    ConnectorSettings.objects.filter(user=jonas).update(**settings_changes)
    before = ConnectorSettings.objects.values().get(user=jonas)
    with pytest.raises(actions.Refused):
        actions.send_request(mette, request)
    request.refresh_from_db()
    assert request.state == S.DRAFT
    assert ConnectorSettings.objects.values().get(user=jonas) == before


def test_last_months_count_does_not_hold_a_connector_back(mette, jonas, sofie, digitalisering, brief):
    ConnectorSettings.objects.filter(user=jonas).update(
        monthly_limit=2, introductions_used=2, introductions_month=datetime.date(2020, 1, 1)
    )
    actions.send_request(mette, start_introduction(mette, digitalisering, member_person(sofie).pk))
    row = ConnectorSettings.objects.get(user=jonas)
    assert (row.introductions_used, row.introductions_month) == (1, timezone.localdate().replace(day=1))


def test_a_request_sent_again_after_changes_counts_once(sent, mette, jonas):
    back = actions.ask_for_changes(jonas, sent, "Say what you offer first.")
    assert back.state == S.DRAFT and back.changes_asked == "Say what you offer first." and back.answer_due is None
    again = actions.send_request(mette, back, "Better now?")
    assert again.state == S.WITH_CONNECTOR and again.changes_asked == ""
    assert ConnectorSettings.objects.get(user=jonas).introductions_used == 1


def test_not_now_does_not_count_against_the_connector(sent, jonas):
    actions.decline_introduction(jonas, sent, DeclineReason.NOT_NOW)
    assert ConnectorSettings.objects.get(user=jonas).introductions_used == 0
    assert meeting_events(sent)[-1] == ("meeting.decline_introduction", {"request": sent.pk, "reason": "not_now"})


def test_a_no_counts(sent, jonas):
    declined = actions.decline_introduction(jonas, sent, DeclineReason.NO)
    assert declined.state == S.DECLINED and declined.decline_reason == "no"
    assert ConnectorSettings.objects.get(user=jonas).introductions_used == 1
    with pytest.raises(actions.Refused):
        actions.decline_introduction(jonas, sent, "because")


# The connector and the person to meet


def test_approving_introduces_mette_to_sofie(with_sofie, mette):
    assert with_sofie.state == S.WITH_PERSON and with_sofie.introduction_note == NOTE
    assert with_sofie.reached_person is not None
    assert meeting_events(with_sofie)[-1] == ("meeting.approve_introduction", {"request": with_sofie.pk})


def test_an_empty_introduction_note_is_refused(sent, jonas):
    with pytest.raises(actions.Refused) as refused:
        actions.approve_introduction(jonas, sent, "   ")
    assert refused.value.field == "note"


def test_events_hold_ids_never_what_anyone_wrote(scheduling, mette, sofie):
    proposed = actions.propose_times(mette, scheduling, times(2), place="Café Norden, Østergade 61")
    actions.pick_time(sofie, scheduling, proposed[0])
    logged = json.dumps(meeting_events())
    for text in (NOTE, "Hej Jonas", "Café Norden", "Kristensen"):
        assert text not in logged


def test_the_connector_answers_for_someone_who_is_not_a_member(for_karen, jonas):
    assert for_karen.state == S.SCHEDULING


def test_the_connector_may_not_answer_for_a_member(with_sofie, jonas):
    with pytest.raises(actions.Refused):
        actions.accept(jonas, with_sofie)


def test_each_action_refuses_the_wrong_user(with_sofie, scheduling, mette, jonas, sofie, lars):
    """Lars is nobody's party; each party is refused the others' actions."""
    request = scheduling
    mine = propose(request, mette)
    theirs = propose(request, sofie)
    attempts = {
        "send_request": ([lars, jonas, sofie], lambda user: actions.send_request(user, request)),
        "approve_introduction": ([lars, mette, sofie], lambda user: actions.approve_introduction(user, request, NOTE)),
        "ask_for_changes": ([lars, mette, sofie], lambda user: actions.ask_for_changes(user, request, "x")),
        "decline_introduction": (
            [lars, mette, sofie],
            lambda user: actions.decline_introduction(user, request, DeclineReason.NO),
        ),
        "accept": ([lars, mette, jonas], lambda user: actions.accept(user, request)),
        "decline": ([lars, mette, jonas], lambda user: actions.decline(user, request, DeclineReason.NO)),
        "propose_times": ([lars, jonas], lambda user: actions.propose_times(user, request, times(2), place="Café")),
        "pick_time": ([lars, jonas], lambda user: actions.pick_time(user, request, theirs)),
        "reschedule": ([lars, jonas], lambda user: actions.reschedule(user, request)),
        "cancel": ([lars, jonas], lambda user: actions.cancel(user, request)),
        "withdraw": ([lars, jonas, sofie], lambda user: actions.withdraw(user, request)),
        "confirm_held": ([lars, jonas], lambda user: actions.confirm_held(user, request, True)),
        "log_follow_up": ([lars, jonas, sofie], lambda user: actions.log_follow_up(user, request, "a", "b")),
        "record_outcome": ([lars, jonas, sofie], lambda user: actions.record_outcome(user, request, "other")),
    }
    before = MeetingRequest.objects.values().get(pk=request.pk)
    events = len(meeting_events())
    for name, (users, attempt) in attempts.items():
        for user in users:
            with pytest.raises(actions.Refused):
                attempt(user)
            assert MeetingRequest.objects.values().get(pk=request.pk) == before, (name, user)
    assert len(meeting_events()) == events
    with pytest.raises(actions.Refused):
        actions.pick_time(mette, request, mine)  # her own time: the other side has to agree it


# Finding a time


@pytest.mark.parametrize(
    ("proposal", "field"),
    [
        ({"times": []}, "times"),
        ({"times": times(1, 2, 3, 4)}, "times"),
        ({"times": [(timezone.now() - IN_AN_HOUR, timezone.now())]}, "times"),
        ({"times": times(2, minutes=10)}, "times"),
        ({"times": times(2, minutes=200)}, "times"),
        ({"times": times(2), "place": ""}, "place"),
        ({"times": times(2), "place": "", "video_link": "javascript:alert(1)"}, "video_link"),
    ],
    ids=["none", "four", "past", "too short", "too long", "nowhere", "bad link"],
)
def test_bad_proposals_are_refused(scheduling, mette, proposal, field):
    values = {"place": "Café Norden", **proposal}
    with pytest.raises(actions.Refused) as refused:
        actions.propose_times(mette, scheduling, **values)
    assert refused.value.field == field
    assert not ProposedTime.objects.exists()


def test_new_proposals_replace_the_users_earlier_ones(scheduling, mette, sofie):
    actions.propose_times(mette, scheduling, times(2, 3), place="Café Norden")
    actions.propose_times(sofie, scheduling, times(4), video_link="https://meet.example.org/abc")
    actions.propose_times(mette, scheduling, times(5), place="Kaffebaren")
    assert ProposedTime.objects.filter(proposed_by=mette).count() == 1
    assert ProposedTime.objects.filter(proposed_by=sofie).count() == 1
    scheduling.refresh_from_db()
    assert scheduling.state == S.SCHEDULING and scheduling.place == "Kaffebaren"
    assert [kind for kind, _data in meeting_events(scheduling)].count("meeting.times_proposed") == 3


def test_picking_the_other_sides_time_schedules_the_meeting(scheduling, mette, sofie):
    (proposed,) = actions.propose_times(sofie, scheduling, times(2), place="Café Norden")
    scheduled = actions.pick_time(mette, scheduling, proposed)
    assert scheduled.state == S.SCHEDULED and scheduled.starts == proposed.starts and scheduled.ends == proposed.ends
    assert scheduled.calendar_sequence == 1
    again = actions.reschedule(sofie, scheduled)
    assert again.state == S.SCHEDULING and again.calendar_sequence == 2
    (other,) = actions.propose_times(mette, again, times(3), place="Café Norden")
    rescheduled = actions.pick_time(sofie, again, other)
    assert rescheduled.calendar_sequence == 3
    cancelled = actions.cancel(mette, rescheduled)
    assert cancelled.state == S.WITHDRAWN and cancelled.calendar_sequence == 4


def test_for_someone_who_is_not_a_member_the_seeker_records_the_agreed_time(for_karen, mette, jonas):
    with pytest.raises(actions.Refused):
        actions.propose_times(jonas, for_karen, times(2), place="Café Norden")
    (agreed,) = actions.propose_times(mette, for_karen, times(2), place="Café Norden")
    scheduled = actions.pick_time(mette, for_karen, agreed)
    assert scheduled.state == S.SCHEDULED


def test_a_time_that_has_passed_cannot_be_picked(scheduling, mette, sofie):
    (proposed,) = actions.propose_times(sofie, scheduling, times(2), place="Café Norden")
    ProposedTime.objects.filter(pk=proposed.pk).update(starts=timezone.now() - IN_AN_HOUR)
    proposed.refresh_from_db()
    with pytest.raises(actions.Refused):
        actions.pick_time(mette, scheduling, proposed)


def test_withdrawing_a_scheduled_meeting_updates_the_invitation(scheduling, mette, sofie):
    (proposed,) = actions.propose_times(sofie, scheduling, times(2), place="Café Norden")
    scheduled = actions.pick_time(mette, scheduling, proposed)
    withdrawn = actions.withdraw(mette, scheduled)
    assert withdrawn.state == S.WITHDRAWN and withdrawn.calendar_sequence == 2


# After the meeting


@pytest.fixture
def scheduled(scheduling, mette, sofie):
    (proposed,) = actions.propose_times(sofie, scheduling, times(2), place="Café Norden")
    return actions.pick_time(mette, scheduling, proposed)


def _has_begun(request):
    MeetingRequest.objects.filter(pk=request.pk).update(
        starts=timezone.now() - 2 * IN_AN_HOUR, ends=timezone.now() - IN_AN_HOUR
    )
    request.refresh_from_db()
    return request


def test_whether_it_happened_is_asked_only_once_it_has_begun(scheduled, mette):
    with pytest.raises(actions.Refused):
        actions.confirm_held(mette, scheduled, True)


def test_held_then_the_other_side_only_records(scheduled, mette, sofie):
    request = _has_begun(scheduled)
    held = actions.confirm_held(sofie, request, True)
    assert held.state == S.HELD and held.other_says_held is True and held.seeker_says_held is None
    recorded = actions.confirm_held(mette, held, False)
    assert recorded.state == S.HELD and recorded.seeker_says_held is False
    with pytest.raises(actions.Refused):
        actions.confirm_held(mette, held, True)  # answered already
    assert [data["state"] for kind, data in meeting_events(request) if kind == "meeting.confirm_held"] == [
        "held",
        "held",
    ]


def test_not_held_goes_back_to_finding_a_time(scheduled, mette):
    back = actions.confirm_held(mette, _has_begun(scheduled), False)
    assert back.state == S.SCHEDULING and back.seeker_says_held is False and back.answer_due is not None


def test_the_follow_up_and_its_outcomes(scheduled, mette, sofie):
    held = actions.confirm_held(mette, _has_begun(scheduled), True)
    with pytest.raises(actions.Refused):
        actions.log_follow_up(mette, held, "", "Apply")
    with pytest.raises(actions.Refused):
        actions.log_follow_up(mette, held, "Learned", "Apply", [("a_job", "")])
    done = actions.log_follow_up(
        mette, held, "How they plan the portal.", "Apply by March.", [(OutcomeKind.NAME_PASSED_ON, "To Per")]
    )
    assert done.state == S.FOLLOWED_UP and done.learned == "How they plan the portal."
    outcome = actions.record_outcome(mette, done, OutcomeKind.INVITED_TO_INTERVIEW)
    assert list(MeetingOutcome.objects.filter(request=done).values_list("kind", flat=True)) == [
        "name_passed_on",
        "invited_to_interview",
    ]
    assert meeting_events(done)[-1] == (
        "meeting.record_outcome",
        {"request": done.pk, "outcome": outcome.pk, "outcome_kind": "invited_to_interview"},
    )


def test_an_outcome_only_after_the_meeting(scheduled, mette):
    with pytest.raises(actions.Refused):
        actions.record_outcome(mette, scheduled, OutcomeKind.OTHER)


# The system, with a frozen clock


def test_requests_nobody_answers_close_politely_after_two_weeks(mette, jonas, sofie, karen, brief):
    now = timezone.now()
    waiting = request_in(S.WITH_CONNECTOR, mette, jonas, sofie, brief)
    not_yet = request_in(S.WITH_PERSON, mette, jonas, sofie, brief, person=karen)
    MeetingRequest.objects.filter(pk=waiting.pk).update(answer_due=now - datetime.timedelta(minutes=1))
    MeetingRequest.objects.filter(pk=not_yet.pk).update(answer_due=now + datetime.timedelta(days=3))
    assert actions.expire_requests(now) == 1
    assert actions.expire_requests(now) == 0
    waiting.refresh_from_db()
    not_yet.refresh_from_db()
    assert (waiting.state, waiting.state_changed, not_yet.state) == (S.EXPIRED, now, S.WITH_PERSON)
    assert meeting_events(waiting) == [("meeting.expire", {"request": waiting.pk})]
    assert Event.objects.get(kind="meeting.expire").actor is None
    assert actions.expire_requests(now + datetime.timedelta(days=4)) == 1


def test_a_draft_or_a_scheduled_meeting_never_expires(mette, jonas, sofie, karen, brief):
    request_in(S.DRAFT, mette, jonas, sofie, brief)
    request_in(S.SCHEDULED, mette, jonas, sofie, brief, person=karen)
    MeetingRequest.objects.update(answer_due=timezone.now() - datetime.timedelta(days=30))
    assert actions.expire_requests(timezone.now()) == 0


def test_the_answer_is_due_after_the_configured_days(settings, sent):
    assert sent.answer_due - sent.state_changed == datetime.timedelta(days=settings.MEETING_ANSWER_DAYS)


def test_reminders_the_day_before_and_two_weeks_after(mette, jonas, sofie, karen, brief):
    now = timezone.now()
    tomorrow = request_in(S.SCHEDULED, mette, jonas, sofie, brief)
    MeetingRequest.objects.filter(pk=tomorrow.pk).update(
        starts=now + datetime.timedelta(hours=20), ends=now + datetime.timedelta(hours=21)
    )
    held = request_in(S.HELD, mette, jonas, sofie, brief, person=karen)
    MeetingRequest.objects.filter(pk=held.pk).update(ends=now - datetime.timedelta(days=13))
    assert actions.send_reminders(now) == 1
    assert actions.send_reminders(now) == 0
    assert meeting_events(tomorrow) == [("meeting.reminder", {"request": tomorrow.pk})]
    later = now + datetime.timedelta(days=2)
    assert actions.send_reminders(later) == 1
    assert meeting_events(held) == [("meeting.follow_up_reminder", {"request": held.pk})]
    assert actions.send_reminders(later) == 0
    tomorrow.refresh_from_db()
    held.refresh_from_db()
    assert (tomorrow.reminder_sent, held.follow_up_reminder_sent) == (now, later)


def test_no_reminder_for_a_meeting_further_ahead(mette, jonas, sofie, brief):
    request = request_in(S.SCHEDULED, mette, jonas, sofie, brief)
    MeetingRequest.objects.filter(pk=request.pk).update(starts=timezone.now() + datetime.timedelta(days=2))
    assert actions.send_reminders(timezone.now()) == 0


def test_the_chores_command(mette, jonas, sofie, brief, capsys):
    request_in(S.WITH_CONNECTOR, mette, jonas, sofie, brief)
    call_command("meeting_chores")
    assert MeetingRequest.objects.get().state == S.EXPIRED
    assert "Closed 1" in capsys.readouterr().out


# Notifications


def test_each_action_schedules_its_notifications_after_commit(sent, jonas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        actions.approve_introduction(jonas, sent, NOTE)
    event = Event.objects.get(kind="meeting.approve_introduction")
    scheduled = [callback for callback in callbacks if getattr(callback, "func", None) == notify.enqueue]
    assert [callback.args for callback in scheduled] == [(event.pk,)]


def test_a_refused_action_notifies_nobody(sent, mette, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(actions.Refused):
        actions.approve_introduction(mette, sent, NOTE)
    assert callbacks == []


def test_a_member_who_paused_after_the_draft_is_not_asked(mette, jonas, sofie, digitalisering, brief):
    request = start_introduction(mette, digitalisering, member_person(sofie).pk)
    row = connector_settings(jonas)
    update_connector_settings(
        jonas, open_to_introductions=True, monthly_limit=row.monthly_limit, paused_until=timezone.localdate()
    )
    with translation.override("en"), pytest.raises(actions.Refused) as refused:
        actions.send_request(mette, request)
    assert "paused" in refused.value.message


def test_a_second_connector_with_room_is_still_asked(mette, jonas, sofie, digitalisering, brief):
    anne = make_member("anne@example.org", "Anne Dahl")
    update_connector_settings(anne, open_to_introductions=True, monthly_limit=4, paused_until=None)
    ConnectorSettings.objects.filter(user=anne).update(contacts_private_by_default=False)
    know(mette, member_person(anne), strength=Strength.CLOSE)
    know(anne, member_person(sofie), strength=Strength.GOOD_CONTACT)
    ConnectorSettings.objects.filter(user=jonas).update(
        monthly_limit=1, introductions_used=1, introductions_month=timezone.localdate().replace(day=1)
    )
    spec = TargetSpec.for_unit(digitalisering)
    way = next(way for way in find_paths(mette, spec, k=50).paths if way.person_ids[0] == member_person(anne).pk)
    request = actions.start_request(mette, sign_way_in(mette.pk, spec, way.person_ids))
    assert actions.send_request(mette, request).connector == anne
