"""The member's next steps: add contacts, set a target, see the ways in."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from kaffebro.network import access


@require_safe
def dashboard(request):
    """Guides a new member step by step; each step shows whether it is done and what comes next."""
    user = request.user
    targets = access.placed_targets(user, count_contacts=True)
    contact_count = access.contact_count(user)
    return render(
        request,
        "network/dashboard.html",
        {
            "nav": "dashboard",
            "contact_count": contact_count,
            "targets": targets,
            "profile": access.seeker_profile_of(user),
            "connector": access.connector_settings_of(user),
            "has_contacts": contact_count > 0,
            "has_targets": bool(targets),
        },
    )
