"""The coach's caseload and a seeker's page for her coach; the seeker's own list of coaches.

Views are thin: what a coach may see is read through `jobs.access.coaching` (403 on the caseload for
a member who is no coach, 404 on a seeker who has not given access or has withdrawn it), and every
change is an action of `jobs.actions.coaching`; a refused action comes back as a form error.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.core.access_log import log_read
from kaffebro.core.models import AccessKind
from kaffebro.jobs.access import coaching as access
from kaffebro.jobs.actions import coaching as actions
from kaffebro.jobs.forms_coaching import GrantForm, NoteForm
from kaffebro.jobs.models import CoachAccess
from kaffebro.jobs.pipeline import summaries_for

NOTES_SHOWN = 50


@require_safe
def caseload(request):
    """Every seeker who lets the coach follow her search, the stalled ones first."""
    access.require_coach(request.user)
    return render(
        request,
        "jobs/coach_caseload.html",
        {
            "nav": "caseload",
            "page": access.caseload(request.user, request.GET.get("page")),
            "stalled_days": settings.COACH_STALLED_DAYS,
        },
    )


def _render_seeker(request, grant: CoachAccess, form: NoteForm, status: int = 200):
    seeker = grant.seeker
    activity = access.activity_of([seeker.pk])[seeker.pk]
    return render(
        request,
        "jobs/coach_seeker.html",
        {
            "nav": "caseload",
            "grant": grant,
            "seeker": seeker,
            "summaries": summaries_for(seeker),
            "activity": activity,
            "stalled": activity.last is None or activity.last < access.stalled_since(),
            "notes": list(access.notes_by(request.user, seeker)[:NOTES_SHOWN]),
            "form": form,
        },
        status=status,
    )


@require_safe
def seeker(request, code):
    """One seeker of the caseload: her targets, stages, meetings and outcomes, and the coach's notes."""
    grant = access.access_for_coach(request.user, code)
    log_read(request.user, grant.seeker, AccessKind.COACH_OPENED_SEEKER, grant.code)
    return _render_seeker(request, grant, NoteForm())


@require_POST
def note(request, code):
    """The coach writes a note the seeker reads on her pipeline page."""
    grant = access.access_for_coach(request.user, code)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            actions.add_coach_note(request.user, grant, form.cleaned_data["text"])
        except actions.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Your note is saved. The seeker can read it now."))
            return redirect("jobs:coaching_seeker", grant.code)
    return _render_seeker(request, grant, form)


def _render_mine(request, form: GrantForm, status: int = 200):
    return render(
        request,
        "jobs/coach_mine.html",
        {"nav": "pipeline", "grants": list(access.grants_of(request.user)), "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def my_coaches(request):
    """The seeker's coaches: let one follow her search, or see whom she has let."""
    if request.method != "POST":
        return _render_mine(request, GrantForm())
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            grant = actions.grant_coach_access(request.user, form.cleaned_data["email"])
        except actions.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(
                request,
                _("%(coach)s can now follow your search.") % {"coach": grant.coach.display_name},
            )
            return redirect("jobs:coaching_mine")
    return _render_mine(request, form)


@require_POST
def withdraw(request, code):
    """The seeker takes a coach's access back; from now on the coach sees nothing of her."""
    grant = access.access_grant(request.user, code)
    try:
        actions.withdraw_coach_access(request.user, grant)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(coach)s no longer follows your search.") % {"coach": grant.coach.display_name},
        )
    return redirect("jobs:coaching_mine")
