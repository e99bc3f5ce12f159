"""/briefs: the seeker's briefs, saved with a version (a stale save is 409), and the readiness check."""

import pytest

from kaffebro.meetings.models import PrepBrief
from kaffebro.network.models import Target, TargetKind
from tests.meetings.conftest import GOOD_EN

pytestmark = pytest.mark.django_db


def test_a_brief_is_written_read_and_improved_with_its_version(mette_api, mette):
    target = Target.objects.get(seeker=mette)
    created = mette_api.post("/api/v1/briefs/", {"target": target.code, **GOOD_EN})
    assert created.status_code == 201
    brief = created.json()
    assert brief["version"] == 1 and brief["readiness"]["level"] == "ready" and brief["readiness"]["passes"]
    assert brief["target"]["code"] == target.code
    saved = mette_api.put(f"/api/v1/briefs/{brief['code']}/", {**GOOD_EN, "ask": "Et job", "version": 1})
    assert saved.status_code == 200
    assert saved.json()["version"] == 2 and saved.json()["readiness"]["level"] != "ready"
    assert mette_api.get("/api/v1/briefs/").json()["results"][0]["code"] == brief["code"]


def test_a_save_from_an_old_version_is_refused_and_changes_nothing(mette_api, mette, brief):
    mette_api.put(f"/api/v1/briefs/{brief.code}/", {**GOOD_EN, "version": 1})
    stale = mette_api.put(f"/api/v1/briefs/{brief.code}/", {**GOOD_EN, "ask": "Noget andet?", "version": 1})
    assert stale.status_code == 409 and stale.json()["type"].endswith("#problem-conflict")
    assert PrepBrief.objects.get(pk=brief.pk).version == 2
    assert mette_api.post("/api/v1/briefs/", {"target": brief.target.code, **GOOD_EN}).status_code == 409


def test_the_readiness_check_saves_nothing(mette_api, mette):
    target = Target.objects.get(seeker=mette)
    body = mette_api.post("/api/v1/briefs/readiness/", {"target": target.code, "ask": "todo"}).json()
    assert body["level"] == "not_ready"
    assert {"ask", "knowledge", "checklist"} <= {finding["part"] for finding in body["findings"] if finding["blocking"]}
    assert not PrepBrief.objects.exists()


def test_a_part_too_long_for_the_form_is_refused(mette_api, mette):
    target = Target.objects.get(seeker=mette)
    response = mette_api.post("/api/v1/briefs/", {"target": target.code, "knowledge": "ord " * 1000})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "knowledge"


def test_lars_gets_404_for_mettes_brief_and_target(mette, brief, lars_api):
    assert lars_api.get(f"/api/v1/briefs/{brief.code}/").status_code == 404
    assert lars_api.put(f"/api/v1/briefs/{brief.code}/", {**GOOD_EN, "version": 1}).status_code == 404
    target = Target.objects.get(seeker=mette)
    assert lars_api.post("/api/v1/briefs/", {"target": target.code, **GOOD_EN}).status_code == 404
    assert lars_api.post("/api/v1/briefs/readiness/", {"target": target.code}).status_code == 404
    assert lars_api.get("/api/v1/briefs/").json()["results"] == []
    assert PrepBrief.objects.get(pk=brief.pk).version == 1


def test_the_brief_list_reads_a_fixed_number_of_queries(mette_api, mette, brief, django_assert_num_queries):
    mette_api.get("/api/v1/briefs/")
    with django_assert_num_queries(2) as few:  # the token, and the briefs with their targets' places
        mette_api.get("/api/v1/briefs/")
    expected = len(few.captured_queries)
    for number in range(5):
        target = Target.objects.create(
            seeker=mette, kind=TargetKind.FIELD, job_field=f"felt {number}", priority=2 + number
        )
        PrepBrief.objects.create(seeker=mette, target=target, ask="?")
    with django_assert_num_queries(expected):
        assert len(mette_api.get("/api/v1/briefs/").json()["results"]) == 6
