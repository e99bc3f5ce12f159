"""Every error is application/problem+json (RFC 9457), in the reader's language, and bad input is never a 500."""

import pytest
from rest_framework.test import APIClient

from kaffebro.network.models import Target

pytestmark = pytest.mark.django_db

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["type"].endswith(f"/api/v1/docs/#problem-{slug}")
    assert body["title"] and body["detail"]
    return body


def test_anonymous_is_401(anonymous_api):
    body = assert_problem(anonymous_api.get("/api/v1/contacts/"), 401, "not-authenticated")
    assert body["instance"] == "/api/v1/contacts/"


def test_a_missing_object_is_404(mette_api):
    assert_problem(mette_api.get("/api/v1/contacts/Zq7madeUpX9k/"), 404, "not-found")


def test_an_unknown_address_under_the_api_is_a_404_problem_not_a_page(mette_api, anonymous_api):
    assert_problem(mette_api.get("/api/v1/no/such/thing/"), 404, "not-found")
    assert_problem(mette_api.get("/api/v1/contacts/bad%0Acode/"), 404, "not-found")
    assert_problem(anonymous_api.get("/api/v1/no/such/thing/"), 401, "not-authenticated")


def test_a_wrong_method_is_405(mette_api):
    response = mette_api.put("/api/v1/me/", {})
    assert_problem(response, 405, "method-not-allowed")
    assert "PATCH" in response["Allow"]


def test_field_mistakes_are_listed_with_pointers(mette_api):
    body = assert_problem(
        mette_api.post("/api/v1/contacts/", {"strength": 9, "since": "soon"}), 400, "validation-failed"
    )
    fields = {error["field"]: error for error in body["errors"]}
    assert {"strength", "since"} <= set(fields)
    assert fields["since"]["pointer"] == "#/since"


def test_nested_mistakes_point_into_the_body(mette_api, mette, brief):
    target = mette.targets.get()
    body = assert_problem(
        mette_api.post("/api/v1/targets/", {"kind": "nonsense", "organisation": ["not", "text"]}),
        400,
        "validation-failed",
    )
    assert {error["field"] for error in body["errors"]} == {"kind", "organisation"}
    assert target.code  # untouched


def test_malformed_json_is_a_400_problem(mette_api):
    response = mette_api.generic("POST", "/api/v1/contacts/", "{not json", content_type="application/json")
    assert_problem(response, 400, "bad-request")


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "42"])
def test_a_body_that_is_not_an_object_is_a_400_problem(mette_api, body):
    response = mette_api.generic("POST", "/api/v1/contacts/", body, content_type="application/json")
    assert_problem(response, 400, "validation-failed")


def test_an_unsupported_body_is_415(mette_api):
    response = mette_api.generic("POST", "/api/v1/targets/", "kind=field", content_type="text/plain")
    assert_problem(response, 415, "unsupported-media-type")


def test_an_unacceptable_format_is_406(mette_api):
    assert_problem(mette_api.get("/api/v1/me/", HTTP_ACCEPT="text/html"), 406, "not-acceptable")


def test_a_refusal_of_the_current_state_is_409_with_the_actions_message(mette_api, mette):
    target = Target.objects.get(seeker=mette)
    body = assert_problem(
        mette_api.post(
            "/api/v1/targets/",
            {"kind": "unit", "organisation": target.unit.organisation.code, "unit": target.unit.code},
        ),
        409,
        "conflict",
    )
    assert body["detail"] == "Det er allerede et af dine mål."  # the action's own words, in Mette's Danish


def test_a_refusal_tied_to_a_field_is_422(mette_api):
    body = assert_problem(
        mette_api.post("/api/v1/imports/", {"file": _upload(b"\x00\x01 no contacts")}, format="multipart"),
        422,
        "refused",
    )
    assert body["errors"][0]["field"] == "file"


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("contacts.csv", content, content_type="text/csv")


def test_the_members_own_language_wins_over_the_browsers(mette_api, lars_api):
    """Mette reads Danish and Lars English, whatever their programs ask for."""
    danish = mette_api.post("/api/v1/contacts/", {"strength": 9}, HTTP_ACCEPT_LANGUAGE="en").json()
    english = lars_api.post("/api/v1/contacts/", {"strength": 9}, HTTP_ACCEPT_LANGUAGE="da").json()
    assert english["detail"] == '"9" is not a valid choice.'
    assert danish["detail"] == '"9" er ikke et gyldigt valg.'
    assert danish["errors"][0]["field"] == english["errors"][0]["field"] == "strength"


def test_anonymous_requests_are_answered_in_the_language_asked_for(anonymous_api):
    danish = anonymous_api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="da").json()["detail"]
    english = anonymous_api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "Authentication credentials were not provided."
    assert danish != english


def test_a_session_needs_its_csrf_token_for_a_change(mette):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(mette)
    assert client.get("/api/v1/me/").status_code == 200
    body = assert_problem(client.patch("/api/v1/me/", {"language": "en"}), 403, "permission-denied")
    assert "CSRF" in body["detail"]


def test_an_operator_session_without_a_second_factor_is_no_log_in(olga):
    client = APIClient()
    client.force_login(olga)  # an operator must pass a second factor; a forced log-in did not
    assert_problem(client.get("/api/v1/me/"), 401, "not-authenticated")
