"""The secret of a personal API token: how it is made, shown and recognised.

A token reads `kb_<secret>`; only the SHA-256 of the secret is stored, so a copy of the
database gives nobody a working token. The secret has 256 random bits: looking it up by
its digest leaks nothing worth timing.
"""

from __future__ import annotations

import hashlib
import secrets

from kaffebro.api.models import PREFIX_LENGTH

TOKEN_PREFIX = "kb_"
SECRET_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_SECRET_LENGTH = 64


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def shown_prefix(secret: str) -> str:
    """The first characters of the secret, kept so the member can tell their tokens apart."""
    return secret[:PREFIX_LENGTH]


def as_token(secret: str) -> str:
    """The whole token as the member copies it."""
    return f"{TOKEN_PREFIX}{secret}"


def secret_of(token: str) -> str | None:
    """The secret inside a token as a client sends it, or None when it cannot be one of ours."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    secret = token.removeprefix(TOKEN_PREFIX)
    if not 0 < len(secret) <= MAX_SECRET_LENGTH:
        return None
    return secret
