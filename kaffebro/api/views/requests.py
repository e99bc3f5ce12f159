"""/requests: coffee-meeting requests for each of their parties, and every step of one through a single endpoint.

`POST /requests/{code}/{action}/` takes the name of a row of the transition table
(`meetings/states.py`), or `propose_times` / `record_outcome`. What a party may see and
do is decided exactly as on the request page: the page's helpers say which actions are
offered, the page's forms check the input, and the same actions make the change.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.meetings import (
    REQUEST_ACTIONS,
    RequestActionSerializer,
    RequestSerializer,
    RequestStartSerializer,
    RequestSummarySerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.meetings import access, actions, states
from kaffebro.meetings.forms import ApproveForm, ChangesForm, DeclineForm, FollowUpForm, OutcomeForm, SendForm
from kaffebro.meetings.models import MeetingRequest, ProposedTime, RequestKind, RequestState
from kaffebro.meetings.views import (
    ANSWERS_FOR_A_NON_MEMBER,
    ROLE_TRANSITIONS,
    log_brief_read,
    offered_transitions,
)

TAGS = ["requests"]
ROLES = ("seeker", "connector", "person")
AFTER_THE_MEETING = (RequestState.HELD, RequestState.FOLLOWED_UP)
HELD_ANSWERS = {"confirm_held", "not_held"}
WITHOUT_INPUT = {
    "accept": actions.accept,
    "reschedule": actions.reschedule,
    "cancel": actions.cancel,
    "withdraw": actions.withdraw,
}


def time_ref(time: ProposedTime) -> str:
    """An opaque name for a proposed time (its id never leaves the server)."""
    return salted_hmac("kaffebro.api.proposed-time", str(time.pk)).hexdigest()[:16]


def listed_person(meeting: MeetingRequest, role: str) -> str | None:
    """The person to meet as the request list names them: only to the seeker of a direct or approved request."""
    if role == "person":
        return meeting.person.name
    if role == "seeker" and (meeting.kind == RequestKind.DIRECT or access.approved(meeting)):
        return meeting.person.name
    return None


def summary_data(meeting: MeetingRequest, role: str) -> dict:
    return {
        "code": meeting.code,
        "kind": meeting.kind,
        "state": meeting.state,
        "state_label": meeting.get_state_display(),
        "role": role,
        "seeker": meeting.seeker,
        "connector": meeting.connector,
        "person": listed_person(meeting, role),
        "answer_due": meeting.answer_due,
        "state_changed": meeting.state_changed,
        "created": meeting.created,
    }


def offered_actions(user, meeting: MeetingRequest, role: str, proposals: list[ProposedTime]) -> list[str]:
    """What the request page offers this party now, as action names."""
    offered = offered_transitions(meeting, role) - HELD_ANSWERS
    if "pick_time" in offered and not access.pickable_times(meeting, user, proposals):
        offered.discard("pick_time")
    if access.asks_if_held(meeting, role, offered_transitions(meeting, role)):
        offered |= HELD_ANSWERS
    if access.may_propose(meeting, role):
        offered.add("propose_times")
    if role == "seeker" and meeting.state in AFTER_THE_MEETING:
        offered.add("record_outcome")
    return [name for name in REQUEST_ACTIONS if name in offered]


def request_data(user, meeting: MeetingRequest) -> dict:
    role = access.role_in(user, meeting)
    seen = access.seen_by(user, meeting)
    seeker = role == "seeker"
    proposals = list(meeting.proposed_times.all()) if access.attends(meeting, role) else []
    pickable = {time.pk for time in access.pickable_times(meeting, user, proposals)}
    brief = meeting.brief
    return {
        **summary_data(meeting, role),
        "person": seen.person,
        "actions": offered_actions(user, meeting, role, proposals),
        "brief": brief if seen.brief else None,
        "brief_code": brief.code if seeker else None,
        "message": meeting.message if seen.message else None,
        "introduction_note": meeting.introduction_note if seen.introduction else None,
        "changes_asked": meeting.changes_asked if role in ("seeker", "connector") else None,
        "decline_reason": meeting.decline_reason,
        "place": meeting.place if seen.times else None,
        "video_link": meeting.video_link if seen.times else None,
        "starts": meeting.starts if seen.times else None,
        "ends": meeting.ends if seen.times else None,
        "proposed_times": [
            {
                "ref": time_ref(time),
                "starts": time.starts,
                "ends": time.ends,
                "proposed_by_you": time.proposed_by_id == user.pk,
                "you_may_pick": time.pk in pickable,
            }
            for time in proposals
        ],
        "learned": meeting.learned if seeker else None,
        "next_step": meeting.next_step if seeker else None,
        "outcomes": list(meeting.outcomes.all()) if seeker else [],
    }


def _detail(user, code: str, status_code: int = status.HTTP_200_OK) -> Response:
    meeting = access.access_request(user, code)
    return Response(RequestSerializer(request_data(user, meeting)).data, status=status_code)


class RequestListView(ApiView):
    serializer_class = RequestSummarySerializer

    @extend_schema(
        tags=TAGS,
        summary="The requests you are a party to, newest first",
        parameters=[
            OpenApiParameter("role", str, enum=ROLES, description="Only those where you are the seeker, …"),
            OpenApiParameter("state", str, enum=RequestState.values),
        ],
        responses=RequestSummarySerializer(many=True),
    )
    def get(self, request):
        user = request.user
        found = access.requests_for(user).select_related("seeker", "connector", "person")
        role = request.query_params.get("role", "")
        state = request.query_params.get("state", "")
        if role and role not in ROLES:
            raise ValidationError({"role": [_("Choose seeker, connector or person.")]})
        if state and state not in RequestState.values:
            raise ValidationError({"state": [_("Choose a state from the list.")]})
        if role:
            found = found.filter(
                **{{"seeker": "seeker", "connector": "connector", "person": "person_member"}[role]: user}
            )
        if state:
            found = found.filter(state=state)
        page = self.paginate_queryset(found)
        rows = [summary_data(meeting, access.role_in(user, meeting)) for meeting in page]
        return self.get_paginated_response(RequestSummarySerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Start a request (a draft) along a way in from GET /paths/; an open request to the same person is "
        "answered instead (200)",
        request=RequestStartSerializer,
        responses={201: RequestSerializer, 200: RequestSerializer},
    )
    @idempotent()
    def post(self, request):
        incoming = RequestStartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        started = timezone.now()
        meeting = actions.start_request(request.user, incoming.validated_data["way"])
        created = meeting.created >= started
        return _detail(request.user, meeting.code, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RequestDetailView(ApiView):
    serializer_class = RequestSerializer

    @extend_schema(tags=TAGS, summary="One request, as your part in it lets you see it", responses=RequestSerializer)
    def get(self, request, code):
        meeting = access.access_request(request.user, code)
        log_brief_read(request.user, meeting)
        return Response(RequestSerializer(request_data(request.user, meeting)).data)


def _role_may_ever(meeting: MeetingRequest, role: str, action: str) -> bool:
    """Whether this party could take the action in some state (else 403; in the wrong state it is 409)."""
    if action == "propose_times":
        return role == "seeker" or (role == "person" and meeting.person_member_id is not None)
    if action == "record_outcome":
        return role == "seeker"
    allowed = set(ROLE_TRANSITIONS.get(role, ()))
    if role == "connector" and meeting.person_member_id is None:
        allowed |= ANSWERS_FOR_A_NON_MEMBER
    if role == "seeker":
        allowed.discard("send_direct" if meeting.kind == RequestKind.INTRODUCTION else "send_to_connector")
    return action in allowed


def _moved_on() -> actions.Refused:
    return actions.Refused(_("This request has already moved on. Reload the page to see where it is now."))


def _proposed(meeting: MeetingRequest, ref: str) -> ProposedTime:
    for time in meeting.proposed_times.all():
        if time_ref(time) == ref:
            return time
    raise ValidationError({"time": [_("Choose one of the times proposed for this meeting.")]})


def _follow_up_form(data: dict) -> FollowUpForm:
    values = {"learned": data.get("learned", ""), "next_step": data.get("next_step", "")}
    for outcome in data.get("outcomes", []):
        values[f"outcome_{outcome['kind']}"] = True
        values[f"note_{outcome['kind']}"] = outcome.get("note", "")
    return FollowUpForm(values)


def perform(user, meeting: MeetingRequest, action: str, data: dict) -> None:
    """Run one action with its own fields, checked by the request page's form for it."""
    if action in ("send_to_connector", "send_direct"):
        actions.send_request(user, meeting, run_form(SendForm({"message": data.get("message", "")}))["message"])
    elif action == "approve_introduction":
        actions.approve_introduction(user, meeting, run_form(ApproveForm({"note": data.get("note", "")}))["note"])
    elif action == "ask_for_changes":
        changes = run_form(ChangesForm({"changes": data.get("changes", "")}))["changes"]
        actions.ask_for_changes(user, meeting, changes)
    elif action in ("decline_introduction", "decline"):
        reason = run_form(DeclineForm({"reason": data.get("reason", "")}))["reason"]
        (actions.decline_introduction if action == "decline_introduction" else actions.decline)(user, meeting, reason)
    elif action == "propose_times":
        times = [(time["starts"], time["ends"]) for time in data.get("times", [])]
        actions.propose_times(user, meeting, times, place=data.get("place", ""), video_link=data.get("video_link", ""))
    elif action == "pick_time":
        actions.pick_time(user, meeting, _proposed(meeting, data.get("time", "")))
    elif action in HELD_ANSWERS:
        actions.confirm_held(user, meeting, action == "confirm_held")
    elif action == "log_follow_up":
        form = _follow_up_form(data)
        cleaned = run_form(form)
        actions.log_follow_up(user, meeting, cleaned["learned"], cleaned["next_step"], form.outcomes())
    elif action == "record_outcome":
        outcome = run_form(OutcomeForm(data.get("outcome") or {}))
        actions.record_outcome(user, meeting, outcome["kind"], outcome["note"])
    else:
        WITHOUT_INPUT[action](user, meeting)


class RequestActionView(ApiView):
    serializer_class = RequestSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="requests_action",
        summary="Take one step: a row of the transition table (send_to_connector, accept, pick_time, …), "
        "propose_times or record_outcome",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=REQUEST_ACTIONS)],
        request=RequestActionSerializer,
        responses=RequestSerializer,
        examples=[
            example({"message": "I would be glad of half an hour over a coffee."}, "send_to_connector, send_direct"),
            example({"reason": "not_now"}, "decline, decline_introduction"),
        ],
    )
    @idempotent()
    def post(self, request, code, action):
        if action not in REQUEST_ACTIONS:
            raise Http404
        user = request.user
        meeting = access.access_request(user, code)
        role = access.role_in(user, meeting)
        incoming = RequestActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if not _role_may_ever(meeting, role, action):
            raise PermissionDenied(_("Only the people this request is for can do that."))
        if action in states.TRANSITIONS and action not in HELD_ANSWERS and not states.allowed(action, meeting.state):
            raise _moved_on()  # "did it happen?" is the action's to decide: the other side may answer after HELD
        perform(user, meeting, action, incoming.validated_data)
        return _detail(user, code)
