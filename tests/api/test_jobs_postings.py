"""/postings: managing postings, any posting's facts, adding one as a target, and the job-ad import.

Sofie decides in Digitalisering and manages its postings; Olga (operator) manages every one;
Dorte decides in Drift next door and gets 404 for Sofie's; Mette and Lars manage nothing (403
from the managers' endpoints). Lars sees postings of shared organisations like every member.
"""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kaffebro.jobs.actions import postings as actions
from kaffebro.jobs.actions.postings import PostingFields
from kaffebro.network.models import Organisation, Posting, PostingSource, Target, TargetKind

pytestmark = pytest.mark.django_db

ADS = Path(__file__).parent.parent / "jobs" / "jobads"


@pytest.fixture
def sofies_posting(sofie, region_h, digitalisering) -> Posting:
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    return actions.create_posting(
        sofie, region_h, PostingFields(title="Dataanalytiker", unit=digitalisering, deadline=deadline, is_public=True)
    )


def test_a_decision_maker_publishes_lists_and_edits_a_posting(sofie, region_h, digitalisering, as_member):
    client = as_member(sofie)
    body = {"organisation": region_h.code, "title": "Dataanalytiker", "unit": digitalisering.code}
    created = client.post("/api/v1/postings/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert created.status_code == 201, created.json()
    again = client.post("/api/v1/postings/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.json() == created.json() and again["Idempotent-Replayed"] == "true"
    assert Posting.objects.count() == 1
    code, updated = created.json()["code"], created.json()["updated"]
    listed = client.get("/api/v1/postings/").json()["results"]
    assert [row["code"] for row in listed] == [code]
    edit = {"title": "Senior dataanalytiker", "unit": digitalisering.code, "updated": updated}
    changed = client.put(f"/api/v1/postings/{code}/", edit, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["title"] == "Senior dataanalytiker"
    stale = client.put(f"/api/v1/postings/{code}/", {**edit, "title": "Igen"}, format="json")
    assert stale.status_code in (409, 422)
    assert Posting.objects.get().title == "Senior dataanalytiker"


def test_a_form_error_is_a_400_and_an_organisation_not_yours_a_404(sofie, region_h, as_member):
    client = as_member(sofie)
    assert client.post("/api/v1/postings/", {"organisation": region_h.code, "title": ""}).status_code == 400
    elsewhere = Organisation.objects.create(name="Novo Nordisk")
    assert client.post("/api/v1/postings/", {"organisation": elsewhere.code, "title": "X"}).status_code == 404
    assert not Posting.objects.exists()


def test_who_is_refused(sofies_posting, mette, lars, dorte, as_member, anonymous_api):
    code = sofies_posting.code
    for member in (mette, lars):
        assert as_member(member).get("/api/v1/postings/").status_code == 403
        assert as_member(member).post("/api/v1/postings/import/", {"text": "{}"}).status_code == 403
        assert as_member(member).post(f"/api/v1/postings/{code}/close/").status_code == 403  # they manage nothing
    assert as_member(dorte).post(f"/api/v1/postings/{code}/close/").status_code == 404
    assert as_member(dorte).put(f"/api/v1/postings/{code}/", {}, format="json").status_code == 404
    assert anonymous_api.get("/api/v1/postings/").status_code == 401
    assert anonymous_api.get(f"/api/v1/postings/{code}/").status_code == 401
    assert Posting.objects.get().closed is None


def test_close_and_reopen_each_from_their_state_only(sofies_posting, sofie, olga, as_member):
    code = sofies_posting.code
    assert as_member(sofie).post(f"/api/v1/postings/{code}/reopen/").status_code == 409
    closed = as_member(sofie).post(f"/api/v1/postings/{code}/close/")
    assert closed.status_code == 200 and closed.json()["closed"] is not None
    assert as_member(sofie).post(f"/api/v1/postings/{code}/close/").status_code == 409
    assert as_member(olga).post(f"/api/v1/postings/{code}/reopen/").json()["closed"] is None
    assert as_member(sofie).post(f"/api/v1/postings/{code}/publish/").status_code == 404


def test_every_member_reads_the_facts_and_adds_it_as_a_target(sofies_posting, mette, sofie, as_member):
    facts = as_member(mette).get(f"/api/v1/postings/{sofies_posting.code}/").json()
    assert (facts["title"], facts["may_manage"], facts["your_target"]) == ("Dataanalytiker", False, None)
    assert as_member(sofie).get(f"/api/v1/postings/{sofies_posting.code}/").json()["may_manage"] is True
    added = as_member(mette).post(f"/api/v1/postings/{sofies_posting.code}/add_target/")
    assert added.status_code == 200
    target = Target.objects.get(seeker=mette, kind=TargetKind.POSTING)
    assert added.json()["your_target"] == target.code
    assert as_member(mette).post(f"/api/v1/postings/{sofies_posting.code}/add_target/").status_code == 409


def test_a_closed_posting_is_no_target(sofies_posting, mette, sofie, as_member):
    actions.close_posting(sofie, sofies_posting)
    assert as_member(mette).post(f"/api/v1/postings/{sofies_posting.code}/add_target/").status_code == 409
    assert not Target.objects.filter(kind=TargetKind.POSTING).exists()


def test_a_private_organisations_posting_is_404_for_lars(mette, lars, as_member):
    private = Organisation.objects.create(name="Mettes netværk", private_to=mette)
    posting = Posting.objects.create(organisation=private, title="Hemmelig")
    assert as_member(lars).get(f"/api/v1/postings/{posting.code}/").status_code == 404
    assert as_member(lars).post(f"/api/v1/postings/{posting.code}/add_target/").status_code == 404


def test_an_uploaded_ad_is_previewed_then_created(sofie, region_h, digitalisering, as_member):
    client = as_member(sofie)
    name = "region_hovedstaden_specialkonsulent.html"
    upload = SimpleUploadedFile(name, (ADS / name).read_bytes(), content_type="text/html")
    preview = client.post("/api/v1/postings/import/", {"file": upload}, format="multipart")
    assert preview.status_code == 200, preview.json()
    shown = preview.json()
    assert shown["organisation"]["code"] == region_h.code and shown["deadline"] == "2026-12-15"
    assert not Posting.objects.exists()
    body = {**shown, "organisation": region_h.code, "unit": digitalisering.code, "identifier": "RH-1"}
    body.pop("deadline")
    created = client.post("/api/v1/postings/import/confirm/", body, format="json", HTTP_IDEMPOTENCY_KEY="imp-1")
    assert created.status_code == 201, created.json()
    assert (
        client.post("/api/v1/postings/import/confirm/", body, format="json", HTTP_IDEMPOTENCY_KEY="imp-1").json()[
            "code"
        ]
        == created.json()["code"]
    )
    posting = Posting.objects.get()
    assert (posting.source, posting.identifier) == (PostingSource.JSONLD, "RH-1")


def test_pasted_json_ld_for_an_employer_outside_ones_scope_is_refused(sofie, olga, as_member):
    Organisation.objects.create(name="Novo Nordisk")
    text = (ADS / "novo_nordisk_graph.jsonld").read_text()
    refused = as_member(sofie).post("/api/v1/postings/import/", {"text": text}, format="json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "employer"
    preview = as_member(olga).post("/api/v1/postings/import/", {"text": text}, format="json")
    assert preview.status_code == 200 and preview.json()["title"] == "Data Scientist"


def test_what_could_not_be_read_is_said_in_the_preview(sofie, as_member):
    upload = SimpleUploadedFile("bad_deadline.json", (ADS / "bad_deadline.json").read_bytes())
    preview = as_member(sofie).post("/api/v1/postings/import/", {"file": upload}, format="multipart")
    assert preview.status_code == 200, preview.json()
    assert preview.json()["deadline"] is None and any("2026-13-45" in text for text in preview.json()["warnings"])


def test_an_unknown_employer_or_no_ad_is_a_400(olga, as_member):
    text = (ADS / "novo_nordisk_graph.jsonld").read_text()
    unknown = as_member(olga).post("/api/v1/postings/import/", {"text": text}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "employer"
    assert as_member(olga).post("/api/v1/postings/import/", {}, format="json").status_code == 400


def test_the_managed_list_reads_a_fixed_number_of_queries(
    sofie, region_h, digitalisering, as_member, django_assert_num_queries
):
    client = as_member(sofie)
    actions.create_posting(sofie, region_h, PostingFields(title="Første", unit=digitalisering))
    client.get("/api/v1/postings/")
    with django_assert_num_queries(5):  # the token, the scope (3: positions, units, sub-units), the page
        client.get("/api/v1/postings/")
    for number in range(5):
        actions.create_posting(sofie, region_h, PostingFields(title=f"Nr. {number}", unit=digitalisering))
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/postings/").json()["results"]) == 6
