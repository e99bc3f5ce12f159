"""/briefs: the seeker's preparation briefs, saved with a version, and the readiness check as they type."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import MAY_BE_NOT_FOUND
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.meetings import (
    BriefCreateSerializer,
    BriefSerializer,
    BriefUpdateSerializer,
    ReadinessSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.api.views.targets import placed
from kaffebro.meetings import access, actions
from kaffebro.meetings.forms import PrepBriefForm
from kaffebro.meetings.models import PrepBrief
from kaffebro.meetings.readiness import BriefText, Place, Readiness, assess, level_summary, readiness_of

TAGS = ["briefs"]
TEXT_FIELDS = tuple(BriefText().values())  # the parts and the checklist


def readiness_data(readiness: Readiness) -> dict:
    return {
        "level": readiness.level.value,
        "label": readiness.label,
        "summary": level_summary(readiness.level),
        "passes": readiness.passes,
        "words": readiness.words,
        "total_words": readiness.total_words,
        "findings": [asdict(finding) for finding in readiness.findings],
    }


def brief_data(brief: PrepBrief) -> dict:
    """The brief and how ready it is (its target's place is loaded with it by the access module)."""
    return {
        **{name: getattr(brief, name) for name in ("code", "version", "created", "updated", *TEXT_FIELDS)},
        "target": placed(brief.target),
        "readiness": readiness_data(readiness_of(brief)),
    }


def _brief(user, code: str) -> Response:
    return Response(BriefSerializer(brief_data(access.access_brief(user, code))).data)


def _fields(data: dict) -> actions.BriefFields:
    """The brief's text checked by the brief page's own form."""
    form = PrepBriefForm({name: value for name, value in data.items() if name in TEXT_FIELDS})
    run_form(form)
    return form.brief_fields()


class BriefListView(ApiView):
    serializer_class = BriefSerializer

    @extend_schema(tags=TAGS, summary="Your briefs, newest first", responses=BriefSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(access.briefs_of(request.user))
        return self.get_paginated_response(BriefSerializer([brief_data(brief) for brief in page], many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Write the brief for one of your targets (one brief per target)",
        request=BriefCreateSerializer,
        responses={201: BriefSerializer},
        extensions=MAY_BE_NOT_FOUND,  # a target code in the body that is not yours
    )
    @idempotent()
    def post(self, request):
        incoming = BriefCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        target = access.own_target(request.user, incoming.validated_data["target"])
        brief = actions.save_brief(request.user, target, _fields(incoming.validated_data), base_version=0)
        response = _brief(request.user, brief.code)
        response.status_code = status.HTTP_201_CREATED
        return response


class BriefDetailView(ApiView):
    serializer_class = BriefSerializer

    @extend_schema(tags=TAGS, summary="One of your briefs, with how ready it is", responses=BriefSerializer)
    def get(self, request, code):
        return _brief(request.user, code)

    @extend_schema(
        tags=TAGS,
        summary="Save a new version of the brief; refused (409) when it was saved since the version you read",
        request=BriefUpdateSerializer,
        responses=BriefSerializer,
    )
    def put(self, request, code):
        brief = access.access_brief(request.user, code)
        incoming = BriefUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        actions.save_brief(request.user, brief.target, _fields(data), base_version=data["version"])
        return _brief(request.user, code)


class ReadinessView(ApiView):
    serializer_class = ReadinessSerializer

    @extend_schema(
        tags=TAGS,
        summary="How ready a brief would be, for one of your targets; nothing is saved",
        request=BriefCreateSerializer,
        responses=ReadinessSerializer,
        extensions=MAY_BE_NOT_FOUND,  # a target code in the body that is not yours
    )
    def post(self, request):
        incoming = BriefCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        target = access.own_target(request.user, incoming.validated_data["target"])
        text = BriefText.of({name: incoming.validated_data.get(name) for name in TEXT_FIELDS})
        return Response(ReadinessSerializer(readiness_data(assess(text, Place.of_target(target)))).data)
