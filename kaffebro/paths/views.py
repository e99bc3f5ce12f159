"""Ways in: the ranked warm paths into a member's target, an organisation, a unit or a job posting.

The posting page itself is the jobs app's (`jobs.views.postings.posting_detail`): it shows the
coffee-before-application timeline, which this app may not import.

Views are thin: what the viewer may see is read through `network.access` (anything that is
not theirs answers 404), and the paths come from the service with the privacy rules of
`docs/paths.md` already applied, so a hidden person arrives here without a name.

The network app never imports this one: its pages fetch the fragments below with htmx.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kaffebro.accounts.ratelimit import rate_limited
from kaffebro.network import access
from kaffebro.paths.service import find_paths, ways_in_for_targets
from kaffebro.paths.targets import TargetSpec

WAYS_SHOWN = 10


def _ways_page(request, kind: str, spec: TargetSpec, **context):
    """The full ranked list of ways in, for any kind of target; `spec` lets each card hand its way to a request."""
    ways = find_paths(request.user, spec, k=WAYS_SHOWN)
    return render(request, "paths/ways.html", {"kind": kind, "ways": ways, "spec": spec, **context})


@require_safe
@rate_limited("paths")
def target_ways(request, code):
    """The viewer's own target: every way in, best first."""
    target = access.access_target(request.user, code)
    placed = access.PlacedTarget(target, *access.target_place(target))
    return _ways_page(request, "target", TargetSpec.for_target(target), placed=placed, nav="dashboard")


@require_safe
@rate_limited("paths")
def organisation_ways(request, code):
    organisation = access.access_organisation(request.user, code)
    return _ways_page(
        request,
        "organisation",
        TargetSpec.for_organisation(organisation),
        organisation=organisation,
        nav="organisations",
    )


@require_safe
@rate_limited("paths")
def unit_ways(request, code):
    unit = access.unit_by_code(request.user, code)
    return _ways_page(
        request, "unit", TargetSpec.for_unit(unit), unit=unit, organisation=unit.organisation, nav="organisations"
    )


@require_safe
@rate_limited("paths")
def posting_ways(request, code):
    posting = access.posting_by_code(request.user, code)
    return _ways_page(
        request,
        "posting",
        TargetSpec.for_posting(posting),
        posting=posting,
        organisation=posting.organisation,
        nav="organisations",
    )


@require_safe
def organisation_best(request, code):
    """htmx fragment for the organisation page: how many ways in, and the best one."""
    organisation = access.access_organisation(request.user, code)
    ways = find_paths(request.user, TargetSpec.for_organisation(organisation), k=1)
    return render(
        request,
        "paths/_best.html",
        {
            "ways": ways,
            "card_id": "best-way",
            "full_url": reverse("paths:organisation", args=[organisation.code]),
        },
    )


@require_safe
def targets_best(request):
    """htmx fragment for the dashboard: the best way into each of the viewer's targets, in one search."""
    placed = access.placed_targets(request.user)
    found = ways_in_for_targets(request.user, [entry.target for entry in placed], k=1)
    rows = [(entry, found.get(entry.target.pk)) for entry in placed]
    return render(request, "paths/_targets_best.html", {"rows": rows})


@require_safe
def unit_detail(request, code):
    """A unit: where it sits, its sub-units and open postings, and the viewer's ways in."""
    user = request.user
    unit = access.unit_by_code(user, code)
    organisation = unit.organisation
    node = _find_node(access.units_tree(organisation), unit.pk)
    inside = _unit_ids(node) if node else {unit.pk}
    return render(
        request,
        "paths/unit.html",
        {
            "nav": "organisations",
            "unit": unit,
            "organisation": organisation,
            "sub_units": node.children if node else [],
            "postings": list(access.current_postings(organisation).filter(unit_id__in=inside)),
            "ways": find_paths(user, TargetSpec.for_unit(unit), k=1),
            "targeted": access.targeted_ids(user),
        },
    )


def _find_node(nodes: list[access.UnitNode], unit_id: int) -> access.UnitNode | None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.unit.pk == unit_id:
            return node
        stack.extend(node.children)
    return None


def _unit_ids(node: access.UnitNode) -> set[int]:
    found, stack = set(), [node]
    while stack:
        current = stack.pop()
        found.add(current.unit.pk)
        stack.extend(current.children)
    return found
