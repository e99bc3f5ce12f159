"""The member's data-protection pages: download everything (GDPR Art. 15 and 20) and delete the account (Art. 17).

Both stay thin: what is exported and what erasure deletes is registered by each app with
`kaffebro.core.personal_data` (docs/privacy.md). The download needs a recent password, like changing how one
logs in: the file holds everything. Deleting asks for the address and the password in the form itself.
"""

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kaffebro.accounts import throttle
from kaffebro.accounts.clients import client_address
from kaffebro.accounts.data_forms import DeleteAccountForm
from kaffebro.accounts.decorators import recent_login_required
from kaffebro.accounts.models import User
from kaffebro.accounts.ratelimit import rate_limited
from kaffebro.core.events import record_event
from kaffebro.core.personal_data import erase_member, export_zip


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("privacy", methods=["POST"])
@recent_login_required
def export(request):
    if request.method != "POST":
        return render(request, "accounts/export.html")
    content = export_zip(request.user)
    record_event("privacy.exported", actor=request.user)
    response = HttpResponse(content, content_type="application/zip")
    filename = f"kaffebro-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("privacy", methods=["POST"])
def delete(request):
    member = request.user
    form = DeleteAccountForm(member, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttle.guard(member.email, client_address(request), lambda: _check_password(member, form))
        except ValidationError as error:
            form.add_error("password", error)
        else:
            erase_member(member.pk)
            logout(request)
            return render(request, "accounts/delete.html", {"deleted": True})
    return render(request, "accounts/delete.html", {"form": form})


def _check_password(member: User, form: DeleteAccountForm) -> None:
    if not member.check_password(form.cleaned_data["password"]):
        raise ValidationError(_("That is not your password."), code="wrong_password")
