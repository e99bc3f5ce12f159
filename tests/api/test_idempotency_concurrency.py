"""Sixteen clients sending the same token creation with the same Idempotency-Key at once: one token, one answer.

Runs on PostgreSQL only (a real race between connections; SQLite runs one writer at a time):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_h8
"""

import threading

import pytest
from django.db import connection

from kaffebro.api.actions import create_token
from kaffebro.api.models import ApiToken, IdempotencyRecord
from kaffebro.core.models import Event
from tests.api.conftest import bearer

THREADS = 16
KEY = "9b2f8c1e-0000-4000-8000-000000000016"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_h8",
    ),
]


def race(send) -> list:
    barrier = threading.Barrier(THREADS)
    answers, errors = [], []

    def one():
        try:
            barrier.wait(timeout=30)
            answers.append(send())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers


def test_sixteen_creations_with_one_key_make_one_token(mette):
    from rest_framework.test import APIClient

    credentials = bearer(create_token(mette, "caller").value)

    def send():
        client = APIClient()
        return client.post("/api/v1/tokens/", {"name": "Once"}, HTTP_IDEMPOTENCY_KEY=KEY, **credentials)

    answers = race(send)
    assert sorted(answer.status_code for answer in answers) == [201] * THREADS
    assert len({answer.json()["code"] for answer in answers}) == 1
    assert sum(1 for answer in answers if answer.json()["token"]) == 1  # the secret, shown once
    assert ApiToken.objects.filter(user=mette, name="Once").count() == 1
    assert Event.objects.filter(kind="api.token_created", actor=mette).count() == 2  # the caller's and this one
    assert IdempotencyRecord.objects.filter(user=mette, key=KEY).count() == 1
