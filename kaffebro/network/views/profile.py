"""The seeker profile and the targets, in priority order."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaffebro.network import access, actions
from kaffebro.network.forms import SeekerProfileForm, TargetForm
from kaffebro.network.views.common import redirect_back

MAX_SUGGESTIONS = 20


def _profile_initial(profile) -> dict:
    if profile is None:
        return {}
    return {field: getattr(profile, field) for field in actions.PROFILE_FIELDS}


def _render_profile(request, *, profile_form=None, target_form=None, status=200):
    user = request.user
    profile = access.seeker_profile_of(user)
    targets = access.placed_targets(user)
    return render(
        request,
        "network/profile.html",
        {
            "nav": "profile",
            "profile": profile,
            "profile_form": profile_form or SeekerProfileForm(initial=_profile_initial(profile)),
            "target_form": target_form or TargetForm(user=user),
            "targets": targets,
            "max_targets": actions.MAX_TARGETS,
            "known_organisations": list(access.organisations_among_contacts(user)[:MAX_SUGGESTIONS]),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    if request.method != "POST":
        return _render_profile(request)
    form = SeekerProfileForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, profile_form=form)
    try:
        actions.save_seeker_profile(request.user, **form.cleaned_data)
    except actions.Refused as refused:
        form.add_error(refused.field, refused.message)
        return _render_profile(request, profile_form=form)
    messages.success(request, _("Your profile is saved."))
    return redirect("network:profile")


@require_POST
def add_target(request):
    """Add a target from the profile page or from an organisation's page (which sends codes)."""
    form = TargetForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_target(
                request.user,
                data["kind"],
                posting=data["posting_obj"],
                unit=data["unit_obj"],
                organisation=data["organisation_obj"],
                job_field=data["job_field"],
                region=data["region"],
            )
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("The target is added to your list."))
            return redirect_back(request, "network:profile")
    return _render_profile(request, target_form=form)


@require_POST
def remove_target(request, code):
    target = access.access_target(request.user, code)
    try:
        actions.remove_target(request.user, target)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The target is removed."))
    return redirect("network:profile")


@require_POST
def move_target(request, code):
    target = access.access_target(request.user, code)
    try:
        actions.move_target(request.user, target, request.POST.get("direction", ""))
    except actions.Refused as refused:
        messages.error(request, refused.message)
    return redirect("network:profile")
