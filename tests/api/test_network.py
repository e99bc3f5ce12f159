"""/targets, /contacts and /organisations: the member's own, never anyone else's, by the network's rules.

Lars is the stranger: every one of Mette's codes answers him 404 and changes nothing.
"""

import pytest

from kaffebro.network.models import ContactCard, Organisation, Person, Position, Target, Tie, Unit
from tests.conftest import know

pytestmark = pytest.mark.django_db


# Targets


def test_targets_are_listed_most_wanted_first(mette_api, mette, region_h):
    Target.objects.create(seeker=mette, kind="organisation", organisation=region_h, priority=2)
    rows = mette_api.get("/api/v1/targets/").json()
    assert [row["kind"] for row in rows] == ["unit", "organisation"]
    assert rows[0]["unit"]["name"] == "Digitalisering" and rows[0]["organisation"]["name"] == "Region Hovedstaden"


def test_a_target_is_added_by_name_or_code_and_moved(mette_api, mette, region_h):
    added = mette_api.post("/api/v1/targets/", {"kind": "organisation", "organisation": "RegionH"})
    assert added.status_code == 201 and added.json()["priority"] == 2
    field = mette_api.post("/api/v1/targets/", {"kind": "field", "job_field": "dataanalyse", "region": "hovedstaden"})
    code = field.json()["code"]
    moved = mette_api.post(f"/api/v1/targets/{code}/move/", {"direction": "up"}).json()
    assert moved == {"moved": True, "target": {**moved["target"], "priority": 2}}
    at_top = mette_api.post(f"/api/v1/targets/{code}/move/", {"direction": "up"}).json()
    assert (
        at_top["moved"]
        and mette_api.post(f"/api/v1/targets/{code}/move/", {"direction": "up"}).json()["moved"] is False
    )
    assert mette_api.delete(f"/api/v1/targets/{code}/").status_code == 204
    assert [row["kind"] for row in mette_api.get("/api/v1/targets/").json()] == ["unit", "organisation"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "organisation", "organisation": "Ukendt A/S"}, "organisation"),
        ({"kind": "field", "job_field": ""}, "job_field"),
        ({"kind": "planet"}, "kind"),
        ({"kind": "unit", "organisation": "Region Hovedstaden", "unit": "Nowhere"}, "unit"),
    ],
)
def test_a_bad_target_is_refused_with_the_forms_reason(mette_api, mette, region_h, body, field):
    response = mette_api.post("/api/v1/targets/", body)
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert Target.objects.filter(seeker=mette).count() == 1


def test_another_members_private_organisation_is_not_a_target(mette_api, lars):
    Organisation.objects.create(name="Lars' Hemmelige Firma", private_to=lars)
    assert (
        mette_api.post(
            "/api/v1/targets/", {"kind": "organisation", "organisation": "Lars' Hemmelige Firma"}
        ).status_code
        == 400
    )


def test_lars_gets_404_for_mettes_target(mette, lars_api):
    code = Target.objects.get(seeker=mette).code
    assert lars_api.get(f"/api/v1/targets/{code}/").status_code == 404
    assert lars_api.delete(f"/api/v1/targets/{code}/").status_code == 404
    assert lars_api.post(f"/api/v1/targets/{code}/move/", {"direction": "up"}).status_code == 404
    assert lars_api.get("/api/v1/targets/").json() == []
    assert Target.objects.filter(code=code).exists()


# Contacts


def test_contacts_are_the_members_own_with_their_tie(mette_api, mette):
    rows = mette_api.get("/api/v1/contacts/").json()["results"]
    assert [row["full_name"] for row in rows] == ["Jonas Berg"]
    assert rows[0]["strength"] == 5 and rows[0]["how_known"] == "former_colleague" and rows[0]["since"] == "2019-05-01"


def test_contacts_are_searched_and_filtered_by_organisation(mette_api, mette, region_h):
    know(mette, Person.objects.create(name="Karen Vestergaard"), organisation=region_h, title="Dataarkitekt")
    karen = Person.objects.get(name="Karen Vestergaard")
    Position.objects.create(person=karen, organisation=region_h, recorded_by=mette)
    assert [row["full_name"] for row in mette_api.get("/api/v1/contacts/", {"q": "arkitekt"}).json()["results"]] == [
        "Karen Vestergaard"
    ]
    filtered = mette_api.get("/api/v1/contacts/", {"organisation": region_h.code}).json()["results"]
    assert [row["full_name"] for row in filtered] == ["Karen Vestergaard"]
    assert mette_api.get("/api/v1/contacts/", {"organisation": "Zq7madeUpX9k"}).status_code == 400


def test_the_contact_list_reads_a_fixed_number_of_queries(mette_api, mette, django_assert_num_queries):
    mette_api.get("/api/v1/contacts/")  # the first request of a token also notes when it was used
    with django_assert_num_queries(2) as few:  # the token with its member, and the page with each tie
        mette_api.get("/api/v1/contacts/")
    expected = len(few.captured_queries)
    for number in range(20):
        know(mette, Person.objects.create(name=f"Kontakt {number}"))
    with django_assert_num_queries(expected):
        assert len(mette_api.get("/api/v1/contacts/").json()["results"]) == 21


