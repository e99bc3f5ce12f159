"""Connector settings and blocks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaffebro.network.models import Block, ConnectorSettings, ContactCard, Organisation
from tests.network.conftest import add

pytestmark = pytest.mark.django_db

URL = "network:connector_settings"


def settings_data(**overrides):
    data = {"open_to_introductions": "on", "monthly_limit": 6, "paused_until": "", "contacts_private_by_default": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


class TestSettings:
    def test_page_has_the_settings_subnavigation(self, lars_client):
        response = lars_client.get(reverse(URL))
        html = response.content.decode()
        assert response.status_code == 200
        for name in ("accounts:settings", "accounts:password_change", URL):
            assert f'href="{reverse(name)}"' in html
        assert response.context["settings_form"]["monthly_limit"].value() == 4
        assert not ConnectorSettings.objects.filter(user__email="lars@example.org").exists()

    def test_save(self, lars_client, lars):
        pause = timezone.localdate() + datetime.timedelta(days=10)
        response = lars_client.post(reverse(URL), settings_data(paused_until=pause.isoformat()))
        assert response.status_code == 302
        row = ConnectorSettings.objects.get(user=lars)
        assert (row.open_to_introductions, row.monthly_limit, row.paused_until) == (True, 6, pause)
        assert row.contacts_private_by_default is False

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"monthly_limit": 51}, "monthly_limit"),
            ({"monthly_limit": "x"}, "monthly_limit"),
            ({"paused_until": "2001-01-01"}, "paused_until"),
            ({"paused_until": "not a date"}, "paused_until"),
        ],
    )
    def test_bad_values_are_explained_and_change_nothing(self, lars_client, lars, overrides, field):
        response = lars_client.post(reverse(URL), settings_data(**overrides))
        assert response.status_code == 200
        assert field in response.context["settings_form"].errors
        assert f'id="id_{field}_error"' in response.content.decode()
        assert not ConnectorSettings.objects.filter(user=lars, open_to_introductions=True).exists()


class TestBlocks:
    def test_block_an_organisation_by_name_and_unblock(self, mette_client, mette, region_h):
        response = mette_client.post(reverse("network:block_organisation"), {"organisation": "RegionH"})
        assert response.status_code == 302
        block = Block.objects.get(owner=mette)
        html = mette_client.get(reverse(URL)).content.decode()
        assert "Region Hovedstaden" in html
        mette_client.post(reverse("network:unblock", args=[block.code]))
        assert not Block.objects.exists()

    def test_block_from_the_organisation_page_goes_back(self, mette_client, mette, region_h):
        page = reverse("network:organisation", args=[region_h.code])
        response = mette_client.post(
            reverse("network:block_organisation"), {"organisation": region_h.code, "next": page}
        )
        assert response["Location"] == page
        assert mette_client.get(page).context["blocked"] is True

    def test_block_a_contact_by_name_shows_the_members_own_name(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        card.full_name = "Jonas fra gamle dage"
        card.save()
        mette_client.post(reverse("network:block_person"), {"contact": "jonas fra gamle dage"})
        assert Block.objects.get(owner=mette).person_id == card.person_id
        assert "Jonas fra gamle dage" in mette_client.get(reverse(URL)).content.decode()

    def test_unknown_or_duplicate_blocks_are_explained(self, mette_client, mette, region_h):
        for data in ({"contact": "Birgit Lund"}, {"contact": ""}):
            response = mette_client.post(reverse("network:block_person"), data)
            assert "contact" in response.context["person_form"].errors
        response = mette_client.post(reverse("network:block_organisation"), {"organisation": "Ukendt"})
        assert "organisation" in response.context["organisation_form"].errors
        mette_client.post(reverse("network:block_organisation"), {"organisation": "Region Hovedstaden"})
        response = mette_client.post(reverse("network:block_organisation"), {"organisation": "Region Hovedstaden"})
        assert "already blocked" in str(response.context["organisation_form"].errors)
        assert Block.objects.count() == 1

    def test_another_members_private_organisation_cannot_be_found_to_block(self, mette_client, lars):
        add(lars, "Ole", organisation="Bageriet Holm")
        code = Organisation.objects.get(name="Bageriet Holm").code
        response = mette_client.post(reverse("network:block_organisation"), {"organisation": code})
        assert response.status_code == 200 and not Block.objects.exists()

    def test_blocks_are_paginated(self, mette_client, mette, settings):
        settings.PAGE_SIZE = 2
        for number in range(3):
            Block.objects.create(owner=mette, organisation=Organisation.objects.create(name=f"Firma {number}"))
        response = mette_client.get(reverse(URL))
        assert len(response.context["blocks"].object_list) == 2
        assert response.context["blocks"].paginator.num_pages == 2
