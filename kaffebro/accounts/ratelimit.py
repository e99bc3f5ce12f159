"""Rate limits on costly endpoints: fixed one-minute windows counted in the database.

`@rate_limited("paths")` lets each member use the endpoints of a bucket at most
`settings.RATE_LIMITS["paths"]` times a minute (anonymous visitors count by client address);
beyond that the answer is 429 with a translated page and Retry-After. The counters are rows
changed by one conditional update per request, so several app servers share them and no cache
is needed; `manage.py accounts_chores` deletes the windows that have passed.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from kaffebro.accounts.clients import client_address, opaque_key
from kaffebro.accounts.models import RateLimitCounter

WINDOW = datetime.timedelta(minutes=1)
KEEP_WINDOWS = datetime.timedelta(hours=1)


def window_start(now: datetime.datetime) -> datetime.datetime:
    return now.replace(second=0, microsecond=0)


def hit(bucket: str, key: str, limit: int, now: datetime.datetime | None = None) -> int | None:
    """Count one use; None when it is within the limit, else the seconds until the next window opens.

    The usual case is one UPDATE that both checks and counts (`hits < limit`); only the first use
    in a window creates the row.
    """
    now = now or timezone.now()
    start = window_start(now)
    counters = RateLimitCounter.objects.filter(bucket=bucket, key=key, window_start=start)
    if counters.filter(hits__lt=limit).update(hits=F("hits") + 1):
        return None
    if limit > 0 and not counters.exists():
        try:
            with transaction.atomic():
                RateLimitCounter.objects.create(bucket=bucket, key=key, window_start=start, hits=1)
            return None
        except IntegrityError:  # a concurrent first use created the row
            if counters.filter(hits__lt=limit).update(hits=F("hits") + 1):
                return None
    return max(1, math.ceil((start + WINDOW - now).total_seconds()))


def requester_key(request) -> str:
    """Members count by their id, anonymous visitors by their (hashed) client address."""
    if request.user.is_authenticated:
        return f"member:{request.user.pk}"
    return "client:" + opaque_key("rate-limit", client_address(request))


def too_many_requests(request, retry_after: int):
    response = render(request, "accounts/rate_limited.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(bucket: str, *, per_minute: int | None = None, methods: Iterable[str] | None = None) -> Callable:
    """Limit a view to `per_minute` uses per member and minute (default: `settings.RATE_LIMITS[bucket]`, read
    at request time so that it can be configured); with `methods`, only requests of those methods count."""
    counted = None if methods is None else {method.upper() for method in methods}

    def decorate(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if counted is None or request.method in counted:
                limit = settings.RATE_LIMITS[bucket] if per_minute is None else per_minute
                retry_after = hit(bucket, requester_key(request), limit)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return limited

    return decorate


def delete_passed_windows(now: datetime.datetime | None = None) -> int:
    """The chore: counters of windows that ended long ago."""
    now = now or timezone.now()
    deleted, _counts = RateLimitCounter.objects.filter(window_start__lt=now - KEEP_WINDOWS).delete()
    return deleted
