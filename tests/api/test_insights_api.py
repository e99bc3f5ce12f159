"""/insights: the same figures as the insights pages, with the same groups hidden, for whom each is meant.

Every member reads her own; Birthe (a coach) her caseload; Olga (an operator) all seekers. Anyone
else gets 403 (the pages exist for everyone, so refusing hides nothing); nobody anonymous gets in.
"""

import pytest

from kaffebro.jobs.models import CoachAccess

pytestmark = pytest.mark.django_db


def test_every_member_reads_her_own(mette, as_member):
    report = as_member(mette).get("/api/v1/insights/mine/").json()
    assert report["scope"] == "own" and report["sections"]
    cells = [cell for section in report["sections"] for row in section["table"]["rows"] for cell in row["cells"]]
    assert cells and all(set(cell) == {"value", "unit", "text"} for cell in cells)


def test_a_small_caseload_is_hidden_as_on_the_page(mette, birthe, as_member):
    CoachAccess.objects.create(seeker=mette, coach=birthe)
    report = as_member(birthe).get("/api/v1/insights/caseload/").json()
    assert report["scope"] == "caseload" and report["minimum_group"] >= 5
    assert report["seekers"]["value"] is None  # one seeker: too few to show
    values = [
        cell["value"] for section in report["sections"] for row in section["table"]["rows"] for cell in row["cells"]
    ]
    assert values and all(value is None for value in values)


def test_the_operator_reads_all_seekers(olga, mette, as_member):
    report = as_member(olga).get("/api/v1/insights/").json()
    assert report["scope"] == "all" and report["seekers"]["value"] is None


def test_who_is_refused(mette, lars, as_member, anonymous_api):
    assert as_member(lars).get("/api/v1/insights/caseload/").status_code == 403
    assert as_member(mette).get("/api/v1/insights/").status_code == 403
    for path in ("/api/v1/insights/", "/api/v1/insights/mine/", "/api/v1/insights/caseload/"):
        assert anonymous_api.get(path).status_code == 401
