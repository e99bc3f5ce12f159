"""View decorators of log-in protection: re-authentication, and the pages open before the second factor."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from kaffebro.accounts import sessions


def allowed_before_two_factor(view):
    """Mark a page an operator or coach may open before their second factor is set up (set-up, log-out …)."""
    view.two_factor_exempt = True
    return view


def recent_login_required(view):
    """Ask for the password again unless it was typed in this session within the last REAUTH_SECONDS.

    A stolen or forgotten-open session then cannot change the password or the second factor.
    """

    @wraps(view)
    def checked(request, *args, **kwargs):
        if sessions.password_confirmed_recently(request.session):
            return view(request, *args, **kwargs)
        query = urlencode({"next": _return_to(request)})
        return redirect(f"{reverse('accounts:confirm_password')}?{query}")

    return checked


def _return_to(request) -> str:
    """The page to come back to: this one for a GET; for a form sent, the page that held the form."""
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse(settings.LOGIN_REDIRECT_URL)
