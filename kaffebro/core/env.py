"""Typed readers for settings that come from environment variables.

Every reader fails loudly with `ImproperlyConfigured` naming the variable, so a
typo in production stops the process at start-up instead of running with a
silently wrong value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    """A string; `required=True` refuses a missing or empty value."""
    value = _raw(name)
    if value:
        return value
    if required or default is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a few words (case-insensitive); anything else is refused with the allowed words."""
    value = _raw(name)
    if not value:
        return default
    lowered = value.lower()
    if lowered not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return lowered


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def development_secret_key(var_dir: Path) -> str:
    """Generate a secret key once and keep it in `var/`, so sessions survive restarts."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def email_settings(url: str) -> dict[str, object]:
    """Translate an `EMAIL_URL` into Django's e-mail settings.

    Supported: `console://`, `locmem://`, `smtp://user:password@host:port` (STARTTLS
    with `?tls=1`, implicit TLS with `smtps://` or `?ssl=1`) and `dummy://`.
    """
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL has the unknown scheme {parts.scheme!r}; use one of {', '.join(sorted(backends))}."
        )
    result: dict[str, object] = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme.startswith("smtp"):
        if not parts.hostname:
            raise ImproperlyConfigured(
                "EMAIL_URL must name the SMTP host, e.g. smtp://user:pass@mail.example.org:587?tls=1"
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        result.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=query.get("tls", "0").lower() in _TRUE,
            EMAIL_USE_SSL=parts.scheme == "smtps" or query.get("ssl", "0").lower() in _TRUE,
        )
        if result["EMAIL_USE_TLS"] and result["EMAIL_USE_SSL"]:
            raise ImproperlyConfigured("EMAIL_URL cannot ask for both tls and ssl.")
    return result
