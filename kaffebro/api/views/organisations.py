"""/organisations: shared reference data to search, with how many of the member's own contacts work there."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.network import (
    OrganisationDetailSerializer,
    OrganisationFilterSerializer,
    OrganisationSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.network import access
from kaffebro.network.forms import OrganisationSearchForm
from kaffebro.network.views.organisations import CONTACTS_SHOWN_ON_ORGANISATION

TAGS = ["organisations"]
SHARED_FIELDS = ("code", "name", "aliases", "sector", "public_level", "industry", "region", "website", "verified")


def units_of(organisation) -> list[dict]:
    """The unit tree (one query, from the access module) as a flat list, each unit after the one it is part of."""
    rows: list[dict] = []
    stack = [(node, None) for node in reversed(access.units_tree(organisation))]
    while stack:
        node, parent = stack.pop()
        rows.append({"code": node.unit.code, "name": node.unit.name, "parent": parent})
        stack.extend((child, node.unit.code) for child in reversed(node.children))
    return rows


class OrganisationListView(ApiView):
    serializer_class = OrganisationSerializer
    cursor_ordering = ("name", "id")

    @extend_schema(
        tags=TAGS,
        summary="Search organisations by name, sector, industry and region",
        parameters=[OrganisationFilterSerializer],
        responses=OrganisationSerializer(many=True),
    )
    def get(self, request):
        query = OrganisationFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = run_form(OrganisationSearchForm(query.validated_data))
        found = access.search_organisations(
            request.user,
            query=data["q"].strip(),
            sector=data["sector"],
            industry=data["industry"],
            region=data["region"],
        )
        page = self.paginate_queryset(found)
        counts = access.first_degree_counts_by_organisation(request.user, page)
        for organisation in page:
            organisation.first_degree = counts.get(organisation.pk, 0)
        return self.get_paginated_response(OrganisationSerializer(page, many=True).data)


class OrganisationDetailView(ApiView):
    serializer_class = OrganisationDetailSerializer

    @extend_schema(
        tags=TAGS,
        summary="An organisation with its units, open postings and your contacts there",
        responses=OrganisationDetailSerializer,
    )
    def get(self, request, code):
        user = request.user
        organisation = access.access_organisation(user, code)
        detail = {
            **{name: getattr(organisation, name) for name in SHARED_FIELDS},
            "first_degree": access.first_degree_count(user, organisation),
            "units": units_of(organisation),
            "postings": [
                {
                    "code": posting.code,
                    "title": posting.title,
                    "unit": posting.unit.code if posting.unit else None,
                    "deadline": posting.deadline,
                    "is_public": posting.is_public,
                    "url": posting.url,
                }
                for posting in access.current_postings(organisation)
            ],
            "contacts_here": list(access.contacts_at(user, organisation)[:CONTACTS_SHOWN_ON_ORGANISATION]),
            "blocked": access.organisation_blocked(user, organisation),
        }
        return Response(OrganisationDetailSerializer(detail).data)
