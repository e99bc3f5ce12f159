"""/suggestions and /inbox: candidate suggestions for each party, and the decision-maker's inbox with its CSV.

The same reads, forms and actions as the pages (`kaffebro/jobs/views/suggestions.py`). Each step is
a row of `kaffebro/jobs/suggestions_states.py`: the seeker's and the suggester's through
/suggestions/{code}/{action}/, the decision-maker's through /inbox/{code}/{action}/; a party the row
is not for gets 403, a step from the wrong state 409. A decision-maker's read of a candidate is in
the candidate's access log, as on the pages.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import MAY_BE_NOT_FOUND, example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.jobs import (
    INBOX_ACTIONS,
    SUGGESTION_PARTY_ACTIONS,
    CandidateSerializer,
    SuggestionActionSerializer,
    SuggestionCreateSerializer,
    SuggestionSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.core.access_log import log_reads
from kaffebro.core.models import AccessKind
from kaffebro.jobs.access import suggestions as access
from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.actions.shares import text_digest
from kaffebro.jobs.forms_suggestions import SuggestForm
from kaffebro.jobs.models import Suggestion, SuggestionState
from kaffebro.jobs.suggestions_acts import acts
from kaffebro.jobs.suggestions_states import TRANSITIONS, actions_from
from kaffebro.jobs.views.suggestions import MAX_PLACES, shortlist_csv

TAGS_SUGGESTIONS = ["suggestions"]
TAGS_INBOX = ["inbox"]
ROLES = ("seeker", "suggester")
INBOX_STATE_FILTER = ("all", *access.INBOX_STATES)


def suggestion_data(user, suggestion: Suggestion, role: str) -> dict:
    asking = role == "seeker" and suggestion.state == SuggestionState.AWAITING_CONSENT
    text = actions.consent_text(suggestion) if asking else None
    return {
        "code": suggestion.code,
        "role": role,
        "state": suggestion.state,
        "seeker": suggestion.seeker.display_name,
        "suggested_by": suggestion.suggested_by.display_name,
        "decision_maker": suggestion.decision_maker.display_name,
        "place": access.place_of(suggestion),
        "posting": suggestion.posting.code if suggestion.posting else None,
        "unit": suggestion.unit.code if suggestion.unit else None,
        "how_known": suggestion.how_known,
        "why_fit": suggestion.why_fit,
        "reason_back": suggestion.reason_back if role == "suggester" else None,
        "meeting": suggestion.meeting.code if suggestion.meeting_id and suggestion.meeting else None,
        "actions": actions_from(suggestion.state, role),
        "consent_text": text,
        "shown": text_digest(text) if text else None,
        "created": suggestion.created,
    }


def _detail(user, code: str) -> Response:
    suggestion = access.access_suggestion(user, code)
    return Response(SuggestionSerializer(suggestion_data(user, suggestion, access.role_in(user, suggestion))).data)


class SuggestionListView(ApiView):
    serializer_class = SuggestionSerializer

    @extend_schema(
        tags=TAGS_SUGGESTIONS,
        summary="Suggestions about you (role=seeker, the default) or made by you (role=suggester), newest first",
        parameters=[OpenApiParameter("role", str, enum=ROLES)],
        responses=SuggestionSerializer(many=True),
    )
    def get(self, request):
        role = request.query_params.get("role", "seeker")
        if role not in ROLES:
            raise ValidationError({"role": [_("Choose seeker or suggester.")]})
        found = access.about(request.user) if role == "seeker" else access.made_by(request.user)
        page = self.paginate_queryset(found.select_related("meeting"))
        rows = [suggestion_data(request.user, suggestion, role) for suggestion in page]
        return self.get_paginated_response(SuggestionSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS_SUGGESTIONS,
        summary="Suggest a seeker who knows you for a posting or a unit (without her standing consent she is asked)",
        request=SuggestionCreateSerializer,
        responses={201: SuggestionSerializer},
        extensions=MAY_BE_NOT_FOUND,
        examples=[
            example(
                {
                    "seeker": "MEMBER_CODE",
                    "organisation": "ORGANISATION_CODE",
                    "place": "unit:UNIT_CODE",
                    "how_known": "We worked together for three years.",
                    "why_fit": "She knows data and people.",
                }
            )
        ],
    )
    @idempotent()
    def post(self, request):
        incoming = SuggestionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        organisation = access.organisation_by_code(data.pop("organisation"))
        form = SuggestForm(
            data,
            seekers=list(access.suggestable_seekers(request.user)),
            postings=list(access.open_postings(organisation)[:MAX_PLACES]),
            units=list(access.units_of(organisation)[:MAX_PLACES]),
        )
        cleaned = run_form(form)
        suggestion = actions.suggest(
            request.user, how_known=cleaned["how_known"], why_fit=cleaned["why_fit"], **form.chosen()
        )
        response = _detail(request.user, suggestion.code)
        response.status_code = status.HTTP_201_CREATED
        return response


class SuggestionDetailView(ApiView):
    serializer_class = SuggestionSerializer

    @extend_schema(tags=TAGS_SUGGESTIONS, summary="One suggestion you are a party to", responses=SuggestionSerializer)
    def get(self, request, code):
        suggestion = access.access_suggestion(request.user, code)
        role = access.role_in(request.user, suggestion)
        if role == "decision_maker":
            log_reads(request.user, AccessKind.DECISION_MAKER_OPENED_CANDIDATE, [access.candidate_read(suggestion)])
        return Response(SuggestionSerializer(suggestion_data(request.user, suggestion, role)).data)


def act(request, code: str, name: str) -> Response:
    """One row of the table, by the party it is for (403 for another party, 409 from another state)."""
    user = request.user
    suggestion = access.access_suggestion(user, code)
    role = access.role_in(user, suggestion)
    incoming = SuggestionActionSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    if TRANSITIONS[name].who != role:
        raise PermissionDenied(_("Only the people this suggestion is for can do that."))
    if suggestion.state not in TRANSITIONS[name].sources:
        raise actions.Refused(_("This suggestion has already moved on. Reload the page to see where it is now."))
    page_action = acts()[name]
    data = run_form(page_action.form(incoming.validated_data))
    page_action.perform(user, suggestion, data)
    return _detail(user, code)


def _action_schema(tags: list[str], names: tuple[str, ...], summary: str):
    return extend_schema(
        tags=tags,
        operation_id=f"{tags[0]}_action",
        summary=summary,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=names)],
        request=SuggestionActionSerializer,
        responses=SuggestionSerializer,
    )


class SuggestionActionView(ApiView):
    serializer_class = SuggestionSerializer

    @_action_schema(
        TAGS_SUGGESTIONS,
        SUGGESTION_PARTY_ACTIONS,
        "The seeker consents (send back `shown`) or declines; the suggester withdraws",
    )
    @idempotent()
    def post(self, request, code, action):
        if action not in SUGGESTION_PARTY_ACTIONS:
            raise Http404
        return act(request, code, action)


class InboxActionView(ApiView):
    serializer_class = SuggestionSerializer

    @_action_schema(
        TAGS_INBOX,
        INBOX_ACTIONS,
        "Answer a candidate: invite to coffee (with a message), to apply or to interview, record hired, not a fit "
        "(with a kind word back), archive",
    )
    @idempotent()
    def post(self, request, code, action):
        if action not in INBOX_ACTIONS:
            raise Http404
        return act(request, code, action)


def _inbox(request) -> list[access.Candidate]:
    state = request.query_params.get("state", "")
    if state and state not in INBOX_STATE_FILTER:
        raise ValidationError({"state": [_("Choose a state from the list.")]})
    return access.inbox_candidates(request.user, access.InboxFilter.of(request.query_params))


def candidate_data(candidate: access.Candidate) -> dict:
    profile = candidate.profile
    brief = candidate.brief
    return {
        "code": candidate.lead.code,
        "seeker": candidate.lead.seeker.display_name,
        "headline": profile.headline if profile else "",
        "competencies": [str(item) for item in profile.competencies] if profile else [],
        "job_fields": [str(item) for item in profile.job_fields] if profile else [],
        "place": candidate.place,
        "state": candidate.lead.state,
        "endorsements": [
            {
                "code": suggestion.code,
                "suggested_by": suggestion.suggested_by.display_name,
                "how_known": suggestion.how_known,
                "why_fit": suggestion.why_fit,
                "created": suggestion.created,
            }
            for suggestion in candidate.suggestions
        ],
        "brief": brief,
        "actions": actions_from(candidate.lead.state, "decision_maker"),
    }


INBOX_FILTERS = [
    OpenApiParameter("posting", str, description="A posting's code"),
    OpenApiParameter("unit", str, description="A unit's code"),
    OpenApiParameter("state", str, enum=INBOX_STATE_FILTER, description="Default: the candidates still in play"),
]


class InboxView(ApiView):
    serializer_class = CandidateSerializer
    pagination_class = None  # at most access.MAX_INBOX suggestions, grouped by candidate

    @extend_schema(
        tags=TAGS_INBOX,
        summary="Candidates suggested to you, newest day first, then by endorsements (no score)",
        parameters=INBOX_FILTERS,
        responses=CandidateSerializer(many=True),
    )
    def get(self, request):
        candidates = _inbox(request)
        log_reads(
            request.user,
            AccessKind.DECISION_MAKER_OPENED_CANDIDATE,
            [access.candidate_read(c.lead) for c in candidates],
        )
        return Response(CandidateSerializer([candidate_data(c) for c in candidates], many=True).data)


class ShortlistView(ApiView):
    pagination_class = None

    @extend_schema(
        tags=TAGS_INBOX,
        summary="The inbox as filtered, as a CSV file for Excel (semicolons, UTF-8 with BOM)",
        parameters=INBOX_FILTERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request):
        candidates = _inbox(request)
        log_reads(
            request.user,
            AccessKind.DECISION_MAKER_EXPORTED_SHORTLIST,
            [access.candidate_read(c.lead) for c in candidates],
        )
        response = HttpResponse(shortlist_csv(candidates), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="shortlist.csv"'
        return response
