"""The preparation brief: the seeker writes it for one of their targets and sees how ready it is as they type.

Views are thin: the target and the brief are read through `meetings.access` (404 for anything
that is not the viewer's), the brief changes only through `actions.save_brief`, and the
feedback comes from the pure `readiness` check.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaffebro.meetings import access, actions
from kaffebro.meetings.forms import PrepBriefForm
from kaffebro.meetings.models import PrepBrief
from kaffebro.meetings.readiness import (
    CHECKLIST,
    MAX_TOTAL_WORDS,
    PARTS,
    BriefText,
    Place,
    Readiness,
    assess,
    level_summary,
    part_label,
)
from kaffebro.meetings.timeline import timeline
from kaffebro.network.access import PlacedTarget, target_place
from kaffebro.network.models import Target


def _initial(brief: PrepBrief | None) -> dict:
    if brief is None:
        return {"version": 0}
    return {**{name: getattr(brief, name) for name in PARTS + CHECKLIST}, "version": brief.version}


def _typed(form: PrepBriefForm) -> BriefText:
    """What the seeker typed, valid or not, for the readiness check."""
    return BriefText.of({name: form.data.get(name) for name in PARTS + CHECKLIST})


def _groups(readiness: Readiness) -> list[dict]:
    """The findings by part, in the order of the form, for the feedback panel."""
    order = [*PARTS, "checklist", "brief"]
    return [
        {"part": part, "label": part_label(part), "findings": readiness.for_part(part)}
        for part in order
        if readiness.for_part(part)
    ]


def _readiness_context(readiness: Readiness) -> dict:
    return {
        "readiness": readiness,
        "summary": level_summary(readiness.level),
        "groups": _groups(readiness),
        "max_total_words": MAX_TOTAL_WORDS,
    }


def _render_brief(request, target: Target, brief: PrepBrief | None, form: PrepBriefForm, text: BriefText, status=200):
    organisation, unit = target_place(target)
    posting = target.posting
    deadline_timeline = (
        timeline(posting.deadline, today=timezone.localdate())
        if posting is not None and posting.deadline is not None
        else None
    )
    return render(
        request,
        "meetings/brief.html",
        {
            "nav": "profile",
            "target": target,
            "placed": PlacedTarget(target, organisation, unit),
            "organisation": organisation,
            "unit": unit,
            "posting": posting,
            "is_public": organisation is not None and organisation.is_public,
            "timeline": deadline_timeline,
            "brief": brief,
            "form": form,
            **_readiness_context(assess(text, Place.of_target(target))),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def brief(request, code):
    """The seeker's brief for one of their targets: write it, improve it, see how ready it is."""
    target = access.own_target(request.user, code)
    existing = access.brief_for(request.user, target)
    if request.method != "POST":
        form = PrepBriefForm(initial=_initial(existing))
        return _render_brief(request, target, existing, form, BriefText.of(existing) if existing else BriefText())
    form = PrepBriefForm(request.POST)
    if form.is_valid():
        try:
            actions.save_brief(request.user, target, form.brief_fields(), base_version=form.cleaned_data["version"])
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("Your brief is saved."))
            return redirect("meetings:brief", target.code)
    return _render_brief(request, target, existing, form, _typed(form))


@require_POST
def brief_check(request, code):
    """htmx fragment: the readiness of what the seeker has typed so far; nothing is saved."""
    target = access.own_target(request.user, code)
    form = PrepBriefForm(request.POST)
    readiness = assess(_typed(form), Place.of_target(target))
    return render(request, "meetings/_readiness.html", _readiness_context(readiness))
