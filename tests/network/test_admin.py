"""Operators maintain reference data and never see what members wrote on their contact cards."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kaffebro.network.models import ContactCard
from tests.conftest import log_in_with_second_factor
from tests.network.conftest import add

pytestmark = pytest.mark.django_db


@pytest.fixture
def olga_client(client, olga):
    olga.is_superuser = True
    olga.save()
    log_in_with_second_factor(client, olga)
    return client


def test_person_list_shows_counts_not_card_fields(olga_client, mette):
    card = add(mette, "Karen Dahl", organisation="Hemmeligt Firma", title="Hemmelig titel", notes="Privat note")
    ContactCard.objects.filter(pk=card.pk).update(email="karen@example.org", phone="12345678")
    for url in (
        reverse("admin:network_person_changelist"),
        reverse("admin:network_person_change", args=[card.person_id]),
    ):
        html = olga_client.get(url).content.decode()
        for secret in ("karen@example.org", "12345678", "Hemmelig titel", "Privat note"):
            assert secret not in html


def test_organisation_admin_has_units_inline(olga_client, region_h, digitalisering):
    response = olga_client.get(reverse("admin:network_organisation_change", args=[region_h.pk]))
    assert response.status_code == 200 and "Digitalisering" in response.content.decode()
    assert olga_client.get(reverse("admin:network_organisation_changelist")).status_code == 200
    assert olga_client.get(reverse("admin:network_posting_changelist")).status_code == 200


def test_contact_cards_have_no_admin():
    assert ContactCard not in admin.site._registry
