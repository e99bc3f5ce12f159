"""Personal API tokens: shown once, stored only as a digest, listed without the secret, revoked at once.

The web page under the account settings and the API itself make and revoke them through
the same actions; another member's token answers 404.
"""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from kaffebro.api import actions
from kaffebro.api.models import ApiToken
from kaffebro.core.models import Event
from tests.api.conftest import bearer, client_for

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_and_stored_only_as_its_digest(mette):
    new = actions.create_token(mette, "  Mit regneark  ")
    token = ApiToken.objects.get(pk=new.token.pk)
    secret = new.value.removeprefix("kb_")
    assert new.value.startswith("kb_") and len(secret) >= 40
    assert token.name == "Mit regneark"
    assert token.hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert Event.objects.filter(kind="api.token_created", subject=token.code).exists()


def test_the_api_creates_a_token_and_never_shows_its_secret_again(mette_api):
    created = mette_api.post("/api/v1/tokens/", {"name": "Script"})
    assert created.status_code == 201
    assert created.json()["token"].startswith("kb_")
    listed = mette_api.get("/api/v1/tokens/").json()["results"]
    assert {"Script", "tests"} == {row["name"] for row in listed}
    assert all(set(row) == {"code", "name", "prefix", "created", "last_used"} for row in listed)
    assert created.json()["token"] not in str(listed)


def test_a_token_acts_as_its_member(mette, anonymous_api):
    value = actions.create_token(mette, "x").value
    response = anonymous_api.get("/api/v1/me/", **bearer(value))
    assert response.status_code == 200
    assert response.json()["email"] == mette.email


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kb_not-a-real-secret",
        "Bearer nothing-like-ours",
        "Bearer kb_",
        "Bearer",
        "Bearer kb_a kb_b",
        "Bearer kb_æøå",
    ],
)
def test_a_wrong_token_is_401_with_a_challenge(anonymous_api, mette, header):
    response = anonymous_api.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working_at_once(mette, mette_api, anonymous_api):
    value = actions.create_token(mette, "old").value
    code = ApiToken.objects.get(name="old").code
    assert anonymous_api.get("/api/v1/me/", **bearer(value)).status_code == 200
    assert mette_api.delete(f"/api/v1/tokens/{code}/").status_code == 204
    assert ApiToken.objects.get(code=code).revoked is not None
    assert anonymous_api.get("/api/v1/me/", **bearer(value)).status_code == 401
    assert client_for(mette).get("/api/v1/me/").status_code == 200
    assert mette_api.delete(f"/api/v1/tokens/{code}/").status_code == 404


def test_a_member_who_left_has_no_working_token(mette, mette_api):
    mette.is_active = False
    mette.save(update_fields=["is_active"])
    assert mette_api.get("/api/v1/me/").status_code == 401


def test_lars_cannot_see_or_revoke_mettes_token(mette, lars_api):
    code = actions.create_token(mette, "mine").token.code
    assert lars_api.delete(f"/api/v1/tokens/{code}/").status_code == 404
    assert "mine" not in lars_api.get("/api/v1/tokens/").content.decode()
    assert ApiToken.objects.get(code=code).revoked is None


def test_last_used_is_written_at_most_once_a_minute(mette, anonymous_api):
    new = actions.create_token(mette, "x")
    anonymous_api.get("/api/v1/me/", **bearer(new.value))
    first = ApiToken.objects.get(pk=new.token.pk).last_used
    assert first is not None
    anonymous_api.get("/api/v1/me/", **bearer(new.value))
    assert ApiToken.objects.get(pk=new.token.pk).last_used == first
    ApiToken.objects.filter(pk=new.token.pk).update(last_used=first - datetime.timedelta(minutes=2))
    anonymous_api.get("/api/v1/me/", **bearer(new.value))
    assert ApiToken.objects.get(pk=new.token.pk).last_used > first


def test_one_read_with_a_recently_used_token_writes_nothing(mette, anonymous_api, django_assert_num_queries):
    new = actions.create_token(mette, "x")
    ApiToken.objects.filter(pk=new.token.pk).update(last_used=timezone.now())
    with django_assert_num_queries(2):  # the token with its member, and the member's account
        anonymous_api.get("/api/v1/me/", **bearer(new.value))


def test_a_member_has_a_limited_number_of_tokens(mette, settings):
    settings.API_MAX_TOKENS = 2
    actions.create_token(mette, "one")
    actions.create_token(mette, "two")
    with pytest.raises(actions.Refused):
        actions.create_token(mette, "three")


def test_a_token_needs_a_name(mette_api):
    response = mette_api.post("/api/v1/tokens/", {"name": "   "})
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["field"] == "name"


# The web pages under the account settings


def test_the_token_page_shows_a_new_token_once(mette_client):
    page = mette_client.post(reverse("api_tokens:list"), {"name": "Regneark"})
    assert page.status_code == 200
    token = ApiToken.objects.get(name="Regneark")
    shown = page.content.decode()
    assert f"kb_{token.prefix}" in shown
    again = mette_client.get(reverse("api_tokens:list")).content.decode()
    assert "Regneark" in again and f"kb_{token.prefix}…" in again
    secret_start = shown.split('value="kb_', 1)[1].split('"', 1)[0]
    assert len(secret_start) > 30 and secret_start not in again
    assert "no-store" in page["Cache-Control"]


def test_the_token_page_revokes(mette, mette_client):
    token = actions.create_token(mette, "gammel").token
    response = mette_client.post(reverse("api_tokens:revoke", args=[token.code]))
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked is not None
    assert "<td>gammel</td>" not in mette_client.get(reverse("api_tokens:list")).content.decode()


def test_the_token_page_never_shows_or_revokes_someone_elses(mette, lars_client):
    token = actions.create_token(mette, "mettes")
    assert "mettes" not in lars_client.get(reverse("api_tokens:list")).content.decode()
    assert lars_client.post(reverse("api_tokens:revoke", args=[token.token.code])).status_code == 404
    assert ApiToken.objects.get(pk=token.token.pk).revoked is None


def test_the_token_page_needs_a_log_in(client):
    response = client.get(reverse("api_tokens:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_token_list_reads_a_fixed_number_of_queries(mette, mette_api, django_assert_num_queries):
    mette_api.get("/api/v1/tokens/")
    with django_assert_num_queries(2) as few:  # the token used, and the page
        mette_api.get("/api/v1/tokens/")
    expected = len(few.captured_queries)
    for number in range(5):
        actions.create_token(mette, f"token {number}")
    with django_assert_num_queries(expected):
        assert len(mette_api.get("/api/v1/tokens/").json()["results"]) == 6
