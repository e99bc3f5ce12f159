"""GET /postings/places/: where a new posting may go, from the same scope and search as the page `jobs:posting_new`.

Sofie decides in Digitalisering: she is offered Region Hovedstaden, only for Digitalisering (not the whole of
it), whatever she types. Dorte decides in Drift next door and is offered Drift only. Olga (operator) searches
every shared organisation, with all of its units, but never one somebody typed in privately, and finds
nothing before she types. Mette and Lars manage nothing: 403.
"""

import pytest

from kaffebro.network.models import Organisation, Unit

pytestmark = pytest.mark.django_db

URL = "/api/v1/postings/places/"


def places(response) -> dict[str, dict]:
    assert response.status_code == 200, response.json()
    return {row["name"]: row for row in response.json()}


def test_a_decision_maker_is_offered_the_units_where_she_decides(sofie, dorte, region_h, digitalisering, as_member):
    found = places(as_member(sofie).get(URL, {"q": "whatever she types"}))
    assert list(found) == ["Region Hovedstaden"]
    region = found["Region Hovedstaden"]
    assert region["code"] == region_h.code and region["whole"] is False
    assert region["units"] == [{"code": digitalisering.code, "label": "Center for IT / Digitalisering"}]
    dortes = places(as_member(dorte).get(URL))["Region Hovedstaden"]
    assert [unit["label"] for unit in dortes["units"]] == ["Center for IT / Drift"]


def test_an_operator_searches_the_shared_organisations_with_all_their_units(
    olga, lars, region_h, digitalisering, drift, as_member
):
    Organisation.objects.create(name="Region Privat", private_to=olga)
    Organisation.objects.create(name="Region Lars", private_to=lars)
    client = as_member(olga)
    assert client.get(URL).json() == []  # nothing before she types
    found = places(client.get(URL, {"q": "region"}))
    assert list(found) == ["Region Hovedstaden"]
    assert found["Region Hovedstaden"]["whole"] is True
    labels = [unit["label"] for unit in found["Region Hovedstaden"]["units"]]
    assert labels == ["Center for IT", "Center for IT / Digitalisering", "Center for IT / Drift"]
    assert places(client.get(URL, {"q": "RegionH"}))  # another name counts, as on the page
    assert client.get(URL, {"q": "x" * 201}).status_code == 400


def test_who_manages_nothing_gets_403(mette, lars, as_member, anonymous_api):
    assert as_member(mette).get(URL).status_code == 403
    assert as_member(lars).get(URL, {"q": "region"}).status_code == 403
    assert anonymous_api.get(URL).status_code == 401


def test_the_queries_do_not_grow_with_the_organisations_found(olga, region_h, as_member, django_assert_max_num_queries):
    client = as_member(olga)
    with django_assert_max_num_queries(10) as first:
        client.get(URL, {"q": "region"})
    for number in range(6):
        organisation = Organisation.objects.create(name=f"Region {number}")
        Unit.objects.create(organisation=organisation, name="Økonomi")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(client.get(URL, {"q": "region"}).json()) == 7