def test_a_contact_is_added_edited_and_deleted(mette_api, mette):
    added = mette_api.post(
        "/api/v1/contacts/",
        {"first_name": "Karen", "last_name": "Vestergaard", "organisation_name": "Region Hovedstaden", "strength": 4},
    )
    assert added.status_code == 201
    card = added.json()
    assert card["full_name"] == "Karen Vestergaard"
    assert card["is_private"] is True  # none given: Mette's connector setting decides (private by default)
    code = card["code"]
    edited = mette_api.patch(f"/api/v1/contacts/{code}/", {"title": "Datachef", "is_private": False})
    assert edited.json()["title"] == "Datachef" and edited.json()["is_private"] is False
    assert edited.json()["organisation_name"] == "Region Hovedstaden" and edited.json()["strength"] == 4
    assert mette_api.delete(f"/api/v1/contacts/{code}/").status_code == 204
    assert not ContactCard.objects.filter(code=code).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"strength": 3}, "full_name"),
        ({"full_name": "X", "since": "2999-01-01"}, "since"),
        ({"full_name": "X", "unit_name": "IT"}, "organisation_name"),
        ({"full_name": "X", "email": "not an address"}, "email"),
        ({"full_name": "X\x00"}, "full_name"),
    ],
)
def test_a_bad_contact_is_refused_and_nothing_is_written(mette_api, mette, body, field):
    response = mette_api.post("/api/v1/contacts/", body)
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert ContactCard.objects.filter(owner=mette).count() == 1


def test_lars_never_sees_or_touches_mettes_cards(mette, lars_api, lars):
    card = ContactCard.objects.get(owner=mette)
    assert lars_api.get(f"/api/v1/contacts/{card.code}/").status_code == 404
    assert lars_api.patch(f"/api/v1/contacts/{card.code}/", {"notes": "mine now"}).status_code == 404
    assert lars_api.delete(f"/api/v1/contacts/{card.code}/").status_code == 404
    assert [row["full_name"] for row in lars_api.get("/api/v1/contacts/").json()["results"]] == ["Birgit Lund"]
    assert "Jonas" not in lars_api.get("/api/v1/contacts/", {"q": "Jonas"}).content.decode()
    card.refresh_from_db()
    assert card.notes == "" and Tie.objects.filter(owner=mette).count() == 1


# Organisations


def test_organisations_are_searched_with_first_degree_counts(mette_api, mette, jonas, region_h, sofie):
    Organisation.objects.create(name="Novo Nordisk", sector="private", industry="pharma")
    found = mette_api.get("/api/v1/organisations/", {"q": "regionh"}).json()["results"]
    assert [row["name"] for row in found] == ["Region Hovedstaden"]
    jonas_api_count = found[0]["first_degree"]
    assert jonas_api_count == 0
    public = mette_api.get("/api/v1/organisations/", {"sector": "public"}).json()["results"]
    assert [row["name"] for row in public] == ["Region Hovedstaden"]
    assert mette_api.get("/api/v1/organisations/", {"sector": "galactic"}).status_code == 400


def test_an_organisation_shows_its_units_as_a_tree(mette_api, region_h, center_for_it, digitalisering):
    body = mette_api.get(f"/api/v1/organisations/{region_h.code}/").json()
    units = {unit["name"]: unit["parent"] for unit in body["units"]}
    assert units == {"Center for IT": None, "Digitalisering": center_for_it.code}
    assert body["blocked"] is False and body["contacts_here"] == []


def test_a_private_organisation_is_its_owners_alone(mette, mette_api, lars_api):
    hideaway = Organisation.objects.create(name="Mettes Hemmelige Café", private_to=mette)
    Unit.objects.create(organisation=hideaway, name="Baglokalet")
    assert mette_api.get(f"/api/v1/organisations/{hideaway.code}/").status_code == 200
    assert lars_api.get(f"/api/v1/organisations/{hideaway.code}/").status_code == 404
    assert "Hemmelige" not in lars_api.get("/api/v1/organisations/", {"q": "Hemmelige"}).content.decode()


def test_the_organisation_list_reads_a_fixed_number_of_queries(mette_api, django_assert_num_queries, region_h):
    mette_api.get("/api/v1/organisations/")
    with django_assert_num_queries(3) as few:  # the token, the page, and the contacts counted per organisation
        mette_api.get("/api/v1/organisations/")
    expected = len(few.captured_queries)
    for number in range(15):
        Organisation.objects.create(name=f"Firma {number}")
    with django_assert_num_queries(expected):
        assert len(mette_api.get("/api/v1/organisations/").json()["results"]) == 16


def test_the_target_list_reads_a_fixed_number_of_queries(mette_api, mette, region_h, django_assert_num_queries):
    mette_api.get("/api/v1/targets/")
    with django_assert_num_queries(2) as few:  # the token, and the targets with their places
        mette_api.get("/api/v1/targets/")
    expected = len(few.captured_queries)
    for number in range(5):
        Target.objects.create(seeker=mette, kind="field", job_field=f"felt {number}", priority=2 + number)
    Target.objects.create(seeker=mette, kind="organisation", organisation=region_h, priority=9)
    with django_assert_num_queries(expected):
        assert len(mette_api.get("/api/v1/targets/").json()) == 7
