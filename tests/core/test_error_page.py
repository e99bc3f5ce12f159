"""The generic error page: a reference the member can quote, never a detail of what broke."""

import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.failing_urls")]

SECRET = "hunter2"


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def reference_on(content: str) -> str:
    return re.search(r'<code class="reference">([^<]*)</code>', content).group(1)


def test_the_error_page_shows_the_request_id_and_nothing_of_the_error(visitor, log_lines):
    response = visitor.get("/broken/", headers={"accept-language": "en"})
    assert response.status_code == 500
    content = response.content.decode()
    assert reference_on(content) == response["X-Request-ID"]
    assert "quote this reference" in content
    assert SECRET not in content
    assert "Traceback" not in content and "RuntimeError" not in content
    [logged] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert logged["request_id"] == response["X-Request-ID"], "the operator finds the error by the reference"
    assert SECRET in logged["exception"]


def test_the_reference_is_the_proxys_request_id(mette, visitor):
    visitor.force_login(mette)
    response = visitor.get("/broken/", headers={"x-request-id": "edge-7f3c"})
    assert response.status_code == 500
    assert reference_on(response.content.decode()) == "edge-7f3c"


def test_the_error_page_obeys_the_content_security_policy(visitor):
    response = visitor.get("/broken/")
    content = response.content.decode()
    assert "<style" not in content and "style=" not in content and "<script" not in content
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert re.search(r'<link rel="stylesheet" href="/static/kaffebro/site\.css">', content)


def test_the_error_page_is_shown_even_when_static_files_were_never_collected(visitor, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent/static"
    response = visitor.get("/broken/")
    assert response.status_code == 500
    assert reference_on(response.content.decode()) == response["X-Request-ID"]
    assert "<link" not in response.content.decode()
