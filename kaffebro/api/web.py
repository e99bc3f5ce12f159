"""The API token pages under the account settings: create (the secret is shown once), list and revoke.

Thin views: tokens are read through `api.access` (another member's token answers 404)
and changed only by `api.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kaffebro.api import access, actions
from kaffebro.api.forms import TokenForm


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request):
    """The member's tokens and the form for a new one; a new token's secret is on this answer only."""
    user = request.user
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = actions.create_token(user, form.cleaned_data["name"])
        except actions.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"nav": "settings", "form": form, "tokens": list(access.tokens_of(user)), "new_token": new_token},
    )


@require_POST
def revoke(request, code):
    token = access.access_token(request.user, code)
    try:
        actions.revoke_token(request.user, token)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
