"""/requests: coffee-meeting requests for each party, every row of the transition table allowed and refused.

Mette (seeker) asks Jonas (connector) to introduce her to Sofie (a member, the person to meet).
Each action is tried from every state by the party the table names: from a source state it
moves the request to the row's target; from any other it is refused (409) and changes nothing;
a party who may never take it is refused 403, and anyone the request does not concern gets 404.
"""

import datetime

import pytest
from django.utils import timezone

from kaffebro.api.views.requests import time_ref
from kaffebro.meetings.models import MeetingRequest, RequestKind, RequestState
from kaffebro.meetings.states import TRANSITIONS
from kaffebro.network.members import member_person
from kaffebro.paths.targets import TargetSpec
from tests.meetings.request_cast import NOTE, propose, request_in, token_for

pytestmark = pytest.mark.django_db

PARTY = {
    "send_to_connector": "seeker",
    "send_direct": "seeker",
    "approve_introduction": "connector",
    "ask_for_changes": "connector",
    "decline_introduction": "connector",
    "accept": "person",
    "decline": "person",
    "pick_time": "seeker",
    "reschedule": "seeker",
    "cancel": "seeker",
    "withdraw": "seeker",
    "confirm_held": "seeker",
    "not_held": "seeker",
    "log_follow_up": "seeker",
}
BODY = {
    "send_to_connector": {"message": "Hej Jonas"},
    "send_direct": {"message": "Hej Sofie"},
    "approve_introduction": {"note": NOTE},
    "ask_for_changes": {"changes": "Skriv mere om, hvad du spørger om."},
    "decline_introduction": {"reason": "not_now"},
    "decline": {"reason": "no"},
    "log_follow_up": {"learned": "Hvordan enheden planlægger.", "next_step": "Søg stillingen.", "outcomes": []},
}
STATES = [state.value for state in RequestState]


@pytest.fixture
def clients(mette, jonas, sofie, as_member):
    return {"seeker": as_member(mette), "connector": as_member(jonas), "person": as_member(sofie)}


def sees(party: str, meeting: MeetingRequest) -> bool:
    """Whether the party is (yet) a party to the request: the connector once sent, the person once it reached them."""
    if party == "connector":
        return meeting.first_sent is not None
    if party == "person":
        return meeting.reached_person is not None
    return True


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(PARTY))
def test_every_transition_is_allowed_only_from_its_sources(action, state, mette, jonas, sofie, brief, clients):
    kind = RequestKind.DIRECT if action == "send_direct" else RequestKind.INTRODUCTION
    meeting = request_in(state, mette, jonas, sofie, brief, kind=kind)
    body = dict(BODY.get(action, {}))
    if action == "pick_time":
        body["time"] = time_ref(propose(meeting, sofie))
    party = PARTY[action]
    response = clients[party].post(f"/api/v1/requests/{meeting.code}/{action}/", body)
    now = MeetingRequest.objects.get(pk=meeting.pk)
    if not sees(party, meeting):
        assert response.status_code == 404
    elif state in TRANSITIONS[action].sources:
        assert response.status_code == 200, response.json()
        assert now.state == TRANSITIONS[action].target == response.json()["state"]
    else:
        assert response.status_code == 409, response.json()
        assert now.state == state


def test_a_party_who_may_never_take_an_action_is_refused_403(mette, jonas, sofie, brief, clients):
    meeting = request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
    response = clients["seeker"].post(f"/api/v1/requests/{meeting.code}/approve_introduction/", {"note": NOTE})
    assert response.status_code == 403
    assert MeetingRequest.objects.get(pk=meeting.pk).state == RequestState.WITH_CONNECTOR


def test_from_a_path_to_a_sent_request_and_a_meeting(mette, jonas, sofie, brief, digitalisering, clients):
    way = token_for(mette, TargetSpec.for_unit(digitalisering), member_person(sofie).pk, hops=2)
    started = clients["seeker"].post("/api/v1/requests/", {"way": way})
    assert started.status_code == 201
    draft = started.json()
    assert (draft["state"], draft["role"], draft["kind"]) == ("draft", "seeker", "introduction")
    assert draft["actions"] == ["send_to_connector", "withdraw"]
    assert clients["seeker"].post("/api/v1/requests/", {"way": way}).json()["code"] == draft["code"]
    code = draft["code"]
    assert clients["connector"].get(f"/api/v1/requests/{code}/").status_code == 404  # a draft is Mette's alone
    sent = clients["seeker"].post(f"/api/v1/requests/{code}/send_to_connector/", {"message": "Hej Jonas"})
    assert sent.json()["state"] == "with_connector" and sent.json()["person"] != "Sofie Holm"
    seen_by_jonas = clients["connector"].get(f"/api/v1/requests/{code}/").json()
    assert seen_by_jonas["role"] == "connector" and seen_by_jonas["message"] == "Hej Jonas"
    assert "approve_introduction" in seen_by_jonas["actions"] and seen_by_jonas["brief"]["ask"]
    assert clients["person"].get(f"/api/v1/requests/{code}/").status_code == 404
    clients["connector"].post(f"/api/v1/requests/{code}/approve_introduction/", {"note": NOTE})
    for_sofie = clients["person"].get(f"/api/v1/requests/{code}/").json()
    assert for_sofie["role"] == "person" and for_sofie["introduction_note"] == NOTE and for_sofie["message"] is None
    clients["person"].post(f"/api/v1/requests/{code}/accept/")
    soon = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    times = clients["seeker"].post(
        f"/api/v1/requests/{code}/propose_times/",
        {
            "times": [{"starts": soon.isoformat(), "ends": (soon + datetime.timedelta(minutes=45)).isoformat()}],
            "place": "Café Europa",
        },
    )
    assert times.status_code == 200, times.json()
    offered = clients["person"].get(f"/api/v1/requests/{code}/").json()["proposed_times"]
    assert offered[0]["you_may_pick"] and not offered[0]["proposed_by_you"]
    picked = clients["person"].post(f"/api/v1/requests/{code}/pick_time/", {"time": offered[0]["ref"]})
    assert picked.json()["state"] == "scheduled" and picked.json()["place"] == "Café Europa"
    assert clients["seeker"].get(f"/api/v1/requests/{code}/").json()["person"] == "Sofie Holm"


