"""The security headers Django 5.2 does not set itself, and no-store on every page a member sees.

Django 5.2 has no Content-Security-Policy, so a small middleware sets one; a dependency for
a single header is not worth its upkeep. Scripts and styles come only from our own static
files: there is no inline script or style anywhere, so the policy needs no 'unsafe-inline'.
A nonce is still made for every request and offered to templates as `csp_nonce`, so that
a tag that truly must be inline can carry `nonce="{{ csp_nonce }}"` instead of weakening
the policy for every page.
"""

from __future__ import annotations

import secrets

from django.utils.cache import add_never_cache_headers

# Each directive, and why: nothing but our own origin may load scripts, styles, frames or forms.
CONTENT_SECURITY_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'nonce-{nonce}'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),  # data: lets a stylesheet embed a small icon without another request
    ("object-src", "'none'"),
    ("base-uri", "'none'"),  # an injected <base> could point every relative URL elsewhere
    ("form-action", "'self'"),  # an injected form cannot post a password to another site
    ("frame-ancestors", "'none'"),  # nobody may frame the site (clickjacking); X-Frame-Options says it to old browsers
)
# Features the site never uses stay off, so a script that slipped through could not ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


def content_security_policy(nonce: str) -> str:
    return "; ".join(f"{name} {sources.format(nonce=nonce)}" for name, sources in CONTENT_SECURITY_POLICY)


class SecurityHeadersMiddleware:
    """Sets a fresh nonce on the request before the view, and the policy headers on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreForMembersMiddleware:
    """A page seen logged in is never kept by the browser or a proxy: the back button on a shared computer
    after log-out must not show it. Static files never get here (WhiteNoise answers them earlier), so
    they stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def csp_nonce(request) -> dict[str, str]:
    """Template context processor: `{{ csp_nonce }}` for the rare tag that must be inline."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
