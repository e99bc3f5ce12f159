"""/outcomes, /pipeline and /coaching: the seeker's results and stages, and what her coach may follow.

The same reads, forms and actions as the pipeline and coaching pages: an outcome is the seeker's
own (404 for anyone else's); a decision-maker records one only for a posting they decide on (the
action checks); the caseload is for coaches only (403) and a seeker's detail is in her access log.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import MAY_BE_NOT_FOUND, example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.jobs import (
    CaseDetailSerializer,
    CaseSerializer,
    CoachGrantCreateSerializer,
    CoachGrantSerializer,
    CoachNoteCreateSerializer,
    CoachNoteSerializer,
    OutcomeCreateSerializer,
    PipelineSerializer,
    RecordedOutcomeSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.core.access_log import log_read
from kaffebro.core.models import AccessKind
from kaffebro.jobs.access import coaching as coaching_access
from kaffebro.jobs.access import outcomes as access
from kaffebro.jobs.access import suggestions as suggestions_access
from kaffebro.jobs.actions import coaching as coaching_actions
from kaffebro.jobs.actions import outcomes as actions
from kaffebro.jobs.forms_coaching import GrantForm, NoteForm
from kaffebro.jobs.forms_outcomes import CreditChoice, OutcomeForm, credit_choices
from kaffebro.jobs.models import CoachAccess, Credit, Outcome
from kaffebro.jobs.pipeline import Row, pipeline_of, summaries_for
from kaffebro.jobs.views.coaching import NOTES_SHOWN
from kaffebro.jobs.views.outcomes import NOTES_SHOWN as PIPELINE_NOTES_SHOWN
from kaffebro.network import access as network_access
from kaffebro.network.access import PlacedTarget, target_place

TAGS_OUTCOMES = ["outcomes"]
TAGS_PIPELINE = ["pipeline"]
TAGS_COACHING = ["coaching"]


def outcome_data(outcome: Outcome) -> dict:
    return {
        "code": outcome.code,
        "kind": outcome.kind,
        "date": outcome.date,
        "credit": outcome.credit,
        "target": outcome.target.code if outcome.target else None,
        "posting": outcome.posting.title if outcome.posting else None,
        "organisation": outcome.organisation.name if outcome.organisation else None,
        "connector": outcome.connector.display_name if outcome.connector else None,
        "note": outcome.note,
        "created": outcome.created,
    }


class OutcomeListView(ApiView):
    serializer_class = RecordedOutcomeSerializer

    @extend_schema(
        tags=TAGS_OUTCOMES, summary="Your outcomes, newest first", responses=RecordedOutcomeSerializer(many=True)
    )
    def get(self, request):
        page = self.paginate_queryset(access.outcomes_of(request.user))
        return self.get_paginated_response(RecordedOutcomeSerializer([outcome_data(o) for o in page], many=True).data)

    @extend_schema(
        tags=TAGS_OUTCOMES,
        summary="Record an outcome: for one of your targets, or as decision-maker for a posting you decide on",
        request=OutcomeCreateSerializer,
        responses={201: RecordedOutcomeSerializer},
        extensions=MAY_BE_NOT_FOUND,
        examples=[
            example({"target": "TARGET_CODE", "kind": "interview", "date": "2026-11-20", "credit": "advertised"})
        ],
    )
    @idempotent()
    def post(self, request):
        incoming = OutcomeCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if "target" in data:
            outcome = _record_for_target(request.user, data)
        elif "suggestion" in data:
            outcome = _record_as_decision_maker(request.user, data)
        else:
            raise ValidationError({"target": [_("Say where: choose one of your targets.")]})
        return Response(RecordedOutcomeSerializer(outcome_data(outcome)).data, status=status.HTTP_201_CREATED)


def _form_values(data: dict) -> dict:
    return {"kind": data["kind"], "date": data["date"], "credit": data.get("credit", ""), "note": data.get("note", "")}


def _record_for_target(user, data: dict) -> Outcome:
    """As the pipeline's record form: credited to one of her own meetings, cards or suggestions toward the target."""
    target = network_access.access_target(user, data["target"])
    (row,) = pipeline_of(user, [PlacedTarget(target, *target_place(target))]).rows
    form = OutcomeForm(_form_values(data), credits=credit_choices(row.facts))
    cleaned = run_form(form)
    chosen = form.chosen_credit()
    return actions.record_outcome(
        user,
        user,
        cleaned["kind"],
        date=cleaned["date"],
        credit=chosen.credit,
        target=target,
        note=cleaned["note"],
        **chosen.objects,
    )


