"""Helpers for the network tests: contacts added the way a member adds them, and a few more organisations."""

import pytest

from kaffebro.network import actions
from kaffebro.network.models import Organisation, Posting, Sector


def add(owner, name: str, organisation: str = "", unit: str = "", title: str = "", **fields):
    """Add a contact through the action, as the add-contact form does."""
    return actions.add_contact(
        owner,
        actions.ContactDetails(full_name=name, organisation_name=organisation, unit_name=unit, title=title, **fields),
    )


@pytest.fixture
def novo(db) -> Organisation:
    return Organisation.objects.create(name="Novo Nordisk", aliases=["Novo"], sector=Sector.PRIVATE, industry="pharma")


@pytest.fixture
def posting(region_h, digitalisering) -> Posting:
    return Posting.objects.create(organisation=region_h, unit=digitalisering, title="Dataanalytiker")


@pytest.fixture
def mette_client(client, mette):
    """Mette browsing in English, so the assertions on page text hold once the Danish catalogue is complete."""
    mette.language = "en"
    mette.save(update_fields=["language"])
    client.force_login(mette)
    return client
