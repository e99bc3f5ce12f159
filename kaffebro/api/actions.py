"""Every change the API app makes: personal tokens, and the answers kept for idempotent requests.

As everywhere: the precondition is checked (raising `Refused` with a translated message),
the change is one transaction with a conditional update, and an event names only codes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.api import token_secret
from kaffebro.api.models import ApiToken, IdempotencyRecord
from kaffebro.core.events import record_event
from kaffebro.network.actions import Refused

# Writing `last_used` on every request would make each read a write: once a minute is precise enough.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
MAX_NAME_LENGTH = ApiToken._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the whole token, which is shown this once and never again."""

    token: ApiToken
    secret: str

    @property
    def value(self) -> str:
        return token_secret.as_token(self.secret)


def _clean_name(name: str) -> str:
    if not isinstance(name, str) or "\x00" in name:
        raise Refused(_("Write the token's name as plain text."), field="name")
    name = name.strip()
    if not name:
        raise Refused(_("Give the token a name, so you know later what it is for."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise Refused(_("Keep the name under %(limit)d characters.") % {"limit": MAX_NAME_LENGTH}, field="name")
    return name


def active_tokens(user: User):
    return ApiToken.objects.filter(user=user, revoked__isnull=True)


def create_token(user: User, name: str) -> NewToken:
    """A new personal token for the member; at most `API_MAX_TOKENS` are active at once."""
    name = _clean_name(name)
    secret = token_secret.new_secret()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
        if active_tokens(user).count() >= settings.API_MAX_TOKENS:
            raise Refused(
                _("You have %(count)d active tokens, the most you can have. Revoke one you no longer use first.")
                % {"count": settings.API_MAX_TOKENS}
            )
        token = ApiToken.objects.create(
            user=user, name=name, prefix=token_secret.shown_prefix(secret), hash=token_secret.digest(secret)
        )
        record_event("api.token_created", actor=user, subject=token.code)
    return NewToken(token, secret)


def revoke_token(user: User, token: ApiToken) -> None:
    """The token stops working at once; it is kept (revoked) so the event log still names it."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, user=user, revoked__isnull=True).update(revoked=timezone.now())
        if not changed:
            raise Refused(_("This token is already revoked."))
        record_event("api.token_revoked", actor=user, subject=token.code)


def note_token_use(token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Remember when the token was last used, writing at most once a minute (no event: it is not a change)."""
    now = now or timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_PRECISION:
        return
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_PRECISION)
    if ApiToken.objects.filter(stale, pk=token.pk).update(last_used=now):
        token.last_used = now


# Idempotency: a request sent again with the same `Idempotency-Key` gets the first answer, and has one effect.


class KeyReused(Refused):
    """The key was first used for a different request."""


class KeyInUse(Refused):
    """The first request with this key has not finished (only possible if its transaction is still open)."""


@dataclass(frozen=True)
class Replay:
    """The answer stored for a key, to send again."""

    status: int
    body: Any


def _expiry_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def claim_key(user: User, key: str, request_line: str, request_hash: str) -> IdempotencyRecord | Replay:
    """Claim the key in the caller's transaction before doing the work, or get the answer already given.

    The insert comes first: on PostgreSQL a concurrent request with the same key waits on the
    unique constraint until the first one commits, then finds its answer; SQLite runs one
    writing transaction at a time. Either way the work is done once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_key must run inside the transaction that does the request's work")
    IdempotencyRecord.objects.filter(user=user, key=key, created__lt=_expiry_cutoff(timezone.now())).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(user=user, key=key, request=request_line, request_hash=request_hash)
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.get(user=user, key=key)
    if (existing.request, existing.request_hash) != (request_line, request_hash):
        raise KeyReused(
            _(
                "This Idempotency-Key was already used for a different request. Use a new key for a new request; "
                "send exactly the same request to get its answer again."
            )
        )
    if not existing.status:
        raise KeyInUse(_("A request with this Idempotency-Key is still being handled. Try again in a moment."))
    return Replay(existing.status, existing.body)


def remember_answer(record: IdempotencyRecord, status: int, body: Any) -> None:
    """Keep the answer with the claimed key, in the same transaction as the work."""
    IdempotencyRecord.objects.filter(pk=record.pk, status=0).update(status=status, body=body)


def expire_idempotency_records(now: datetime.datetime | None = None) -> int:
    """Forget the answers older than `API_IDEMPOTENCY_HOURS`; how many were removed."""
    deleted, _rows = IdempotencyRecord.objects.filter(created__lt=_expiry_cutoff(now or timezone.now())).delete()
    return deleted
