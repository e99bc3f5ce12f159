"""Idempotency-Key: the same request sent again gets the first answer and has one effect.

The same key with a different body is refused (422); a request that failed keeps nothing,
so it may be sent again with the key. Old answers are forgotten by `manage.py api_chores`.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from kaffebro.api.models import ApiToken, IdempotencyRecord
from kaffebro.network.models import ContactCard

pytestmark = pytest.mark.django_db

KEY = "6f1c2a4e-2b1d-4c55-9a0e-1f2e3d4c5b6a"


def post_contact(client, name="Karen Vestergaard", key=KEY):
    return client.post("/api/v1/contacts/", {"full_name": name, "strength": 3}, HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_replays_the_answer_and_changes_nothing(mette, mette_api):
    first = post_contact(mette_api)
    again = post_contact(mette_api)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ContactCard.objects.filter(owner=mette, full_name="Karen Vestergaard").count() == 1


def test_the_same_key_with_a_different_body_is_refused(mette, mette_api):
    post_contact(mette_api)
    response = post_contact(mette_api, name="Someone Else")
    assert response.status_code == 422
    assert response.json()["type"].endswith("#problem-idempotency-key-reused")
    assert not ContactCard.objects.filter(owner=mette, full_name="Someone Else").exists()


def test_the_same_key_on_another_address_is_refused(mette_api):
    post_contact(mette_api)
    response = mette_api.post("/api/v1/tokens/", {"name": "x"}, HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 422


def test_keys_are_per_member(mette, lars, mette_api, lars_api):
    post_contact(mette_api)
    assert post_contact(lars_api).status_code == 201
    assert ContactCard.objects.filter(full_name="Karen Vestergaard").count() == 2


def test_a_failed_request_keeps_nothing_so_it_can_be_sent_again(mette, mette_api):
    refused = mette_api.post("/api/v1/contacts/", {"strength": 3}, HTTP_IDEMPOTENCY_KEY=KEY)
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post_contact(mette_api).status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "æøå"])
def test_a_malformed_key_is_a_400(mette_api, key):
    response = post_contact(mette_api, key=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_new_tokens_secret_is_never_stored_nor_replayed(mette, mette_api):
    first = mette_api.post("/api/v1/tokens/", {"name": "Script"}, HTTP_IDEMPOTENCY_KEY=KEY)
    again = mette_api.post("/api/v1/tokens/", {"name": "Script"}, HTTP_IDEMPOTENCY_KEY=KEY)
    secret = first.json()["token"]
    assert secret.startswith("kb_")
    assert again.status_code == 201 and again.json()["token"] is None
    assert again.json()["code"] == first.json()["code"]
    assert secret not in str(IdempotencyRecord.objects.values_list("body", flat=True).get())
    assert ApiToken.objects.filter(user=mette, name="Script").count() == 1


def test_old_answers_are_forgotten(mette, mette_api):
    post_contact(mette_api)
    IdempotencyRecord.objects.update(created=timezone.now() - datetime.timedelta(hours=25))
    call_command("api_chores")
    assert not IdempotencyRecord.objects.exists()


def test_an_expired_key_counts_as_new(mette, mette_api):
    post_contact(mette_api)
    IdempotencyRecord.objects.update(created=timezone.now() - datetime.timedelta(hours=25))
    assert post_contact(mette_api, name="Someone Else").status_code == 201


def test_without_a_key_every_post_counts(mette, mette_api):
    mette_api.post("/api/v1/contacts/", {"full_name": "Karen", "strength": 3})
    mette_api.post("/api/v1/contacts/", {"full_name": "Karen", "strength": 3})
    assert ContactCard.objects.filter(owner=mette, full_name="Karen").count() == 2
