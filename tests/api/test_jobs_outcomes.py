"""/outcomes, /pipeline and /coaching: Mette's results and stages, and what Birthe (her coach) may follow.

Kim is a coach Mette never chose (404 for her, an empty caseload); Lars is no coach (403 on the
caseload) and sees none of her outcomes (404). Sofie records an outcome only for a candidate
suggested to her.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaffebro.core.models import AccessKind, AccessLog
from kaffebro.jobs.models import CoachAccess, CoachNote, Outcome
from tests.conftest import make_member
from tests.jobs.conftest import suggestion_of

pytestmark = pytest.mark.django_db


def yesterday() -> str:
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def test_she_records_lists_and_deletes_an_outcome(mette, target, as_member):
    client = as_member(mette)
    pipeline = client.get("/api/v1/pipeline/").json()
    row = pipeline["targets"][0]
    assert row["target"] == target.code and row["next_step"]
    assert [credit["value"] for credit in row["credits"]] == ["advertised"]
    body = {"target": target.code, "kind": "applied", "date": yesterday(), "credit": "advertised"}
    made = client.post("/api/v1/outcomes/", body, HTTP_IDEMPOTENCY_KEY="o-1")
    assert made.status_code == 201, made.json()
    assert client.post("/api/v1/outcomes/", body, HTTP_IDEMPOTENCY_KEY="o-1").json() == made.json()
    assert Outcome.objects.count() == 1
    assert client.post("/api/v1/outcomes/", body).status_code in (409, 422)  # the same outcome twice
    code = made.json()["code"]
    assert [row["code"] for row in client.get("/api/v1/outcomes/").json()["results"]] == [code]
    assert client.get("/api/v1/pipeline/").json()["targets"][0]["stage"] == "applied"
    assert client.delete(f"/api/v1/outcomes/{code}/").status_code == 204
    assert not Outcome.objects.exists()


def test_bad_outcomes_change_nothing(mette, target, lars, as_member):
    client = as_member(mette)
    assert client.post("/api/v1/outcomes/", {"kind": "applied", "date": yesterday()}).status_code == 400
    bad_credit = {"target": target.code, "kind": "applied", "date": yesterday(), "credit": "meeting:zzzzzzzz"}
    assert client.post("/api/v1/outcomes/", bad_credit).status_code == 400
    hers = {"target": target.code, "kind": "applied", "date": yesterday(), "credit": "advertised"}
    assert as_member(lars).post("/api/v1/outcomes/", hers).status_code == 404
    assert not Outcome.objects.exists()


def test_lars_sees_none_of_her_outcomes(mette, target, lars, as_member, anonymous_api):
    body = {"target": target.code, "kind": "applied", "date": yesterday(), "credit": "advertised"}
    code = as_member(mette).post("/api/v1/outcomes/", body).json()["code"]
    assert as_member(lars).get(f"/api/v1/outcomes/{code}/").status_code == 404
    assert as_member(lars).delete(f"/api/v1/outcomes/{code}/").status_code == 404
    assert as_member(lars).get("/api/v1/outcomes/").json()["results"] == []
    assert anonymous_api.get("/api/v1/pipeline/").status_code == 401
    assert Outcome.objects.count() == 1


def test_the_decision_maker_records_for_a_candidate_suggested_to_her(mette, jonas, sofie, dorte, opening, as_member):
    suggestion = suggestion_of(mette, jonas, sofie, posting=opening)
    body = {"suggestion": suggestion.code, "kind": "interview", "date": yesterday()}
    assert as_member(dorte).post("/api/v1/outcomes/", body).status_code == 404
    assert as_member(jonas).post("/api/v1/outcomes/", body).status_code == 403  # he suggested; he does not decide
    made = as_member(sofie).post("/api/v1/outcomes/", body)
    assert made.status_code == 201, made.json()
    outcome = Outcome.objects.get()
    assert (outcome.seeker, outcome.posting, outcome.credit) == (mette, opening, "suggestion")
    assert as_member(sofie).get("/api/v1/outcomes/").json()["results"] == []  # it is Mette's


def test_she_lets_a_coach_follow_and_takes_it_back(mette, birthe, as_member):
    client = as_member(mette)
    granted = client.post("/api/v1/coaching/coaches/", {"email": birthe.email}, HTTP_IDEMPOTENCY_KEY="g-1")
    assert granted.status_code == 201, granted.json()
    assert client.post("/api/v1/coaching/coaches/", {"email": birthe.email}).status_code == 422  # she already did
    assert client.post("/api/v1/coaching/coaches/", {"email": "no mail"}).status_code == 400
    code = granted.json()["code"]
    assert as_member(birthe).get(f"/api/v1/coaching/caseload/{code}/").status_code == 200
    withdrawn = client.post(f"/api/v1/coaching/coaches/{code}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is not None
    assert client.post(f"/api/v1/coaching/coaches/{code}/withdraw/").status_code == 409
    assert as_member(birthe).get(f"/api/v1/coaching/caseload/{code}/").status_code == 404


def test_the_coach_reads_her_caseload_and_writes_a_note(mette, birthe, coached, target, as_member):
    client = as_member(birthe)
    cases = client.get("/api/v1/coaching/caseload/").json()["results"]
    assert [(case["code"], case["seeker"]) for case in cases] == [(coached.code, mette.display_name)]
    assert not AccessLog.objects.exists()
    detail = client.get(f"/api/v1/coaching/caseload/{coached.code}/").json()
    assert detail["targets"][0]["target"] == target.code
    assert AccessLog.objects.get().kind == AccessKind.COACH_OPENED_SEEKER
    note = client.post(
        f"/api/v1/coaching/caseload/{coached.code}/notes/", {"text": "Godt møde."}, HTTP_IDEMPOTENCY_KEY="n"
    )
    assert note.status_code == 201, note.json()
    assert client.post(f"/api/v1/coaching/caseload/{coached.code}/notes/", {"text": ""}).status_code == 400
    assert CoachNote.objects.count() == 1
    assert as_member(mette).get("/api/v1/pipeline/").json()["coach_notes"][0]["text"] == "Godt møde."


def test_who_is_refused_coaching(mette, coached, kim, lars, as_member, anonymous_api):
    assert as_member(lars).get("/api/v1/coaching/caseload/").status_code == 403
    assert as_member(kim).get("/api/v1/coaching/caseload/").json()["results"] == []
    # Kim is a coach, but not hers (404); Lars and Mette are no coaches at all (403).
    for member, status in ((kim, 404), (lars, 403), (mette, 403)):
        assert as_member(member).get(f"/api/v1/coaching/caseload/{coached.code}/").status_code == status
        note = as_member(member).post(f"/api/v1/coaching/caseload/{coached.code}/notes/", {"text": "x"})
        assert note.status_code == status
    assert as_member(kim).post(f"/api/v1/coaching/coaches/{coached.code}/withdraw/").status_code == 404
    assert anonymous_api.get("/api/v1/coaching/caseload/").status_code == 401
    assert CoachAccess.objects.get().withdrawn is None and not CoachNote.objects.exists()


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_caseload_and_outcome_lists_read_a_fixed_number_of_queries(mette, birthe, coached, target, as_member):
    coach, seeker = as_member(birthe), as_member(mette)
    body = {"target": target.code, "kind": "applied", "date": yesterday(), "credit": "advertised"}
    seeker.post("/api/v1/outcomes/", body)
    queries(coach, "/api/v1/coaching/caseload/")
    before = (queries(coach, "/api/v1/coaching/caseload/"), queries(seeker, "/api/v1/outcomes/"))
    for number in range(3):
        other = make_member(f"coachee{number}@example.org", f"Søger {number}")
        CoachAccess.objects.create(seeker=other, coach=birthe)
    for kind in ("interview", "offer"):
        seeker.post("/api/v1/outcomes/", {**body, "kind": kind})
    queries(seeker, "/api/v1/outcomes/")
    assert (queries(coach, "/api/v1/coaching/caseload/"), queries(seeker, "/api/v1/outcomes/")) == before
