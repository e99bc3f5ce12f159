"""Malformed input never reaches the database as an error: odd codes are 404s, odd search text is just text.

PostgreSQL refuses a NUL byte in any text parameter, so before codes were checked
by their shape these requests answered 500 there (SQLite let them through).
"""

import pytest
from django.urls import reverse

from kaffebro.network import actions
from kaffebro.network.models import ContactCard, Organisation, Position, TargetKind
from tests.network.conftest import add

pytestmark = pytest.mark.django_db

MALFORMED_CODES = ["%00", "abc%00def", "x" * 300, "%27%22%3C", "a.b"]
CODE_PATHS = [
    ("get", "/network/{}/edit/"),
    ("post", "/network/{}/edit/"),
    ("post", "/network/{}/strength/"),
    ("post", "/network/{}/private/"),
    ("get", "/network/{}/delete/"),
    ("post", "/network/{}/delete/"),
    ("get", "/organisations/{}/"),
    ("post", "/profile/targets/{}/remove/"),
    ("post", "/profile/targets/{}/move/"),
    ("post", "/settings/connector/blocks/{}/remove/"),
]


@pytest.mark.parametrize("code", MALFORMED_CODES)
@pytest.mark.parametrize(("method", "path"), CODE_PATHS)
def test_malformed_codes_are_not_found(mette_client, mette, method, path, code):
    cards_before = ContactCard.objects.filter(owner=mette).count()
    response = getattr(mette_client, method)(path.format(code), {"strength": "3", "direction": "up"})
    assert response.status_code == 404
    assert ContactCard.objects.filter(owner=mette).count() == cards_before


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"organisation": "\x00"},
        {"organisation": "x" * 5000},
        {"q": "a" * 5000, "page": "\x00"},
    ],
)
def test_odd_search_text_on_the_contacts_list(mette_client, query):
    response = mette_client.get(reverse("network:contacts"), query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "field"),
    [("network:contact_suggestions", "contact"), ("network:organisation_suggestions", "organisation")],
)
def test_suggestions_ignore_a_nul_byte(mette_client, mette, name, field):
    add(mette, "Karen Dahl", organisation="Novo Nordisk")
    response = mette_client.get(reverse(name), {field: "Ka\x00ren" if field == "contact" else "No\x00vo"})
    assert response.status_code == 200
    assert "<option" in response.content.decode()


def test_a_code_from_the_filter_link_still_selects_its_organisation(mette_client, mette, region_h):
    """The organisation page links to the filtered list by code; a well-formed code is still honoured."""
    add(mette, "Karen Dahl", organisation="Region Hovedstaden")
    response = mette_client.get(reverse("network:contacts"), {"organisation": region_h.code})
    assert response.context["form"].selected_organisation() == region_h


def test_target_buttons_are_named_after_their_target(mette_client, mette):
    """Three targets give nine buttons; each one says which target it moves or removes."""
    for job_field in ("Data", "Jura", "Byggeri"):
        actions.add_target(mette, TargetKind.FIELD, job_field=job_field)
    html = mette_client.get(reverse("network:profile")).content.decode()
    for target in mette.targets.all():
        assert f'aria-labelledby="remove-{target.code} target-{target.code}"' in html
        assert f'id="target-{target.code}"' in html


def test_a_shared_organisation_wins_over_the_members_own_of_the_same_name(mette, novo):
    """PostgreSQL sorts NULL last and SQLite first; the shared organisation must win on both."""
    Organisation.objects.create(name="Novo Nordisk", private_to=mette)
    card = add(mette, "Karen Dahl", organisation="novo nordisk")
    assert Position.objects.get(person=card.person).organisation == novo
