"""Opaque codes for URLs: short, unguessable, and never an integer id."""

import secrets

CODE_LENGTH = 12


def new_code() -> str:
    """A 12-character URL-safe random code (72 bits), used wherever an object appears in a URL."""
    return secrets.token_urlsafe(9)
