"""Every read of API tokens goes through here: a member sees only their own active tokens (others' answer 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaffebro.accounts.models import User
from kaffebro.api.models import ApiToken


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The member's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked__isnull=True).order_by("-created", "-id")


def access_token(user: User, code: str) -> ApiToken:
    return get_object_or_404(tokens_of(user), code=code)
