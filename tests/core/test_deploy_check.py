"""Production settings pass Django's deployment check, and the cookies and HSTS they set are the hardened ones.

Each test starts `manage.py` in a subprocess with a production environment (DEBUG unset, SECRET_KEY,
ALLOWED_HOSTS and the other required variables set), as a server starts: settings are read once per
process, so an override inside the test process would not show what production really does.
"""

import json

import pytest

from tests.core.production import manage

ONE_YEAR = 60 * 60 * 24 * 365
COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_DOMAIN",
]
HSTS_SETTINGS = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]


def production_settings(tmp_path, names: list[str], **overrides: str | None) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = manage(tmp_path, "shell", "--verbosity", "0", "-c", code, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deploy_check_passes_at_warning_level(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_would_catch_hardening_switched_off(tmp_path):
    """The check above means something: without HSTS and the TLS redirect it fails at warning level."""
    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="0"
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_production_cookies_are_host_prefixed_secure_http_only_and_lax(tmp_path):
    assert production_settings(tmp_path, COOKIE_SETTINGS) == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_PATH": "/",
        "CSRF_COOKIE_DOMAIN": None,
    }


def test_development_keeps_the_plain_cookie_names(tmp_path):
    """A __Host- cookie needs HTTPS; `make run` serves plain HTTP on 127.0.0.1."""
    names = production_settings(tmp_path, ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME"], DEBUG="1")
    assert names == {"SESSION_COOKIE_NAME": "sessionid", "CSRF_COOKIE_NAME": "csrftoken"}


def test_hsts_is_a_year_with_subdomains_and_no_preload_by_default(tmp_path):
    assert production_settings(tmp_path, HSTS_SETTINGS) == {
        "SECURE_HSTS_SECONDS": ONE_YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_hsts_seconds_and_preload_come_from_the_environment(tmp_path):
    values = production_settings(tmp_path, HSTS_SETTINGS, SECURE_HSTS_SECONDS="600", SECURE_HSTS_PRELOAD="1")
    assert values == {"SECURE_HSTS_SECONDS": 600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECURE_HSTS_SECONDS", "a year"),
        ("LOG_FORMAT", "xml"),
        ("ACCESSIBILITY_STATEMENT_URL", "http://www.was.digst.dk/kaffebro"),
        ("ACCESSIBILITY_STATEMENT_URL", "tilgaengelighed"),
    ],
)
def test_a_malformed_value_stops_the_process_and_names_the_variable(tmp_path, variable, value):
    result = manage(tmp_path, "check", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_logs_are_json_in_production_and_text_when_asked(tmp_path):
    assert production_settings(tmp_path, ["LOG_FORMAT"]) == {"LOG_FORMAT": "json"}
    assert production_settings(tmp_path, ["LOG_FORMAT"], LOG_FORMAT="TEXT") == {"LOG_FORMAT": "text"}


def test_a_browser_gets_a_host_prefixed_secure_csrf_cookie(tmp_path):
    """The log-in page served by the production settings (static files collected, as on a server)."""
    static_root = str(tmp_path / "static")
    collected = manage(tmp_path, "collectstatic", "--no-input", STATIC_ROOT=static_root)
    assert collected.returncode == 0, collected.stderr
    code = (
        "from django.test import Client; from django.urls import reverse; "
        "response = Client().get(reverse('accounts:login'), secure=True, headers={'host': 'kaffebro.example.org'}); "
        "print(response.status_code); print(response.cookies.output())"
    )
    result = manage(tmp_path, "shell", "--verbosity", "0", "-c", code, STATIC_ROOT=static_root)
    assert result.returncode == 0, result.stderr
    status, cookie = result.stdout.strip().splitlines()
    assert status == "200"
    assert cookie.startswith("Set-Cookie: __Host-csrftoken=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "path", "samesite"} <= attributes
    assert "domain" not in attributes
    assert "Path=/;" in cookie or cookie.endswith("Path=/")
