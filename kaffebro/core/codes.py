"""Opaque codes for URLs: short, unguessable, and never an integer id."""

import secrets

CODE_LENGTH = 12


def new_code() -> str:
    """A 12-character URL-safe random code (72 bits), used wherever an object appears in a URL.

    A code never starts with "-", so it can follow an option on a command line (`--target CODE`)
    without being taken for an option itself.
    """
    code = secrets.token_urlsafe(9)
    return code if code[0] != "-" else "A" + code[1:]
