"""/imports: the import page's flow over the API — upload, preview, options, confirm, progress, summary."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaffebro.network.models import ContactCard, ImportBatch, ImportStatus

pytestmark = pytest.mark.django_db

SPREADSHEET = b"""Navn,Arbejdsplads,Stilling,Noter
Karen Vestergaard,Region Hovedstaden,Dataarkitekt,x
Per Holm,Novo Nordisk,Chef,y
"""
LINKEDIN = b"""First Name,Last Name,URL,Email Address,Company,Position,Connected On
Anne,Berg,,,Novo Nordisk,Analytiker,01 Mar 2024
"""


def upload(client, content: bytes = SPREADSHEET, **fields):
    file = SimpleUploadedFile("kontakter.csv", content, content_type="text/csv")
    return client.post("/api/v1/imports/", {"file": file, **fields}, format="multipart")


def test_an_upload_waits_in_preview_and_writes_nothing(mette_api, mette):
    response = upload(mette_api)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "preview" and body["total_rows"] == 2
    assert body["preview"]["format"] == "csv" and body["preview"]["columns"] == [
        "Navn",
        "Arbejdsplads",
        "Stilling",
        "Noter",
    ]
    assert [record["full_name"] for record in body["preview"]["records"]] == ["Karen Vestergaard", "Per Holm"]
    assert ContactCard.objects.filter(owner=mette).count() == 1


def test_the_columns_can_be_mapped_then_the_import_confirmed(mette_api, mette):
    code = upload(mette_api).json()["code"]
    mapped = mette_api.patch(
        f"/api/v1/imports/{code}/", {"mapping": {"Navn": "full_name", "Arbejdsplads": "organisation", "Noter": ""}}
    )
    assert mapped.status_code == 200
    assert mapped.json()["preview"]["mapping"]["Noter"] == ""
    done = mette_api.post(f"/api/v1/imports/{code}/confirm/", {"keep_contact_details": False})
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "done" and body["processed_rows"] == 2 and body["preview"] is None
    assert body["counts"]["created"] == 2
    assert ContactCard.objects.filter(owner=mette, full_name="Karen Vestergaard").exists()
    again = mette_api.post(f"/api/v1/imports/{code}/confirm/")
    assert again.status_code == 409  # the action's own refusal: it has already run


def test_a_mapping_with_a_field_twice_is_refused_by_the_preview_form(mette_api):
    code = upload(mette_api).json()["code"]
    response = mette_api.patch(f"/api/v1/imports/{code}/", {"mapping": {"Navn": "title", "Stilling": "title"}})
    assert response.status_code == 400
    unknown = mette_api.patch(f"/api/v1/imports/{code}/", {"mapping": {"Telefax": "phone"}})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "mapping"


def test_a_large_file_runs_in_the_background_and_reports_progress(
    mette_api, mette, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 0  # every file is "large"; tasks run at once in the tests
    code = upload(mette_api, LINKEDIN).json()["code"]
    with django_capture_on_commit_callbacks(execute=True):
        assert mette_api.post(f"/api/v1/imports/{code}/confirm/").json()["status"] == "queued"
    status = mette_api.get(f"/api/v1/imports/{code}/").json()
    assert status["status"] == "done"
    assert (status["processed_rows"], status["total_rows"]) == (1, 1)
    assert status["started"] and status["finished"]


def test_a_waiting_import_is_cancelled_and_its_file_dropped(mette_api):
    code = upload(mette_api).json()["code"]
    assert mette_api.post(f"/api/v1/imports/{code}/cancel/").json()["status"] == "cancelled"
    assert bytes(ImportBatch.objects.get(code=code).content) == b""
    assert mette_api.post(f"/api/v1/imports/{code}/retry/").status_code == 409
    assert mette_api.post(f"/api/v1/imports/{code}/unknown/").status_code == 404


def test_a_file_that_is_no_contact_list_is_refused_on_its_field(mette_api):
    response = upload(mette_api, b"\x89PNG\r\n\x1a\n not contacts")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limit_is_refused(mette_api, settings):
    settings.IMPORT_MAX_BYTES = 10
    response = upload(mette_api)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


def test_lars_never_sees_or_runs_mettes_import(mette_api, lars_api, mette):
    code = upload(mette_api).json()["code"]
    assert lars_api.get(f"/api/v1/imports/{code}/").status_code == 404
    assert lars_api.patch(f"/api/v1/imports/{code}/", {"format": "vcard"}).status_code == 404
    assert lars_api.post(f"/api/v1/imports/{code}/confirm/").status_code == 404
    assert lars_api.get("/api/v1/imports/").json()["results"] == []
    assert ImportBatch.objects.get(code=code).status == ImportStatus.PREVIEW


def test_the_import_list_reads_a_fixed_number_of_queries(mette_api, django_assert_num_queries):
    upload(mette_api)
    with django_assert_num_queries(2) as few:  # the token, and the page without the files' bytes
        mette_api.get("/api/v1/imports/")
    expected = len(few.captured_queries)
    for _ in range(5):
        upload(mette_api)
    with django_assert_num_queries(expected):
        assert len(mette_api.get("/api/v1/imports/").json()["results"]) == 6
