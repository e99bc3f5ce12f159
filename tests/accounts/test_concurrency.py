"""Sixteen requests at once against the log-in protection: each limit and each code holds exactly.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from kaffebro.accounts import actions, throttle, totp
from kaffebro.accounts.models import Authenticator, LoginThrottle, RateLimitCounter, ThrottleScope
from kaffebro.accounts.ratelimit import hit
from kaffebro.core.models import Event
from tests import concurrency
from tests.conftest import make_member

THREADS = 16

pytestmark = concurrency.POSTGRES_ONLY


def race(action) -> tuple[list, list]:
    return concurrency.race(action, refusals=(ValidationError,))


def test_a_rate_limit_admits_exactly_its_number():
    done, _refused = race(lambda: hit("paths", "member:1", 5))
    assert sum(wait is None for wait in done) == 5
    assert RateLimitCounter.objects.get().hits == 5


def test_every_concurrent_failure_is_counted_and_cool_offs_start_one_at_a_time():
    race(lambda: throttle.note_failure("mette@example.org", "192.0.2.1"))
    email = LoginThrottle.objects.get(scope=ThrottleScope.EMAIL)
    started = Event.objects.filter(kind="accounts.login_cooled_off", data__scope="email").count()
    assert started == email.cool_offs >= 1
    assert email.failures + 5 * email.cool_offs == THREADS


def test_a_code_logs_in_once():
    mette = make_member("mette@example.org", "Mette Kristensen")
    secret = totp.new_secret()
    now = timezone.now()
    Authenticator.objects.create(member=mette, secret=secret, last_used_step=totp.step_at(now) - 2)
    code = totp.code_at(secret, now)
    done, refused = race(lambda: actions.pass_second_factor(mette, code, now))
    assert done == ["authenticator"] and len(refused) == THREADS - 1


def test_a_recovery_code_logs_in_once():
    mette = make_member("mette@example.org", "Mette Kristensen")
    secret = totp.new_secret()
    codes = actions.enable_two_factor(mette, secret=secret, code=totp.code_at(secret, timezone.now()))
    done, refused = race(lambda: actions.pass_second_factor(mette, codes[0]))
    assert done == ["recovery_code"] and len(refused) == THREADS - 1
    assert Event.objects.filter(kind="accounts.recovery_code_used").count() == 1


def test_two_factor_is_turned_on_once():
    mette = make_member("mette@example.org", "Mette Kristensen")
    secret = totp.new_secret()
    now = timezone.now()
    code = totp.code_at(secret, now)
    done, refused = race(lambda: actions.enable_two_factor(mette, secret=secret, code=code, now=now))
    assert len(done) == 1 and len(refused) == THREADS - 1
    assert Event.objects.filter(kind="accounts.two_factor_enabled").count() == 1
