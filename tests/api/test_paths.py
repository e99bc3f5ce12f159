"""/paths?target=CODE: ways in with the pages' privacy — a person who is not a member has no name here either."""

import pytest

from kaffebro.network.models import Target

pytestmark = pytest.mark.django_db


def test_mettes_ways_in_to_her_target(mette_api, mette, karen):
    target = Target.objects.get(seeker=mette)
    body = mette_api.get("/api/v1/paths/", {"target": target.code}).json()
    assert body["target"] == {"kind": "target", "code": target.code, "name": "Digitalisering, Region Hovedstaden"}
    assert body["count"] >= 1 and body["paths"]
    best = body["paths"][0]
    assert best["steps"][0]["name"] == "Jonas Berg" and best["steps"][0]["is_member"] is True
    assert best["way"]  # Jonas is a member who introduces: a request can start here
    assert all(factor["label"] for factor in best["factors"])


def test_a_person_who_is_not_a_member_stays_unnamed(mette_api, mette, karen):
    body = mette_api.get("/api/v1/paths/", {"target": Target.objects.get(seeker=mette).code, "k": 50})
    karens = [way for way in body.json()["paths"] if not way["steps"][-1]["is_member"]]
    assert karens and all(way["steps"][-1]["name"] is None for way in karens)
    assert "Karen" not in body.content.decode()


def test_an_organisation_code_works_too(mette_api, region_h):
    body = mette_api.get("/api/v1/paths/", {"target": region_h.code, "k": 1}).json()
    assert body["target"]["kind"] == "organisation" and len(body["paths"]) <= 1


def test_lars_gets_404_for_mettes_target(mette, lars_api):
    response = lars_api.get("/api/v1/paths/", {"target": Target.objects.get(seeker=mette).code})
    assert response.status_code == 404


@pytest.mark.parametrize("query", [{}, {"target": "x" * 40}, {"target": "Zq7madeUpX9k", "k": 0}, {"k": "many"}])
def test_a_bad_query_is_a_400_or_a_404(mette_api, query):
    assert mette_api.get("/api/v1/paths/", query).status_code in (400, 404)


def test_a_code_nobody_has_is_404(mette_api):
    assert mette_api.get("/api/v1/paths/", {"target": "Zq7madeUpX9k"}).status_code == 404
