"""The seeker's pipeline page, and recording or removing an outcome from it.

Views are thin: the targets are the viewer's own (`network.access`, 404 for anyone else's), the
stages and next steps come from `jobs.pipeline`, and outcomes change only through
`jobs.actions.outcomes`; a refused action comes back as a form error on the same page.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.jobs.access import coaching as coaching_access
from kaffebro.jobs.access import outcomes as access
from kaffebro.jobs.actions import outcomes as actions
from kaffebro.jobs.forms_outcomes import OutcomeForm, credit_choices
from kaffebro.jobs.pipeline import STAGES, pipeline_of
from kaffebro.network import access as network_access
from kaffebro.network.access import PlacedTarget, target_place

NOTES_SHOWN = 20


@require_safe
def pipeline(request):
    """Every target with its stage, timeline and next step; what coaches wrote; outcomes elsewhere."""
    user = request.user
    found = pipeline_of(user)
    return render(
        request,
        "jobs/pipeline.html",
        {
            "nav": "pipeline",
            "pipeline": found,
            "stages": [label for _name, label in STAGES],
            "notes": list(coaching_access.notes_for_seeker(user)[:NOTES_SHOWN]),
            "coaches": [grant for grant in coaching_access.grants_of(user) if grant.withdrawn is None],
        },
    )


def _render_record(request, row, form: OutcomeForm, status: int = 200):
    return render(
        request,
        "jobs/outcome_record.html",
        {"nav": "pipeline", "row": row, "placed": row.placed, "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def record(request, code):
    """Record an outcome for one of the viewer's targets, credited to one of her own meetings, cards or suggestions."""
    user = request.user
    target = network_access.access_target(user, code)
    (row,) = pipeline_of(user, [PlacedTarget(target, *target_place(target))]).rows
    credits = credit_choices(row.facts)
    if request.method != "POST":
        return _render_record(request, row, OutcomeForm(credits=credits))
    form = OutcomeForm(request.POST, credits=credits)
    if form.is_valid():
        chosen = form.chosen_credit()
        data = form.cleaned_data
        try:
            actions.record_outcome(
                user,
                user,
                data["kind"],
                date=data["date"],
                credit=chosen.credit,
                target=target,
                note=data["note"],
                **chosen.objects,
            )
        except actions.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect(f"{reverse('jobs:pipeline')}#target-{target.code}")
    return _render_record(request, row, form)


@require_POST
def delete(request, code):
    """Remove one of the viewer's outcomes, recorded by mistake."""
    outcome = access.access_outcome(request.user, code)
    try:
        actions.delete_outcome(request.user, outcome)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The outcome is removed."))
    return redirect("jobs:pipeline")
