"""Cursor pages (stable, signed, bounded) and rate limits per token (429 with Retry-After)."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from kaffebro.api.actions import create_token
from kaffebro.network.models import Person
from tests.api.conftest import bearer
from tests.conftest import know

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_contacts(mette):
    for number in range(7):
        know(mette, Person.objects.create(name=f"Kontakt {number:02d}"))
    return mette


def test_a_list_comes_in_pages_to_follow_by_next(mette_api, many_contacts):
    names, url = [], "/api/v1/contacts/?page_size=3"
    while url:
        page = mette_api.get(url).json()
        assert len(page["results"]) <= 3
        names += [row["full_name"] for row in page["results"]]
        url = page["next"]
    assert names == sorted(names) and len(names) == 8  # Jonas and seven more, each once, by name


def test_a_page_links_back(mette_api, many_contacts):
    second = mette_api.get(mette_api.get("/api/v1/contacts/?page_size=3").json()["next"]).json()
    back = mette_api.get(second["previous"]).json()
    assert [row["full_name"] for row in back["results"]] == ["Jonas Berg", "Kontakt 00", "Kontakt 01"]


@pytest.mark.parametrize("cursor", ["garbage", "cD0yMDI2", "a" * 500])
def test_a_forged_cursor_is_a_400_problem(mette_api, many_contacts, cursor):
    response = mette_api.get(f"/api/v1/contacts/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_cursor_is_signed(mette_api, many_contacts):
    """A cursor whose position was changed (here: to start after someone else) is refused, not followed."""
    next_url = mette_api.get("/api/v1/contacts/?page_size=3").json()["next"]
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]
    payload, signature = cursor.split(":", 1)
    position = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**position, "p": "A"}).encode()).decode().rstrip("=")
    assert mette_api.get("/api/v1/contacts/", {"cursor": cursor}).status_code == 200
    assert mette_api.get("/api/v1/contacts/", {"cursor": f"{forged}:{signature}"}).status_code == 400


@pytest.mark.parametrize("size", ["0", "101", "-1", "two", "²", "٣"])
def test_the_page_size_is_bounded(mette_api, size):
    response = mette_api.get(f"/api/v1/contacts/?page_size={size}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


def test_too_many_requests_is_429_with_retry_after(mette, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"read": "2/minute", "write": "1/minute", "search": "1/minute"},
    }
    client = APIClient()
    client.credentials(**bearer(create_token(mette, "busy").value))
    assert [client.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["type"].endswith("#problem-throttled")
    assert client.post("/api/v1/tokens/", {"name": "x"}).status_code == 201  # writes are counted apart
    assert client.post("/api/v1/tokens/", {"name": "y"}).status_code == 429


def test_each_token_has_its_own_count(mette, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"read": "1/minute", "write": "1/minute", "search": "1/minute"},
    }
    first, second = APIClient(), APIClient()
    first.credentials(**bearer(create_token(mette, "a").value))
    second.credentials(**bearer(create_token(mette, "b").value))
    assert first.get("/api/v1/me/").status_code == 200
    assert first.get("/api/v1/me/").status_code == 429
    assert second.get("/api/v1/me/").status_code == 200


def test_a_malformed_rate_stops_the_start(settings):
    from django.core.exceptions import ImproperlyConfigured

    from kaffebro.api.throttling import check_rates

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"read": "lots", "write": "1/minute", "search": "1/minute"},
    }
    with pytest.raises(ImproperlyConfigured, match="API_RATE_READ"):
        check_rates()
