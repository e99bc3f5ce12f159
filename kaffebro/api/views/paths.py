"""/paths?target=CODE: the member's ways in, from the same service and lookups as the paths pages and command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from kaffebro.api.openapi import MAY_BE_NOT_FOUND
from kaffebro.api.serializers.paths import PathQuerySerializer, WaysInSerializer
from kaffebro.api.views.base import ApiView
from kaffebro.core.converters import looks_like_code
from kaffebro.network import access
from kaffebro.paths.lookups import spec_for, target_name
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in

TAGS = ["paths"]

# The lookups of `manage.py paths`, in its order: the member's own target first, then shared places.
LOOKUPS: tuple[tuple[str, Callable[[Any, str], Any], Callable[[Any], str]], ...] = (
    ("target", access.access_target, target_name),
    ("organisation", access.access_organisation, lambda organisation: organisation.name),
    ("unit", access.unit_by_code, lambda unit: f"{unit.name}, {unit.organisation.name}"),
    ("posting", access.posting_by_code, lambda posting: f"{posting.title}, {posting.organisation.name}"),
)


def find_target(user, code: str) -> tuple[str, Any, str]:
    """What the code names for this member (kind, object, name); 404 when it is nothing they may see."""
    if looks_like_code(code):
        for kind, lookup, describe in LOOKUPS:
            try:
                found = lookup(user, code)
            except Http404:
                continue
            return kind, found, describe(found)
    raise Http404


def way_token(user, spec: TargetSpec, way) -> str | None:
    """As a path card's "Ask" button: only a path whose first person is a member can carry a request."""
    if not way.person_ids or not way.first.is_member:
        return None
    return sign_way_in(user.pk, spec, way.person_ids)


class PathsView(ApiView):
    serializer_class = WaysInSerializer
    throttle_scope = "search"

    @extend_schema(
        tags=TAGS,
        summary="Your ranked ways in to a target, an organisation, a unit or a posting",
        parameters=[PathQuerySerializer],
        responses=WaysInSerializer,
        extensions=MAY_BE_NOT_FOUND,
    )
    def get(self, request):
        query = PathQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user
        kind, found, name = find_target(user, query.validated_data["target"])
        spec = spec_for(found)
        ways = find_paths(user, spec, k=query.validated_data["k"])
        paths = [
            {
                **asdict(way),
                "steps": [{**asdict(step), "shown_as": step.shown_as} for step in way.steps],
                "way": way_token(user, spec, way),
            }
            for way in ways.paths
        ]
        answer = {"target": {"kind": kind, "code": found.code, "name": name}, "count": ways.count, "paths": paths}
        return Response(WaysInSerializer(answer).data)
