"""The signed token in the link that confirms a member's e-mail address.

The token names the member and the address, so it stops working if the address
changes, and carries a timestamp, so it expires after EMAIL_VERIFICATION_MAX_AGE.
"""

from django.conf import settings
from django.core import signing

from kaffebro.accounts.models import User

VERIFICATION_SALT = "kaffebro.accounts.verify-email"


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
