"""The security headers on every response, the CSP nonce, and no-store on whatever a logged-in member sees."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{22})'")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def nonce_of(response) -> str:
    return NONCE.fullmatch(directives(response)["script-src"][1]).group(1)


def test_the_policy_allows_only_our_own_origin_and_never_inline_code(client):
    response = client.get(reverse("core:landing"))
    policy = directives(response)
    assert {name: sources for name, sources in policy.items() if name != "script-src"} == EXPECTED_DIRECTIVES
    assert policy["script-src"][0] == "'self'"
    assert NONCE.fullmatch(policy["script-src"][1])
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_each_request_gets_its_own_nonce_and_templates_get_the_same_one(client):
    first, second = client.get(reverse("core:landing")), client.get(reverse("core:landing"))
    assert nonce_of(first) != nonce_of(second)
    assert first.context["csp_nonce"] == nonce_of(first)


def test_the_policy_is_on_redirects_errors_and_pages_of_members_too(client, mette_client):
    for response in (
        client.get(reverse("network:dashboard")),  # redirect to log in
        client.get("/no-such-page/"),
        mette_client.get(reverse("accounts:settings")),
    ):
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_other_hardening_headers(client):
    response = client.get(reverse("core:privacy"))
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_page_seen_logged_in_is_never_stored(mette_client):
    for name in ("accounts:settings", "core:privacy", "network:contacts"):
        response = mette_client.get(reverse(name))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_a_public_page_seen_anonymously_may_be_stored(client):
    response = client.get(reverse("core:privacy"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_answer_to_logging_in_is_not_stored_either(client, mette):
    response = client.post(reverse("accounts:login"), {"username": mette.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