def _record_as_decision_maker(user, data: dict) -> Outcome:
    """A decision-maker's record for a candidate suggested to them: the suggestion names the seeker and the place."""
    suggestion = suggestions_access.access_suggestion(user, data["suggestion"])
    if suggestions_access.role_in(user, suggestion) != "decision_maker":
        raise PermissionDenied(_("Only the decision-maker the candidate was suggested to can record this."))
    form = OutcomeForm(
        {**_form_values(data), "credit": "suggestion"},
        credits=[CreditChoice("suggestion", "", Credit.SUGGESTION, {"suggestion": suggestion})],
    )
    cleaned = run_form(form)
    return actions.record_outcome(
        user,
        suggestion.seeker,
        cleaned["kind"],
        date=cleaned["date"],
        credit=Credit.SUGGESTION,
        posting=suggestion.posting,
        suggestion=suggestion,
        note=cleaned["note"],
    )


class OutcomeDetailView(ApiView):
    serializer_class = RecordedOutcomeSerializer

    @extend_schema(tags=TAGS_OUTCOMES, summary="One of your outcomes", responses=RecordedOutcomeSerializer)
    def get(self, request, code):
        return Response(RecordedOutcomeSerializer(outcome_data(access.access_outcome(request.user, code))).data)

    @extend_schema(tags=TAGS_OUTCOMES, summary="Remove an outcome recorded by mistake", responses={204: None})
    def delete(self, request, code):
        actions.delete_outcome(request.user, access.access_outcome(request.user, code))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _place_names(placed: PlacedTarget) -> dict:
    target = placed.target
    return {
        "target": target.code,
        "kind": target.kind,
        "organisation": placed.organisation.name if placed.organisation else None,
        "unit": placed.unit.name if placed.unit else None,
        "posting": target.posting.title if target.posting else None,
        "job_field": target.job_field,
    }


def pipeline_row(row: Row) -> dict:
    return {
        **_place_names(row.placed),
        "stage": row.stage,
        "stages": [{"name": view.name, "label": str(view.label), "status": view.status} for view in row.stage_list],
        "ended": row.ended.kind if row.ended else None,
        "next_step": str(row.next_step.text),
        "timeline": [{"day": entry.day, "text": str(entry.text)} for entry in row.timeline],
        "credits": [{"value": choice.value, "label": str(choice.label)} for choice in credit_choices(row.facts)],
    }


class PipelineView(ApiView):
    serializer_class = PipelineSerializer
    pagination_class = None  # one row per target: at most MAX_TARGETS

    @extend_schema(
        tags=TAGS_PIPELINE,
        summary="Each of your targets with its stage, timeline, next step and what an outcome may credit",
        responses=PipelineSerializer,
    )
    def get(self, request):
        user = request.user
        found = pipeline_of(user)
        return Response(
            PipelineSerializer(
                {
                    "targets": [pipeline_row(row) for row in found.rows],
                    "elsewhere": [outcome_data(outcome) for outcome in found.elsewhere],
                    "coach_notes": list(coaching_access.notes_for_seeker(user)[:PIPELINE_NOTES_SHOWN]),
                }
            ).data
        )


# Coaching: the seeker's grants


