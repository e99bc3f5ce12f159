"""Log-in cool-off: too many failed log-ins make an e-mail address, or a client, wait a while.

Never a permanent lock-out, which would let anyone lock a member out by typing their address:
after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW seconds the address cools off for
LOGIN_COOL_OFF_FIRST seconds, and each further cool-off doubles, up to LOGIN_COOL_OFF_MAX. A
client (one IP address, or one IPv6 /64) cools off the same way after LOGIN_FAILURE_LIMIT_PER_CLIENT
failures, whichever addresses it tried. During a cool-off the password is not even checked.
A successful log-in forgets the address's failures; a day without failures forgets everything.

The counts live in the database, one row per key, changed by conditional updates, so all app
servers share them. Wrong second-factor codes and wrong passwords at the re-authentication step
count as failures too.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from kaffebro.accounts.clients import opaque_key
from kaffebro.accounts.models import LoginThrottle, ThrottleScope, User
from kaffebro.core.events import record_event

KEY_PURPOSE = "login-throttle"
# After a day without a failure the cool-offs start from the shortest again; the chore deletes such rows.
FORGET_AFTER = datetime.timedelta(days=1)
MAX_DOUBLINGS = 16  # far beyond any maximum: keeps 2**n small
# The refusals that count as a failed log-in: a wrong password or a wrong second-factor code.
FAILURE_CODES = {"invalid_login", "wrong_password", "wrong_code"}

T = TypeVar("T")


@dataclass(frozen=True)
class CoolOff:
    scope: str
    until: datetime.datetime

    def message(self, now: datetime.datetime) -> str:
        """What the log-in form says: why, for how long, and that the password was not checked."""
        minutes = max(1, math.ceil((self.until - now).total_seconds() / 60))
        values = {"minutes": minutes, "time": time_format(timezone.localtime(self.until))}
        if self.scope == ThrottleScope.EMAIL:
            text = ngettext(
                "Too many failed log-ins for this e-mail address. For your safety, the password was not checked. "
                "Try again in %(minutes)d minute, at %(time)s.",
                "Too many failed log-ins for this e-mail address. For your safety, the password was not checked. "
                "Try again in %(minutes)d minutes, at %(time)s.",
                minutes,
            )
        else:
            text = ngettext(
                "Too many failed log-ins from your network. For your safety, the password was not checked. "
                "Try again in %(minutes)d minute, at %(time)s.",
                "Too many failed log-ins from your network. For your safety, the password was not checked. "
                "Try again in %(minutes)d minutes, at %(time)s.",
                minutes,
            )
        return text % values


def guard(email: str, client: str, attempt: Callable[[], T]) -> T:
    """Run a log-in check unless a cool-off is in force; a failed check counts and may start a cool-off.

    Raises the check's own ValidationError, or one with code "cooling_off" saying when to try again.
    """
    now = timezone.now()
    cooling = cool_off(email, client, now)
    if cooling is not None:
        raise ValidationError(cooling.message(now), code="cooling_off")
    try:
        return attempt()
    except ValidationError as error:
        if getattr(error, "code", None) in FAILURE_CODES:
            started = note_failure(email, client, now)
            if started is not None:
                raise ValidationError(started.message(now), code="cooling_off") from error
        raise


def _keys(email: str, client: str) -> dict[str, str]:
    return {
        ThrottleScope.EMAIL: opaque_key(KEY_PURPOSE, "email:" + email.strip().lower()),
        ThrottleScope.CLIENT: opaque_key(KEY_PURPOSE, "client:" + client),
    }


def _limits() -> dict[str, int]:
    return {
        ThrottleScope.EMAIL: settings.LOGIN_FAILURE_LIMIT,
        ThrottleScope.CLIENT: settings.LOGIN_FAILURE_LIMIT_PER_CLIENT,
    }


def cool_off_length(earlier_cool_offs: int) -> datetime.timedelta:
    """1, 2, 4 … minutes with the defaults: LOGIN_COOL_OFF_FIRST doubled per earlier cool-off, capped."""
    seconds = settings.LOGIN_COOL_OFF_FIRST * 2 ** min(earlier_cool_offs, MAX_DOUBLINGS)
    return datetime.timedelta(seconds=min(seconds, settings.LOGIN_COOL_OFF_MAX))


def cool_off(email: str, client: str, now: datetime.datetime | None = None) -> CoolOff | None:
    """The cool-off in force for this address or this client (the longer one); None when a log-in may be tried."""
    now = now or timezone.now()
    keys = _keys(email, client)
    either = Q(scope=ThrottleScope.EMAIL, key=keys[ThrottleScope.EMAIL]) | Q(
        scope=ThrottleScope.CLIENT, key=keys[ThrottleScope.CLIENT]
    )
    found = LoginThrottle.objects.filter(either, blocked_until__gt=now).order_by("-blocked_until").first()
    if found is None or found.blocked_until is None:
        return None
    return CoolOff(found.scope, found.blocked_until)


def note_failure(email: str, client: str, now: datetime.datetime | None = None) -> CoolOff | None:
    """Count one failed log-in for the address and for the client; returns the cool-off it started, if any."""
    now = now or timezone.now()
    limits = _limits()
    started = []
    with transaction.atomic():
        for scope, key in _keys(email, client).items():
            until = _count(scope, key, limits[scope], now)
            if until is not None:
                started.append(CoolOff(scope, until))
                subject = _member_code(email) if scope == ThrottleScope.EMAIL else ""
                seconds = int((until - now).total_seconds())
                record_event("accounts.login_cooled_off", subject=subject, scope=scope, seconds=seconds)
    return max(started, key=lambda cool: cool.until, default=None)


def _count(scope: str, key: str, limit: int, now: datetime.datetime) -> datetime.datetime | None:
    """Add a failure to the key's row; when it reaches the limit, start the next cool-off and return its end."""
    row = _row(scope, key, now)
    rows = LoginThrottle.objects.filter(pk=row.pk)
    if row.counting_since <= now - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW):
        fresh: dict = {"failures": 0, "counting_since": now}
        if row.last_failure <= now - FORGET_AFTER:
            fresh["cool_offs"] = 0
        rows.filter(counting_since=row.counting_since).update(**fresh)
    rows.update(failures=F("failures") + 1, last_failure=now)
    failures, cool_offs = rows.values_list("failures", "cool_offs").get()
    if failures < limit:
        return None
    until = now + cool_off_length(cool_offs)
    started = rows.filter(cool_offs=cool_offs, failures__gte=limit).update(
        failures=0, counting_since=now, cool_offs=cool_offs + 1, blocked_until=until
    )
    return until if started else None


def _row(scope: str, key: str, now: datetime.datetime) -> LoginThrottle:
    row = LoginThrottle.objects.filter(scope=scope, key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return LoginThrottle.objects.create(scope=scope, key=key, counting_since=now, last_failure=now)
    except IntegrityError:  # a concurrent failure created it first
        return LoginThrottle.objects.get(scope=scope, key=key)


def _member_code(email: str) -> str:
    return User.objects.filter(email=email.strip().lower()).values_list("code", flat=True).first() or ""


def forget_failures(email: str) -> None:
    """A successful log-in: the address starts afresh. The client's count stays, so that logging in to one's
    own account does not wash out guesses at other people's."""
    key = _keys(email, "")[ThrottleScope.EMAIL]
    LoginThrottle.objects.filter(scope=ThrottleScope.EMAIL, key=key).delete()


def delete_forgotten(now: datetime.datetime | None = None) -> int:
    """The chore: rows without a failure for a day and no cool-off in force hold nothing worth keeping."""
    now = now or timezone.now()
    stale = LoginThrottle.objects.filter(last_failure__lte=now - FORGET_AFTER)
    deleted, _counts = stale.filter(Q(blocked_until__isnull=True) | Q(blocked_until__lte=now)).delete()
    return deleted
