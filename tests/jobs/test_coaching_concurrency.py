"""Sixteen clicks on "let this coach follow my search" at once: exactly one access, one event.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write
and has no row-level locking, so the race cannot be shown there.
"""

import threading

import pytest
from django.db import connection

from kaffebro.core.models import Event
from kaffebro.jobs.actions import coaching as actions
from kaffebro.jobs.models import CoachAccess

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

    def click():
        try:
            barrier.wait(timeout=30)
            done.append(action())
        except actions.Refused as refusal:
            refused.append(refusal)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


def test_sixteen_grants_make_one_open_access(mette, birthe):
    done, refused = race(lambda: actions.grant_coach_access(mette, birthe.email))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert CoachAccess.objects.filter(seeker=mette, coach=birthe, withdrawn__isnull=True).count() == 1
    assert Event.objects.filter(kind="coaching.grant").count() == 1


def test_sixteen_withdrawals_withdraw_once(mette, birthe):
    grant = actions.grant_coach_access(mette, birthe.email)
    done, refused = race(lambda: actions.withdraw_coach_access(mette, grant))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert Event.objects.filter(kind="coaching.withdraw").count() == 1
