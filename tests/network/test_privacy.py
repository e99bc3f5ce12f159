"""Who may not: Lars never reaches Mette's things, and anonymous visitors go to log in."""

import pytest
from django.conf import settings
from django.urls import reverse

from kaffebro.core.models import Event
from kaffebro.network import actions
from kaffebro.network.models import Block, ContactCard, Target, Tie

pytestmark = pytest.mark.django_db


@pytest.fixture
def mettes_things(mette, region_h):
    """Codes of Mette's contact, target and block."""
    return {
        "contact": ContactCard.objects.get(owner=mette).code,
        "target": Target.objects.get(seeker=mette).code,
        "block": actions.block_organisation(mette, region_h).code,
    }


def snapshot(mette):
    return (
        list(ContactCard.objects.filter(owner=mette).values()),
        list(Tie.objects.filter(owner=mette).values()),
        list(Target.objects.filter(seeker=mette).values()),
        list(Block.objects.filter(owner=mette).values()),
    )


OWNED = [
    ("get", "network:edit_contact", "contact", {}),
    ("post", "network:edit_contact", "contact", {"full_name": "Hacked", "strength": 1}),
    ("post", "network:rate_contact", "contact", {"strength": 1}),
    ("post", "network:set_contact_private", "contact", {"private": "1"}),
    ("get", "network:delete_contact", "contact", {}),
    ("post", "network:delete_contact", "contact", {}),
    ("post", "network:move_target", "target", {"direction": "down"}),
    ("post", "network:remove_target", "target", {}),
    ("post", "network:unblock", "block", {}),
]


@pytest.mark.parametrize(("method", "name", "kind", "data"), OWNED, ids=[f"{m}-{n}" for m, n, _k, _d in OWNED])
def test_stranger_gets_404_and_nothing_changes(lars_client, mette, mettes_things, method, name, kind, data):
    before, events = snapshot(mette), Event.objects.count()
    response = getattr(lars_client, method)(reverse(name, args=[mettes_things[kind]]), data)
    assert response.status_code == 404
    assert snapshot(mette) == before and Event.objects.count() == events


def test_stranger_cannot_block_mettes_contact_by_code(lars_client, mette, mettes_things):
    response = lars_client.post(reverse("network:block_person"), {"contact": mettes_things["contact"]})
    assert response.status_code == 200 and "contact" in response.context["person_form"].errors
    assert not Block.objects.filter(owner__email="lars@example.org").exists()


def test_stranger_cannot_target_with_nor_see_mettes_data(lars_client, mette, mettes_things):
    for name in ("network:dashboard", "network:contacts", "network:profile", "network:connector_settings"):
        html = lars_client.get(reverse(name)).content.decode()
        assert "Jonas" not in html and "Mette" not in html and "Udviklingskonsulent" not in html


ALL_PAGES = [
    ("get", "network:dashboard", None),
    ("get", "network:contacts", None),
    ("get", "network:add_contact", None),
    ("post", "network:add_contact", None),
    ("get", "network:contact_suggestions", None),
    ("get", "network:edit_contact", "contact"),
    ("post", "network:rate_contact", "contact"),
    ("post", "network:set_contact_private", "contact"),
    ("post", "network:delete_contact", "contact"),
    ("get", "network:organisations", None),
    ("get", "network:organisation_suggestions", None),
    ("get", "network:profile", None),
    ("post", "network:add_target", None),
    ("post", "network:remove_target", "target"),
    ("post", "network:move_target", "target"),
    ("get", "network:connector_settings", None),
    ("post", "network:block_organisation", None),
    ("post", "network:block_person", None),
    ("post", "network:unblock", "block"),
]


@pytest.mark.parametrize(("method", "name", "kind"), ALL_PAGES, ids=[f"{m}-{n}" for m, n, _k in ALL_PAGES])
def test_anonymous_goes_to_log_in(client, mette, mettes_things, method, name, kind):
    before = snapshot(mette)
    url = reverse(name, args=[mettes_things[kind]] if kind else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert snapshot(mette) == before


def test_anonymous_cannot_see_an_organisation(client, region_h):
    response = client.get(reverse("network:organisation", args=[region_h.code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
