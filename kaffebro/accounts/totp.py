"""Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226), with the standard library only.

Authenticator apps agree on SHA-1, six digits and 30-second steps, so those are the
defaults; the digest and the number of digits are parameters only so that the test vectors
of RFC 6238 appendix B can be checked as published.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

import segno

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, the key length RFC 4226 recommends for HMAC-SHA-1
ACCEPTED_DRIFT = 1  # a code of the step before or after is accepted too: clocks drift, typing takes time


class BadSecret(ValueError):
    """The shared secret is not valid base32."""


def new_secret() -> str:
    """A fresh random secret, base32 as authenticator apps expect it (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """The key behind a base32 secret, read as people type it: any letter case, spaces allowed."""
    cleaned = "".join(secret.split()).upper()
    try:
        return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as error:
        raise BadSecret(str(error)) from error


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """RFC 4226: HMAC of the 8-byte counter, dynamically truncated to `digits` decimal digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, moment: datetime.datetime) -> str:
    """The code an authenticator app shows at `moment`."""
    return hotp(secret_bytes(secret), step_at(moment))


def matching_step(secret: str, code: str, moment: datetime.datetime, *, after_step: int = -1) -> int | None:
    """The time step whose code `code` is, within the accepted drift and later than `after_step`; else None.

    Every candidate is compared in constant time, so the answer's timing does not tell how close a guess was.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = secret_bytes(secret)
    now = step_at(moment)
    steps = range(now - ACCEPTED_DRIFT, now + ACCEPTED_DRIFT + 1)
    matches = [step for step in steps if hmac.compare_digest(hotp(key, step), code)]
    return next((step for step in matches if step > after_step), None)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code (Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe="@:")
    parameters = {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    return f"otpauth://totp/{label}?{urlencode(parameters, quote_via=quote)}"


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG markup: no script, no style attribute, a text alternative in <title>."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, light="#fff", title=title, svgclass="qr-code")
    return svg.replace("<svg ", '<svg role="img" ', 1)
