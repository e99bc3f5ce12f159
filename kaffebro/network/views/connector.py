"""Connector settings: whether others may find paths through the member, how much, and whom never to involve."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaffebro.network import access, actions
from kaffebro.network.forms import BlockOrganisationForm, BlockPersonForm, ConnectorSettingsForm
from kaffebro.network.models import DEFAULT_MONTHLY_INTRODUCTIONS
from kaffebro.network.views.common import paginate, redirect_back

FORM_FIELDS = (
    "open_to_introductions",
    "monthly_limit",
    "paused_until",
    "contacts_private_by_default",
    "show_name_in_paths",
)


def _settings_initial(user) -> dict:
    row = access.connector_settings_of(user)
    if row is None:
        return {
            "monthly_limit": DEFAULT_MONTHLY_INTRODUCTIONS,
            "contacts_private_by_default": True,
            "show_name_in_paths": True,
        }
    return {field: getattr(row, field) for field in FORM_FIELDS}


def _render_settings(request, *, settings_form=None, organisation_form=None, person_form=None):
    user = request.user
    return render(
        request,
        "network/connector_settings.html",
        {
            "nav": "settings",
            "settings_form": settings_form or ConnectorSettingsForm(initial=_settings_initial(user)),
            "organisation_form": organisation_form or BlockOrganisationForm(user=user),
            "person_form": person_form or BlockPersonForm(user=user),
            "blocks": paginate(request, access.blocks_of(user)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def connector_settings(request):
    if request.method != "POST":
        return _render_settings(request)
    form = ConnectorSettingsForm(request.POST)
    if not form.is_valid():
        return _render_settings(request, settings_form=form)
    try:
        actions.update_connector_settings(request.user, **form.cleaned_data)
    except actions.Refused as refused:
        form.add_error(refused.field, refused.message)
        return _render_settings(request, settings_form=form)
    messages.success(request, _("Your connector settings are saved."))
    return redirect("network:connector_settings")


def _block(request, form, field: str, block, form_name: str):
    """Block what the form names through `block`; back to the page the form was on, or the settings with the error."""
    if form.is_valid():
        chosen = form.cleaned_data[field]
        try:
            block(request.user, chosen)
        except actions.Refused as refused:
            form.add_error(field, refused.message)
        else:
            messages.success(request, _("%(name)s is blocked.") % {"name": str(chosen)})
            return redirect_back(request, "network:connector_settings")
    return _render_settings(request, **{form_name: form})


@require_POST
def block_organisation(request):
    """Block by name from the settings page, or by code from the organisation's page."""
    form = BlockOrganisationForm(request.POST, user=request.user)
    return _block(request, form, "organisation", actions.block_organisation, "organisation_form")


@require_POST
def block_person(request):
    """Block one of the member's own contacts, by name from the settings page or by code from the contact."""
    form = BlockPersonForm(request.POST, user=request.user)
    return _block(request, form, "contact", actions.block_person, "person_form")


@require_POST
def unblock(request, code):
    block = access.access_block(request.user, code)
    try:
        actions.unblock(request.user, block)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The block is lifted."))
    return redirect("network:connector_settings")
