"""Rate limits per token (or per member on the web session), in three scopes.

`read` for GET, `write` for everything that changes something, `search` for path
searches (the most expensive reads). The rates come from the environment
(`API_RATE_READ`, `API_RATE_WRITE`, `API_RATE_SEARCH`, e.g. `300/minute`) and are read
at each request, so a test can change them. Anonymous requests are refused (401)
before any limit is counted: they never reach any work.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from kaffebro.api.models import ApiToken

SCOPES = {"read": "API_RATE_READ", "write": "API_RATE_WRITE", "search": "API_RATE_SEARCH"}
PERIODS = {"s", "m", "h", "d"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def parse_rate(rate: str) -> tuple[int, str]:
    """`300/minute` → (300, "m"); ValueError for anything else."""
    count, _slash, period = str(rate).partition("/")
    if not count.isdigit() or int(count) < 1 or period[:1] not in PERIODS:
        raise ValueError(rate)
    return int(count), period[0]


def check_rates() -> None:
    """Stop at start-up on a malformed rate, naming the variable, instead of failing on the first request."""
    rates = api_settings.DEFAULT_THROTTLE_RATES
    for scope, variable in SCOPES.items():
        try:
            parse_rate(rates[scope])
        except (KeyError, ValueError):
            raise ImproperlyConfigured(
                f"{variable}={rates.get(scope)!r} is not a rate; write it as a count per second, minute, hour "
                f"or day, e.g. 300/minute."
            ) from None


def scope_of(request, view) -> str:
    return getattr(view, "throttle_scope", None) or ("read" if request.method in SAFE_METHODS else "write")


class MemberRateThrottle(SimpleRateThrottle):
    """Counts each token (or each member's session) separately, per scope."""

    def __init__(self):
        """The scope depends on the request, so the rate is read in `allow_request`."""

    def allow_request(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return True
        self.scope = scope_of(request, view)
        self.rate = api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        auth = request.auth
        ident = f"token:{auth.code}" if isinstance(auth, ApiToken) else f"member:{request.user.code}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
