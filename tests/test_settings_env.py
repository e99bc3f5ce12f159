"""Configuration from the environment: the typed readers, and production settings that refuse to start half-set.

A typo in a production environment must stop the process at start-up with a message naming
the variable, never run with a silently wrong value.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kaffebro.core.env import email_settings, env_bool, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_reads_true(monkeypatch, value):
    monkeypatch.setenv("KAFFEBRO_FLAG", value)
    assert env_bool("KAFFEBRO_FLAG", default=False) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
def test_env_bool_reads_false(monkeypatch, value):
    monkeypatch.setenv("KAFFEBRO_FLAG", value)
    assert env_bool("KAFFEBRO_FLAG", default=True) is False


def test_env_bool_missing_gives_default(monkeypatch):
    monkeypatch.delenv("KAFFEBRO_FLAG", raising=False)
    assert env_bool("KAFFEBRO_FLAG", default=True) is True
    assert env_bool("KAFFEBRO_FLAG", default=False) is False


def test_env_bool_refuses_anything_else_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("KAFFEBRO_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KAFFEBRO_FLAG"):
        env_bool("KAFFEBRO_FLAG", default=False)


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("KAFFEBRO_NUMBER", " 42 ")
    assert env_int("KAFFEBRO_NUMBER", 7) == 42


@pytest.mark.parametrize("value", [None, ""])
def test_env_int_missing_or_empty_gives_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("KAFFEBRO_NUMBER", raising=False)
    else:
        monkeypatch.setenv("KAFFEBRO_NUMBER", value)
    assert env_int("KAFFEBRO_NUMBER", 7) == 7


@pytest.mark.parametrize("value", ["forty", "4.5", "12abc"])
def test_env_int_refuses_non_numbers_and_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("KAFFEBRO_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match="KAFFEBRO_NUMBER"):
        env_int("KAFFEBRO_NUMBER", 7)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("KAFFEBRO_HOSTS", " a.example.org, ,b.example.org ,")
    assert env_list("KAFFEBRO_HOSTS", []) == ["a.example.org", "b.example.org"]


def test_env_list_missing_gives_a_copy_of_the_default(monkeypatch):
    monkeypatch.delenv("KAFFEBRO_HOSTS", raising=False)
    default = ["localhost"]
    result = env_list("KAFFEBRO_HOSTS", default)
    assert result == ["localhost"]
    result.append("changed")
    assert default == ["localhost"]


def test_env_list_set_but_empty_is_an_empty_list(monkeypatch):
    monkeypatch.setenv("KAFFEBRO_HOSTS", "")
    assert env_list("KAFFEBRO_HOSTS", ["localhost"]) == []


def test_env_str_reads_and_strips(monkeypatch):
    monkeypatch.setenv("KAFFEBRO_TEXT", "  hello  ")
    assert env_str("KAFFEBRO_TEXT", "default") == "hello"


def test_env_str_missing_gives_default(monkeypatch):
    monkeypatch.delenv("KAFFEBRO_TEXT", raising=False)
    assert env_str("KAFFEBRO_TEXT", "default") == "default"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_env_str_required_refuses_missing_or_empty_and_names_the_variable(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("KAFFEBRO_TEXT", raising=False)
    else:
        monkeypatch.setenv("KAFFEBRO_TEXT", value)
    with pytest.raises(ImproperlyConfigured, match="KAFFEBRO_TEXT"):
        env_str("KAFFEBRO_TEXT", required=True)


def test_env_str_without_default_is_required(monkeypatch):
    monkeypatch.delenv("KAFFEBRO_TEXT", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KAFFEBRO_TEXT"):
        env_str("KAFFEBRO_TEXT")


def test_email_url_console():
    assert email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_email_url_smtp_with_starttls():
    result = email_settings("smtp://mailer%40example.org:s%3Acret@mail.example.org:587?tls=1")
    assert result == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer@example.org",
        "EMAIL_HOST_PASSWORD": "s:cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_email_url_smtps_is_implicit_tls_on_port_465():
    result = email_settings("smtps://user:pass@mail.example.org")
    assert result["EMAIL_BACKEND"] == SMTP_BACKEND
    assert result["EMAIL_PORT"] == 465
    assert result["EMAIL_USE_SSL"] is True
    assert result["EMAIL_USE_TLS"] is False


def test_email_url_plain_smtp_defaults_to_port_25_without_tls():
    result = email_settings("smtp://relay.internal")
    assert result["EMAIL_PORT"] == 25
    assert result["EMAIL_HOST_USER"] == ""
    assert result["EMAIL_USE_TLS"] is False
    assert result["EMAIL_USE_SSL"] is False


@pytest.mark.parametrize("url", ["http://mail.example.org", "sendmail://", "mail.example.org", ""])
def test_email_url_unknown_scheme_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url)


def test_email_url_smtp_without_host_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("smtp://")


def test_email_url_cannot_ask_for_both_tls_and_ssl():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("smtp://mail.example.org?tls=1&ssl=1")


def production_environment(var_dir: Path, **overrides: str | None) -> dict[str, str]:
    """A clean environment with the real settings and DEBUG unset, as a production server starts."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "kaffebro.settings",
        "KAFFEBRO_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kaffebro.example.org",
        "SITE_URL": "https://kaffebro.example.org",
        "EMAIL_URL": "smtp://kaffebro:secret@mail.example.org:587?tls=1",
        "KAFFEBRO_CONTROLLER_NAME": "Kaffebro ApS",
        "KAFFEBRO_CONTROLLER_CONTACT": "privacy@kaffebro.example.org",
    }
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value is not None}


def manage(var_dir: Path, *arguments: str, **overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *arguments],
        cwd=var_dir,
        env=production_environment(var_dir, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = manage(tmp_path, "check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    result = manage(tmp_path, "check", SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "variable", ["SITE_URL", "EMAIL_URL", "KAFFEBRO_CONTROLLER_NAME", "KAFFEBRO_CONTROLLER_CONTACT"]
)
def test_production_refuses_to_start_without_required_addresses(tmp_path, variable):
    result = manage(tmp_path, "check", **{variable: None})
    assert result.returncode != 0
    assert variable in result.stderr


def test_production_deploy_check_is_clean(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
