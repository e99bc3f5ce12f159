"""The API tests' cast: Mette and Lars (tests/conftest.py), each with a personal token and a client that sends it.

`as_member(user)` is a client acting with a fresh token of that member. Lars is the stranger
who must get 404 for every one of Mette's things.
"""

import pytest
from rest_framework.test import APIClient

from kaffebro.api.actions import create_token
from tests.jobs.conftest import (  # noqa: F401  (the jobs cast, and the share cast of tests/api/test_jobs_shares.py)
    birthe,
    coached,
    consent,
    dorte,
    drift,
    in_play_cast,
    kim,
    opening,
    per,
    rows,
    share,
)
from tests.meetings.conftest import brief, karen, target  # noqa: F401  (the meetings tests' cast, shared here)


def bearer(value: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(**bearer(create_token(user, "tests").value))
    return client


@pytest.fixture
def as_member():
    return client_for


@pytest.fixture
def mette_api(mette) -> APIClient:
    return client_for(mette)


@pytest.fixture
def lars_api(lars) -> APIClient:
    return client_for(lars)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()
