"""Sixteen requests at once against the log-in protection: each limit and each code holds exactly.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from kaffebro.accounts import actions, throttle, totp
from kaffebro.accounts.models import Authenticator, LoginThrottle, RateLimitCounter, ThrottleScope
from kaffebro.accounts.ratelimit import hit
from kaffebro.core.models import Event
from tests.conftest import make_member

THREADS = 16

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks between connections; "
        "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_ci",
    ),
]


def race(action) -> tuple[list, list]:
    """Run `action()` in 16 threads released at once; the results and the refusals."""
    barrier = threading.Barrier(THREADS)
    done, refused, errors = [], [], []

    def attempt():
        try:
            barrier.wait(timeout=30)
            done.append(action())
        except ValidationError as refusal:
            refused.append(refusal)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


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
