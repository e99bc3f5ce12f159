"""/targets: where the member wants to land, in priority order; the profile page's form and actions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.network import (
    TargetCreateSerializer,
    TargetMovedSerializer,
    TargetMoveSerializer,
    TargetSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.network import access, actions
from kaffebro.network.access import PlacedTarget, target_place
from kaffebro.network.forms import TargetForm

TAGS = ["targets"]


def placed(target) -> PlacedTarget:
    return PlacedTarget(target, *target_place(target))


class TargetListView(ApiView):
    serializer_class = TargetSerializer
    pagination_class = None  # at most MAX_TARGETS, always in one answer

    @extend_schema(tags=TAGS, summary="Your targets, most wanted first", responses=TargetSerializer(many=True))
    def get(self, request):
        return Response(TargetSerializer(access.placed_targets(request.user), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Add a target at the end of your list",
        request=TargetCreateSerializer,
        responses={201: TargetSerializer},
        examples=[
            example({"kind": "field", "job_field": "data analysis", "region": "hovedstaden"}, "A job field"),
            example({"kind": "unit", "organisation": "Region Hovedstaden", "unit": "Digitalisering"}, "A unit"),
        ],
    )
    @idempotent()
    def post(self, request):
        incoming = TargetCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = run_form(TargetForm(incoming.validated_data, user=request.user))
        target = actions.add_target(
            request.user,
            data["kind"],
            posting=data["posting_obj"],
            unit=data["unit_obj"],
            organisation=data["organisation_obj"],
            job_field=data["job_field"],
            region=data["region"],
        )
        target = access.access_target(request.user, target.code)
        return Response(TargetSerializer(placed(target)).data, status=status.HTTP_201_CREATED)


class TargetDetailView(ApiView):
    serializer_class = TargetSerializer

    @extend_schema(tags=TAGS, summary="One of your targets", responses=TargetSerializer)
    def get(self, request, code):
        return Response(TargetSerializer(placed(access.access_target(request.user, code))).data)

    @extend_schema(tags=TAGS, summary="Remove a target", responses={204: None})
    def delete(self, request, code):
        actions.remove_target(request.user, access.access_target(request.user, code))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TargetMoveView(ApiView):
    serializer_class = TargetMovedSerializer

    @extend_schema(
        tags=TAGS,
        summary="Move a target one place up or down",
        request=TargetMoveSerializer,
        responses=TargetMovedSerializer,
        examples=[example({"direction": "up"})],
    )
    @idempotent()
    def post(self, request, code):
        target = access.access_target(request.user, code)
        incoming = TargetMoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        moved = actions.move_target(request.user, target, incoming.validated_data["direction"])
        target = access.access_target(request.user, code)
        return Response(TargetMovedSerializer({"moved": moved, "target": placed(target)}).data)