class CoachGrantListView(ApiView):
    serializer_class = CoachGrantSerializer
    pagination_class = None  # a seeker has a handful of coaches

    @extend_schema(
        tags=TAGS_COACHING, summary="The coaches you let follow your search", responses=CoachGrantSerializer(many=True)
    )
    def get(self, request):
        return Response(CoachGrantSerializer(coaching_access.grants_of(request.user)[:100], many=True).data)

    @extend_schema(
        tags=TAGS_COACHING,
        summary="Let a coach follow your search (by their e-mail address on Kaffebro)",
        request=CoachGrantCreateSerializer,
        responses={201: CoachGrantSerializer},
        examples=[example({"email": "coach@example.org"})],
    )
    @idempotent()
    def post(self, request):
        incoming = CoachGrantCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        email = run_form(GrantForm(incoming.validated_data))["email"]
        grant = coaching_actions.grant_coach_access(request.user, email)
        return Response(CoachGrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class CoachGrantWithdrawView(ApiView):
    serializer_class = CoachGrantSerializer

    @extend_schema(
        tags=TAGS_COACHING, summary="Take a coach's access back", request=None, responses=CoachGrantSerializer
    )
    def post(self, request, code):
        grant = coaching_access.access_grant(request.user, code)
        coaching_actions.withdraw_coach_access(request.user, grant)
        return Response(CoachGrantSerializer(coaching_access.access_grant(request.user, code)).data)


# Coaching: the coach's caseload


def case_data(grant: CoachAccess, activity: coaching_access.Activity) -> dict:
    return {
        "code": grant.code,
        "seeker": grant.seeker.display_name,
        "granted": grant.granted,
        "open_requests": activity.open_requests,
        "meetings_held": activity.meetings_held,
        "last_activity": activity.last,
        "stalled": activity.last is None or activity.last < coaching_access.stalled_since(),
    }


class CaseloadView(ApiView):
    serializer_class = CaseSerializer
    cursor_ordering = ("-granted", "-id")

    @extend_schema(
        tags=TAGS_COACHING,
        summary="The seekers who let you follow their search (coaches only), with their activity",
        responses=CaseSerializer(many=True),
    )
    def get(self, request):
        coaching_access.require_coach(request.user)
        page = list(self.paginate_queryset(coaching_access.caseload_of(request.user)))
        activity = coaching_access.activity_of([grant.seeker_id for grant in page])
        rows = [case_data(grant, activity[grant.seeker_id]) for grant in page]
        return self.get_paginated_response(CaseSerializer(rows, many=True).data)


def case_detail(coach, grant: CoachAccess) -> dict:
    seeker = grant.seeker
    return {
        **case_data(grant, coaching_access.activity_of([seeker.pk])[seeker.pk]),
        "targets": [
            {
                **_place_names(summary.placed),
                "stage": summary.stage,
                "ended": summary.ended.kind if summary.ended else None,
                "open_requests": summary.open_requests,
                "meetings_held": summary.meetings_held,
                "outcomes": [outcome.kind for outcome in summary.outcomes],
            }
            for summary in summaries_for(seeker)
        ],
        "notes": list(coaching_access.notes_by(coach, seeker).select_related("coach")[:NOTES_SHOWN]),
    }


class CaseDetailView(ApiView):
    serializer_class = CaseDetailSerializer

    @extend_schema(
        tags=TAGS_COACHING,
        summary="One seeker of your caseload: her targets, stages and outcomes, and your notes (in her access log)",
        responses=CaseDetailSerializer,
    )
    def get(self, request, code):
        grant = coaching_access.access_for_coach(request.user, code)
        log_read(request.user, grant.seeker, AccessKind.COACH_OPENED_SEEKER, grant.code)
        return Response(CaseDetailSerializer(case_detail(request.user, grant)).data)


class CoachNoteView(ApiView):
    serializer_class = CoachNoteSerializer

    @extend_schema(
        tags=TAGS_COACHING,
        summary="Write a note the seeker reads on her pipeline",
        request=CoachNoteCreateSerializer,
        responses={201: CoachNoteSerializer},
        examples=[example({"text": "Good meeting today. Next: ask Jonas about Digitalisering."})],
    )
    @idempotent()
    def post(self, request, code):
        grant = coaching_access.access_for_coach(request.user, code)
        incoming = CoachNoteCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        text = run_form(NoteForm(incoming.validated_data))["text"]
        note = coaching_actions.add_coach_note(request.user, grant, text)
        return Response(CoachNoteSerializer(note).data, status=status.HTTP_201_CREATED)
