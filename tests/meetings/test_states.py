"""Every row of the transition table, allowed from each of its source states and refused from every other.

The test is parametrised over `states.TRANSITIONS` and `RequestState`, so a new row (or a new state) is
tried automatically; a row needs only a way to perform it in `PERFORM` (the test says so when it is missing).
"""

import pytest
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.meetings import actions, states
from kaffebro.meetings.models import DeclineReason, MeetingRequest, RequestKind, RequestState
from tests.meetings.request_cast import NOTE, propose, request_in

pytestmark = pytest.mark.django_db


def _expire(cast, request):
    if not actions.expire_requests(timezone.now()):
        raise actions.Refused("nothing was due")


# How to perform each row of the table, as the right party: (kind of request, action).
PERFORM = {
    "send_to_connector": (RequestKind.INTRODUCTION, lambda c, r: actions.send_request(c.mette, r, "Hello")),
    "send_direct": (RequestKind.DIRECT, lambda c, r: actions.send_request(c.mette, r, "Hello")),
    "approve_introduction": (RequestKind.INTRODUCTION, lambda c, r: actions.approve_introduction(c.jonas, r, NOTE)),
    "ask_for_changes": (RequestKind.INTRODUCTION, lambda c, r: actions.ask_for_changes(c.jonas, r, "Shorter, please")),
    "decline_introduction": (
        RequestKind.INTRODUCTION,
        lambda c, r: actions.decline_introduction(c.jonas, r, DeclineReason.NOT_NOW),
    ),
    "accept": (RequestKind.INTRODUCTION, lambda c, r: actions.accept(c.sofie, r)),
    "decline": (RequestKind.INTRODUCTION, lambda c, r: actions.decline(c.sofie, r, DeclineReason.NO)),
    "pick_time": (RequestKind.INTRODUCTION, lambda c, r: actions.pick_time(c.mette, r, propose(r, c.sofie))),
    "reschedule": (RequestKind.INTRODUCTION, lambda c, r: actions.reschedule(c.mette, r)),
    "cancel": (RequestKind.INTRODUCTION, lambda c, r: actions.cancel(c.sofie, r)),
    "withdraw": (RequestKind.INTRODUCTION, lambda c, r: actions.withdraw(c.mette, r)),
    "confirm_held": (RequestKind.INTRODUCTION, lambda c, r: actions.confirm_held(c.mette, r, True)),
    "not_held": (RequestKind.INTRODUCTION, lambda c, r: actions.confirm_held(c.sofie, r, False)),
    "log_follow_up": (
        RequestKind.INTRODUCTION,
        lambda c, r: actions.log_follow_up(c.mette, r, "How the portal is planned.", "Apply in March."),
    ),
    "expire": (RequestKind.INTRODUCTION, _expire),
}

# The event each row writes (the action's name; both sends are `send_request`, not_held is `confirm_held`).
EVENT = {"send_to_connector": "send_request", "send_direct": "send_request", "not_held": "confirm_held"}


# Rows from no state create a request; tests/meetings/test_invite.py tries them allowed and refused.
CREATES = {name for name, transition in states.TRANSITIONS.items() if not transition.sources}


class Cast:
    def __init__(self, mette, jonas, sofie):
        self.mette, self.jonas, self.sofie = mette, jonas, sofie


def test_every_row_can_be_performed():
    assert set(PERFORM) | CREATES == set(states.TRANSITIONS), "add a way to perform each new row to PERFORM"


def test_the_table_names_real_states_and_parties():
    for name, transition in states.TRANSITIONS.items():
        assert set(transition.sources) <= set(RequestState.values), name
        assert transition.target in RequestState.values, name
        assert transition.who in {"seeker", "connector", "person", "either", "system"}, name
    assert set(states.WAITING_FOR_AN_ANSWER) <= set(states.OPEN)


def test_actions_from_lists_exactly_the_rows_of_a_state():
    assert states.actions_from(RequestState.DRAFT) == ["send_to_connector", "send_direct", "withdraw"]
    assert states.actions_from(RequestState.EXPIRED) == []


@pytest.mark.parametrize("state", RequestState.values)
@pytest.mark.parametrize("name", [name for name in states.TRANSITIONS if name not in CREATES])
def test_each_row_is_allowed_from_its_sources_and_refused_from_every_other_state(
    name, state, mette, jonas, sofie, brief
):
    if name not in PERFORM:
        pytest.fail(f"no way to perform the row {name!r}: add it to PERFORM")
    kind, perform = PERFORM[name]
    request = request_in(state, mette, jonas, sofie, brief, kind=kind)
    events = Event.objects.filter(kind__startswith="meeting.").count()
    if states.allowed(name, state):
        perform(Cast(mette, jonas, sofie), request)
        request.refresh_from_db()
        assert request.state == states.TRANSITIONS[name].target
        latest = Event.objects.filter(kind__startswith="meeting.").order_by("-id").values_list("kind", "subject")
        assert latest.first() == (f"meeting.{EVENT.get(name, name)}", request.code)
        assert Event.objects.filter(kind__startswith="meeting.").count() == events + 1
    else:
        before = MeetingRequest.objects.values().get(pk=request.pk)
        with pytest.raises(actions.Refused):
            perform(Cast(mette, jonas, sofie), request)
        assert MeetingRequest.objects.values().get(pk=request.pk) == before
        assert Event.objects.filter(kind__startswith="meeting.").count() == events
