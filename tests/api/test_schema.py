"""The OpenAPI schema declares every answer an operation can give, and the documentation page renders it here."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from kaffebro.api.problems import PROBLEM_TYPES
from kaffebro.core.converters import CODE_PATTERN

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(mette_api) -> dict:
    response = mette_api.get("/api/v1/schema/")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method in METHODS:
            if method in methods:
                yield path, method, methods[method]


def test_every_operation_declares_its_errors_as_problems(schema):
    shared = schema["components"]["responses"]
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"401", "403", "406", "429"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method != "get":
            assert {"409", "422"} <= codes, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, (method, path)
        for code in codes - {"200", "201", "204"}:
            reference = operation["responses"][code]["$ref"].rsplit("/", 1)[-1]
            assert set(shared[reference]["content"]) == {"application/problem+json"}


def test_the_operations_that_create_take_an_idempotency_key(schema):
    keyed = {
        (path, method)
        for path, method, operation in operations(schema)
        if any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", []))
    }
    creating = {"/api/v1/tokens/", "/api/v1/contacts/", "/api/v1/targets/", "/api/v1/imports/", "/api/v1/briefs/"}
    assert {(path, "post") for path in creating | {"/api/v1/requests/"}} <= keyed


def test_every_operation_needs_a_token_or_a_session(schema):
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    for path, method, operation in operations(schema):
        assert {"apiToken"} in [set(requirement) for requirement in operation["security"]], (method, path)
        assert {} not in operation["security"], (method, path)


def test_a_code_in_a_path_has_the_shape_of_a_code(schema):
    pattern = settings.SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"]["code"]["pattern"]
    assert pattern == f"^{CODE_PATTERN}$"
    parameters = [
        parameter
        for _path, _method, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] == "code"
    ]
    assert parameters and all(parameter["schema"]["pattern"] == pattern for parameter in parameters)


def test_the_schema_needs_a_log_in(anonymous_api):
    assert anonymous_api.get("/api/v1/schema/").status_code == 401


def test_the_documentation_page_lists_every_operation_without_outside_scripts(mette_client, schema):
    page = mette_client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    for path, method, _operation in operations(schema):
        assert f"{method.upper()} {path}" in html
    for slug in PROBLEM_TYPES:
        assert f'id="problem-{slug}"' in html
    assert not re.search(r"<script[^>]+src=\"(https?:)?//", html)
    assert "cdn" not in html.lower()


def test_the_documentation_page_needs_a_log_in(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_schema_builds_without_warnings():
    """drf-spectacular only warns of two serializers with the same component name, and one then wins silently."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator(urlconf="kaffebro.urls").get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
