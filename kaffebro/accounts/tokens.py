"""The signed tokens in the links that confirm a member's e-mail address, and a new one.

A token names the member and the address, so it stops working if the address
changes, and carries a timestamp, so it expires after EMAIL_VERIFICATION_MAX_AGE
(a change of address: EMAIL_CHANGE_MAX_AGE).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from kaffebro.accounts.models import User

VERIFICATION_SALT = "kaffebro.accounts.verify-email"
EMAIL_CHANGE_SALT = "kaffebro.accounts.change-email"
# Shorter than a sign-up's link: the member asked for it just now, and a link lying in an inbox is a risk.
EMAIL_CHANGE_MAX_AGE = 24 * 60 * 60


class InvalidToken(Exception):
    """The verification link is expired, tampered with or no longer matches the account."""


def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFICATION_SALT).sign_object({"member": user.code, "email": user.email})


def member_for_token(token: str) -> User:
    """The active member a verification token was made for; raises InvalidToken otherwise."""
    signer = signing.TimestampSigner(salt=VERIFICATION_SALT)
    try:
        payload = signer.unsign_object(token, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
        return User.objects.get(code=payload["member"], email=payload["email"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist) as error:
        raise InvalidToken from error


@dataclass(frozen=True)
class EmailChange:
    """A change of address a member asked for: from `old` to `new`."""

    member: str  # the member's code
    old: str
    new: str


def email_change_token(user: User, new_email: str) -> str:
    """The link's token: it works only while the member still has the address they had when asking."""
    payload = {"member": user.code, "old": user.email, "new": new_email}
    return signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).sign_object(payload)


def email_change_for_token(token: str) -> EmailChange:
    """The change a token asks for; raises InvalidToken when it is expired or tampered with."""
    signer = signing.TimestampSigner(salt=EMAIL_CHANGE_SALT)
    try:
        payload = signer.unsign_object(token, max_age=EMAIL_CHANGE_MAX_AGE)
        return EmailChange(member=str(payload["member"]), old=str(payload["old"]), new=str(payload["new"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidToken from error
