"""The public objection form ("I don't want to be in Kaffebro") and its confirmation link.

The form answers the same whether or not Kaffebro knows the address, so it cannot be used to find out
who is in anyone's network. An e-mail address is applied only after its owner confirmed the mailed link; a
profile address cannot be confirmed, and is applied at once (it only ever removes data). The form is rate
limited per client address, and the mail per address. It lives in accounts, above core, because it uses the
accounts app's rate-limit counters; what applying removes is each app's business (`core.personal_data`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kaffebro.accounts.clients import opaque_key
from kaffebro.accounts.ratelimit import hit, rate_limited
from kaffebro.core import objections
from kaffebro.core.personal_data import Objection, apply_objection

# At most one confirmation mail a minute to the same address, however often the form is sent.
MAILS_PER_ADDRESS_AND_MINUTE = 1


class ObjectionForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), required=False)
    profile_url = forms.CharField(
        label=gettext_lazy("Or the address of your profile"),
        help_text=gettext_lazy("For example https://www.linkedin.com/in/your-name"),
        required=False,
        max_length=500,
    )

    def clean_profile_url(self) -> str:
        address = self.cleaned_data["profile_url"].strip()
        if not address:
            return ""
        full = address if "://" in address else f"https://{address}"
        try:
            URLValidator(schemes=["http", "https"])(full)
        except ValidationError:
            raise ValidationError(_("Write the whole address of your profile page.")) from None
        if urlsplit(full).path.strip("/") == "":
            raise ValidationError(_("Write the address of your own profile page, not only the site's."))
        return full

    def clean(self):
        cleaned = super().clean() or {}
        given = [name for name in ("email", "profile_url") if cleaned.get(name)]
        if not self.errors and len(given) != 1:
            raise ValidationError(_("Write either your e-mail address or the address of your profile, one of them."))
        return cleaned


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("privacy", methods=["POST"])
def object_form(request):
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "accounts/objection.html", {"form": form})
    email = form.cleaned_data["email"].strip().lower()
    if email:
        if hit("privacy_mail", opaque_key("objection", email), MAILS_PER_ADDRESS_AND_MINUTE) is None:
            objections.send_confirmation.enqueue(email, translation.get_language() or settings.LANGUAGE_CODE)
        return render(
            request,
            "accounts/objection_result.html",
            {"result": "sent", "email": email, "days": settings.OBJECTION_LINK_MAX_AGE // 86400},
        )
    apply_objection(Objection(profile_url=form.cleaned_data["profile_url"]))
    return render(request, "accounts/objection_result.html", {"result": "done"})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("privacy", methods=["POST"])
def object_confirm(request, token: str):
    """The mailed link: a page with a button, so a mail scanner that opens links changes nothing."""
    try:
        email = objections.email_for_token(token)
    except objections.InvalidLink:
        return render(request, "accounts/objection_confirm.html", {"invalid": True}, status=400)
    if request.method == "POST":
        apply_objection(Objection(email=email))
        return render(request, "accounts/objection_result.html", {"result": "done"})
    return render(request, "accounts/objection_confirm.html", {"email": email})
