"""/insights: the figures of the insights pages as JSON, from the same report with the same group rule.

`report_for` hides every figure of a group smaller than the minimum before anything is shown,
so the API cannot answer more than the page: a hidden figure is `null`. Who may read which scope
is `kaffebro/insights/access.py` (403 for a scope the member may not open).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from kaffebro.api.serializers.insights import ReportSerializer
from kaffebro.api.views.base import ApiView
from kaffebro.insights import access
from kaffebro.insights.access import Scope
from kaffebro.insights.report import Report, Shown, report_for
from kaffebro.insights.suppression import minimum_group

TAGS = ["insights"]


def figure(shown: Shown) -> dict:
    return {"value": shown.value, "unit": shown.unit, "text": str(shown)}


def report_data(scope: Scope, report: Report) -> dict:
    return {
        "scope": scope.kind,
        "minimum_group": minimum_group(),
        "seekers": figure(report.seekers),
        "key_figures": [{"label": str(key.label), "text": str(key.text)} for key in report.key_figures],
        "sections": [
            {
                "slug": section.slug,
                "title": str(section.title),
                "intro": str(section.intro),
                "table": {
                    "caption": str(section.table.caption),
                    "row_header": str(section.table.row_header),
                    "columns": [str(column) for column in section.table.columns],
                    "rows": [
                        {"label": str(label), "cells": [figure(cell) for cell in cells]}
                        for label, cells in section.table.rows
                    ],
                },
            }
            for section in report.sections
        ],
    }


def _answer(scope: Scope) -> Response:
    return Response(ReportSerializer(report_data(scope, report_for(scope))).data)


class MyInsightsView(ApiView):
    serializer_class = ReportSerializer
    pagination_class = None

    @extend_schema(tags=TAGS, summary="Your own funnel", responses=ReportSerializer)
    def get(self, request):
        return _answer(access.own(request.user))


class CaseloadInsightsView(ApiView):
    serializer_class = ReportSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS, summary="Your caseload's figures (coaches); small groups hidden", responses=ReportSerializer
    )
    def get(self, request):
        return _answer(access.caseload(request.user))


class OperatorInsightsView(ApiView):
    serializer_class = ReportSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS, summary="All job seekers' figures (operators); small groups hidden", responses=ReportSerializer
    )
    def get(self, request):
        return _answer(access.all_seekers(request.user))
