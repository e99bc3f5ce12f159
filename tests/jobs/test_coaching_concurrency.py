"""Sixteen clicks on "let this coach follow my search" at once: exactly one access, one event.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write
and has no row-level locking, so the race cannot be shown there.
"""

from kaffebro.core.models import Event
from kaffebro.jobs.actions import coaching as actions
from kaffebro.jobs.models import CoachAccess
from tests import concurrency

THREADS = 16

pytestmark = concurrency.POSTGRES_ONLY


def test_sixteen_grants_make_one_open_access(mette, birthe):
    done, refused = concurrency.race(lambda: actions.grant_coach_access(mette, birthe.email))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert CoachAccess.objects.filter(seeker=mette, coach=birthe, withdrawn__isnull=True).count() == 1
    assert Event.objects.filter(kind="coaching.grant").count() == 1


def test_sixteen_withdrawals_withdraw_once(mette, birthe):
    grant = actions.grant_coach_access(mette, birthe.email)
    done, refused = concurrency.race(lambda: actions.withdraw_coach_access(mette, grant))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert Event.objects.filter(kind="coaching.withdraw").count() == 1
