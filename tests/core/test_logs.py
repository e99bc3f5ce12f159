"""Structured logs: request ids from the proxy or made here, and the request's fields on every line."""

import json
import logging
import re
import sys

import pytest
from django.urls import reverse

from kaffebro.core.logs import JsonFormatter, RequestContextFilter, TextFormatter
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def access_lines(lines):
    return [line for line in lines if line["logger"] == "kaffebro.request"]


def test_the_proxys_request_id_comes_back_and_is_on_the_access_line(mette_client, mette, log_lines):
    response = mette_client.get(reverse("accounts:settings"), headers={"x-request-id": "proxy-4f2a-17"})
    assert response["X-Request-ID"] == "proxy-4f2a-17"
    [line] = access_lines(log_lines())
    assert line["request_id"] == "proxy-4f2a-17"
    assert line["message"] == f"GET {reverse('accounts:settings')} 200"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == (
        "GET",
        reverse("accounts:settings"),
        200,
        mette.pk,
    )
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"


@pytest.mark.parametrize("supplied", ["has space", "a" * 65, "semi;colon", "new\nline", "æøå"])
def test_an_implausible_request_id_is_replaced_by_a_new_one(client, supplied):
    response = client.get(reverse("core:privacy"), headers={"x-request-id": supplied})
    assert UUID.fullmatch(response["X-Request-ID"])


def test_without_a_proxy_every_request_gets_its_own_id(client):
    first = client.get(reverse("core:privacy"))["X-Request-ID"]
    second = client.get(reverse("core:privacy"))["X-Request-ID"]
    assert UUID.fullmatch(first) and UUID.fullmatch(second) and first != second


@pytest.mark.urls("tests.core.failing_urls")
def test_a_line_written_during_the_request_carries_its_id_and_the_member(client, mette, log_lines):
    client.force_login(mette)
    client.get("/chatty/", headers={"x-request-id": "trace-chatty"})
    line = next(line for line in log_lines() if line["logger"] == "kaffebro.test")
    assert line["message"] == "working on it"
    assert (line["request_id"], line["user_id"], line["method"], line["path"]) == (
        "trace-chatty",
        mette.pk,
        "GET",
        "/chatty/",
    )
    assert "status" not in line, "a line written before the answer has no status yet"


def test_djangos_line_about_a_missing_page_carries_the_request_too(mette_client, mette, log_lines):
    """Django writes it after the last middleware has returned."""
    response = mette_client.get("/no-such-page/", headers={"x-request-id": "trace-404"})
    assert response.status_code == 404
    warning = next(line for line in log_lines() if line["logger"] == "django.request")
    assert warning["message"] == "Not Found: /no-such-page/"
    assert (warning["request_id"], warning["user_id"], warning["status"]) == ("trace-404", mette.pk, 404)


def test_logs_hold_ids_never_the_e_mail_address_nor_the_query_string(client, mette, log_lines):
    response = client.post(reverse("accounts:login"), {"username": mette.email, "password": PASSWORD})
    assert response.status_code == 302
    client.get(reverse("network:contacts") + "?q=Henrietta")
    lines = log_lines()
    assert [line["user_id"] for line in access_lines(lines)] == [mette.pk, mette.pk], "a log-in counts as hers"
    assert access_lines(lines)[1]["path"] == reverse("network:contacts")
    text = json.dumps(lines)
    assert mette.email not in text
    assert "Henrietta" not in text


def test_control_characters_in_the_path_cannot_forge_a_log_line(client, log_lines):
    client.get("/no-such%0Apage/")
    [line] = access_lines(log_lines())
    assert line["path"] == "/no-such\\x0apage/"


def record(message: str, **extra) -> logging.LogRecord:
    entry = logging.LogRecord("kaffebro.test", logging.ERROR, __file__, 1, message, (), None)
    entry.__dict__.update(extra)
    RequestContextFilter().filter(entry)
    return entry


def test_outside_a_request_lines_have_no_request_fields():
    line = json.loads(JsonFormatter().format(record("a worker's line")))
    assert set(line) == {"time", "level", "logger", "message"}
    assert line["message"] == "a worker's line"


def test_the_json_line_carries_the_traceback_of_an_exception():
    try:
        raise ValueError("broken")
    except ValueError:
        entry = record("failed", exc_info=sys.exc_info())
    line = json.loads(JsonFormatter().format(entry))
    assert "Traceback" in line["exception"]
    assert "ValueError: broken" in line["exception"]


def test_the_text_line_puts_the_fields_after_the_message():
    line = TextFormatter("%(levelname)s %(message)s").format(record("done", status=200, duration_ms=3.5))
    assert line == "ERROR done [status=200 duration_ms=3.5]"