def test_a_brief_that_is_not_ready_stops_the_send(mette, jonas, sofie, brief, clients):
    brief.ask = "Et job"
    brief.save()
    meeting = request_in(RequestState.DRAFT, mette, jonas, sofie, brief)
    response = clients["seeker"].post(f"/api/v1/requests/{meeting.code}/send_to_connector/", {})
    assert response.status_code == 409
    assert MeetingRequest.objects.get(pk=meeting.pk).state == RequestState.DRAFT


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("decline_introduction", {"reason": "because"}, "reason"),
        ("approve_introduction", {"note": ""}, "note"),
        ("pick_time", {"time": "unknown"}, "time"),
    ],
)
def test_an_actions_bad_input_is_a_400(mette, jonas, sofie, brief, clients, action, body, field):
    state = RequestState.SCHEDULING if action == "pick_time" else RequestState.WITH_CONNECTOR
    meeting = request_in(state, mette, jonas, sofie, brief)
    party = "seeker" if action == "pick_time" else "connector"
    response = clients[party].post(f"/api/v1/requests/{meeting.code}/{action}/", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_an_outcome_is_recorded_after_the_meeting(mette, jonas, sofie, brief, clients):
    meeting = request_in(RequestState.HELD, mette, jonas, sofie, brief)
    response = clients["seeker"].post(
        f"/api/v1/requests/{meeting.code}/record_outcome/", {"outcome": {"kind": "name_passed_on", "note": "Til Sofie"}}
    )
    assert response.status_code == 200
    assert [outcome["kind"] for outcome in response.json()["outcomes"]] == ["name_passed_on"]


def test_lars_gets_404_for_every_step_of_mettes_request(mette, jonas, sofie, brief, lars_api):
    meeting = request_in(RequestState.SCHEDULING, mette, jonas, sofie, brief)
    assert lars_api.get(f"/api/v1/requests/{meeting.code}/").status_code == 404
    for action in (*PARTY, "propose_times", "record_outcome", "no_such_action"):
        assert lars_api.post(f"/api/v1/requests/{meeting.code}/{action}/", {}).status_code == 404
    assert lars_api.get("/api/v1/requests/").json()["results"] == []
    assert MeetingRequest.objects.get(pk=meeting.pk).state == RequestState.SCHEDULING


def test_a_way_that_is_not_yours_is_refused(mette, lars_api, digitalisering, sofie):
    way = token_for(mette, TargetSpec.for_unit(digitalisering), member_person(sofie).pk, hops=2)
    assert lars_api.post("/api/v1/requests/", {"way": way}).status_code == 409
    assert not MeetingRequest.objects.exists()


def test_the_list_shows_each_party_their_role_and_filters(mette, jonas, sofie, brief, clients):
    request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
    for_jonas = clients["connector"].get("/api/v1/requests/", {"role": "connector"}).json()["results"]
    assert [(row["role"], row["seeker"]["display_name"]) for row in for_jonas] == [("connector", "Mette Kristensen")]
    assert for_jonas[0]["person"] is None
    assert clients["seeker"].get("/api/v1/requests/", {"state": "held"}).json()["results"] == []
    assert clients["seeker"].get("/api/v1/requests/", {"role": "boss"}).status_code == 400


def test_the_request_list_reads_a_fixed_number_of_queries(
    mette, jonas, sofie, brief, clients, karen, django_assert_num_queries
):
    request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
    clients["seeker"].get("/api/v1/requests/")
    with django_assert_num_queries(2) as few:  # the token, and the page with the parties
        clients["seeker"].get("/api/v1/requests/")
    expected = len(few.captured_queries)
    for state in (RequestState.DECLINED, RequestState.WITHDRAWN, RequestState.EXPIRED):
        request_in(state, mette, jonas, sofie, brief, person=karen)
    with django_assert_num_queries(expected):
        assert len(clients["seeker"].get("/api/v1/requests/").json()["results"]) == 4
