"""The insights pages: all job seekers (operators), a caseload (coaches), her own (every member).

Views are thin: the scope comes from `access` (403 for a page the member may not open), the
figures and the group rule from `report.report_for`. A CSV file is one section's table, with the
same figures hidden as on the page.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kaffebro.insights import access
from kaffebro.insights.access import ALL, CASELOAD, OWN, Scope
from kaffebro.insights.figures import connector_impact
from kaffebro.insights.report import report_for
from kaffebro.insights.suppression import minimum_group
from kaffebro.network.views.common import is_htmx, vary_on_htmx

PAGES = {
    OWN: ("insights:mine", "insights:mine_csv", _("Your own")),
    CASELOAD: ("insights:caseload", "insights:caseload_csv", _("Your caseload")),
    ALL: ("insights:all", "insights:all_csv", _("All job seekers")),
}
HEADINGS = {
    OWN: _("Your insights"),
    CASELOAD: _("Insights: your caseload"),
    ALL: _("Insights: all job seekers"),
}


@require_safe
def all_seekers(request):
    return _page(request, access.all_seekers(request.user))


@require_safe
def caseload(request):
    return _page(request, access.caseload(request.user))


@require_safe
def mine(request):
    return _page(request, access.own(request.user))


@require_safe
@never_cache
def all_seekers_csv(request, chart: str):
    return _csv(access.all_seekers(request.user), chart)


@require_safe
@never_cache
def caseload_csv(request, chart: str):
    return _csv(access.caseload(request.user), chart)


@require_safe
@never_cache
def mine_csv(request, chart: str):
    return _csv(access.own(request.user), chart)


@require_safe
def impact(request):
    """What the member's introductions led to, as counts: a fragment for the connector settings page."""
    template = "insights/_impact.html" if is_htmx(request) else "insights/impact.html"
    context = {"nav": "insights", "impact": connector_impact(request.user)}
    return vary_on_htmx(render(request, template, context))


def _page(request, scope: Scope):
    report = report_for(scope)
    context = {
        "nav": "insights",
        "scope": scope,
        "heading": HEADINGS[scope.kind],
        "report": report,
        "csv_url": PAGES[scope.kind][1],
        "pages": [(PAGES[kind][0], PAGES[kind][2], kind == scope.kind) for kind in access.scopes_of(request.user)],
        "minimum": minimum_group(),
        "impact": connector_impact(request.user) if scope.kind == OWN else None,
    }
    return render(request, "insights/page.html", context)


def _csv(scope: Scope, chart: str) -> HttpResponse:
    section = report_for(scope).section(chart)
    if section is None:
        raise Http404
    response = HttpResponse(section.table.csv(), content_type="text/csv; charset=utf-8")
    filename = f"kaffebro-insights-{scope.kind}-{chart}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response
