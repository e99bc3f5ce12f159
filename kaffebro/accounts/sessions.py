"""What a member's session remembers about how they logged in.

- when they logged in and when they were last seen: the idle and absolute timeouts
  (SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS) log them out;
- when they last typed their password: changing the password or the two-factor settings needs
  that to be recent (REAUTH_SECONDS);
- whether this session passed the second factor: a session lacking that mark cannot reach
  anything of a member with an authenticator, nor anything but the set-up for an operator or coach;
- between the password and the code: who is waiting for the second step. That member is not
  logged in until the code is right.

Times are whole seconds since the epoch, read from `timezone.now()` so that tests can move the clock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from kaffebro.accounts.models import Authenticator, User

LOGGED_IN_AT = "kaffebro.logged_in_at"
SEEN_AT = "kaffebro.seen_at"
PASSWORD_CONFIRMED_AT = "kaffebro.password_confirmed_at"
SECOND_FACTOR = "kaffebro.second_factor"
PENDING_LOGIN = "kaffebro.pending_login"
SETUP_SECRET = "kaffebro.two_factor_setup_secret"
FRESH_RECOVERY_CODES = "kaffebro.fresh_recovery_codes"

PASSED = "passed"  # the code (or a recovery code) was right in this session
NOT_SET_UP = "not_set_up"  # the member had no authenticator when this session began

# Last-seen is written at most once a minute, so a busy member does not cost a session write per request.
ACTIVITY_RESOLUTION = 60
# The code must follow the password within five minutes.
SECOND_STEP_SECONDS = 5 * 60

IDLE = "idle"
ABSOLUTE = "absolute"


def stamp(now: datetime.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp())


def start_clocks(sender, request, user, **kwargs) -> None:
    """On every log-in (also an e-mail confirmation's, or a test's `force_login`): start the timeouts and note
    whether the member has a second factor still to pass."""
    now = stamp()
    request.session[LOGGED_IN_AT] = now
    request.session[SEEN_AT] = now
    if Authenticator.objects.filter(member=user).exists():
        request.session.pop(SECOND_FACTOR, None)
    else:
        request.session[SECOND_FACTOR] = NOT_SET_UP


def expiry(session, now: datetime.datetime) -> str | None:
    """IDLE or ABSOLUTE when the session has timed out, else None."""
    seconds = stamp(now)
    if seconds - session.get(SEEN_AT, seconds) > settings.SESSION_IDLE_SECONDS:
        return IDLE
    if seconds - session.get(LOGGED_IN_AT, seconds) > settings.SESSION_ABSOLUTE_SECONDS:
        return ABSOLUTE
    return None


def note_activity(session, now: datetime.datetime) -> None:
    """Move last-seen forward (at most once a minute); a session from before these clocks starts them now."""
    seconds = stamp(now)
    if seconds - session.get(SEEN_AT, 0) >= ACTIVITY_RESOLUTION:
        session[SEEN_AT] = seconds
    session.setdefault(LOGGED_IN_AT, seconds)


def note_password_confirmed(session) -> None:
    session[PASSWORD_CONFIRMED_AT] = stamp()


def password_confirmed_recently(session) -> bool:
    confirmed = session.get(PASSWORD_CONFIRMED_AT)
    return confirmed is not None and 0 <= stamp() - confirmed <= settings.REAUTH_SECONDS


def passed_second_factor(session) -> None:
    session[SECOND_FACTOR] = PASSED


@dataclass(frozen=True)
class PendingLogin:
    member: User
    next_url: str


def begin_second_step(session, user: User, next_url: str) -> None:
    """The password was right and the member has an authenticator: wait for the code, still logged out."""
    session[PENDING_LOGIN] = {"member": user.pk, "next": next_url, "at": stamp()}


def pending_login(session) -> PendingLogin | None:
    """Who is waiting for the second step, if the password was typed less than five minutes ago."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or stamp() - pending.get("at", 0) > SECOND_STEP_SECONDS:
        return None
    member = User.objects.filter(pk=pending.get("member", 0), is_active=True).first()
    if member is None:
        return None
    return PendingLogin(member, str(pending.get("next", "")))


def end_second_step(session) -> None:
    session.pop(PENDING_LOGIN, None)
