"""Many people clicking the same button at once, for the exactly-once tests of every app.

They run on PostgreSQL only (real row locks between connections); SQLite serialises every write
and has no row-level locking, so a race cannot be shown there.
"""

import threading

import pytest
from django.db import connection

from kaffebro.network.actions import Refused

THREADS = 16

POSTGRES_ONLY = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks between connections; "
        "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_ci",
    ),
]


def race(action, *, threads: int = THREADS, refusals=(Refused,)) -> tuple[list, list]:
    """Run `action()` in `threads` threads released at once; the results and the refusals.

    Any other exception fails the test: a race must end in one effect and polite refusals, never a crash.
    """
    barrier = threading.Barrier(threads)
    done, refused, errors = [], [], []

    def click():
        try:
            barrier.wait(timeout=30)
            done.append(action())
        except refusals as refusal:
            refused.append(refusal)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=click) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return done, refused
