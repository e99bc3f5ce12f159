"""Uploads: size and type limits, no ZIP bombs, nothing executed or served back raw (issue 9).

Two things accept a file: the contact import (Mette, the seeker: the web page and POST /api/v1/imports/) and the
job-ad import (Sofie, who decides in Digitalisering: the web page and POST /api/v1/postings/import/, which also
takes the JSON-LD as text). Every case runs through both the web form and the API. A refused upload must say
what to do instead, in the member's language, and leave no trace: no import, no contact, no posting.
Nothing is ever unpacked, and what was uploaded is never served back as it came.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.parsers import JSONParser

from kaffebro.core.models import Event
from kaffebro.jobs import forms_postings
from kaffebro.jobs.jobad import MAX_BYTES as JOB_AD_MAX_BYTES
from kaffebro.network.importing import actions as importing_actions
from kaffebro.network.models import ContactCard, ImportBatch, ImportRow, ImportStatus, Organisation, Person, Posting
from tests.api.conftest import client_for as api_client_for
from tests.conftest import log_in_with_second_factor

pytestmark = pytest.mark.django_db

KB = 1024
MB = 1024 * KB
CONTACTS_PAGE = reverse("network:import_upload")
JOB_AD_PAGE = reverse("jobs:posting_import")
CONTACTS_API = "/api/v1/imports/"
JOB_AD_API = "/api/v1/postings/import/"
# Refused without reading: well under a second even on the shared 2-core test machine.
QUICK_SECONDS = 1.0
CSV = b"Name,Company,Title\nKaren Vestergaard,Region Hovedstaden,Dataarkitekt\nPer Holm,Novo Nordisk,Chef\n"


def in_english(member) -> None:
    member.language = "en"
    member.save(update_fields=["language"])


def web_client(member) -> Client:
    in_english(member)
    client = Client()
    log_in_with_second_factor(client, member)
    return client


def api_client(member):
    in_english(member)
    return api_client_for(member)


@dataclass
class Channel:
    """One way of uploading (the web form or the API) and how its refusal reads."""

    name: str
    send: Callable[[str, bytes], object]

    @property
    def web(self) -> bool:
        return self.name == "web"

    def refusal(self, response) -> str:
        """The refusal's text; the web form is shown again (200), the API answers a problem (400 or 422)."""
        if self.web:
            assert response.status_code == 200, response.status_code
            return html.unescape(response.content.decode()).replace("\xa0", " ")
        assert response.status_code in (400, 422), (response.status_code, response.content[:500])
        body = response.json()
        return " ".join([body["detail"], *(error["detail"] for error in body.get("errors", []))]).replace("\xa0", " ")


def upload_file(name: str, content: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def contact_form(name: str, content: bytes) -> dict:
    return {"file": upload_file(name, content), "format": "auto"}


@pytest.fixture(params=["web", "api"])
def contacts(request, mette) -> Channel:
    """Mette uploads a contact file."""
    if request.param == "web":
        client = web_client(mette)
        return Channel("web", lambda name, content: client.post(CONTACTS_PAGE, contact_form(name, content)))
    api = api_client(mette)
    return Channel(
        "api", lambda name, content: api.post(CONTACTS_API, {"file": upload_file(name, content)}, format="multipart")
    )


@pytest.fixture(params=["web", "api"])
def job_ads(request, sofie) -> Channel:
    """Sofie, a decision-maker in Digitalisering, uploads a saved job ad."""
    if request.param == "web":
        client = web_client(sofie)
        return Channel("web", lambda name, content: client.post(JOB_AD_PAGE, {"file": upload_file(name, content)}))
    api = api_client(sofie)
    return Channel(
        "api", lambda name, content: api.post(JOB_AD_API, {"file": upload_file(name, content)}, format="multipart")
    )


def trace() -> dict[str, int]:
    """What an upload could leave behind."""
    return {
        "imports": ImportBatch.objects.count(),
        "import rows": ImportRow.objects.count(),
        "contacts": ContactCard.objects.count(),
        "persons": Person.objects.count(),
        "postings": Posting.objects.count(),
        "organisations": Organisation.objects.count(),
        "events": Event.objects.filter(kind__startswith="import").count()
        + Event.objects.filter(kind__startswith="posting").count(),
    }


@pytest.fixture
def nothing_written(mette, sofie):
    """Asserts, after the test, that the test's uploads wrote nothing."""
    before = trace()
    yield
    assert trace() == before


@pytest.fixture
def never_unpacked(monkeypatch):
    """Any attempt to decompress an upload fails the test: an archive is refused by its first bytes only.

    zlib stays usable for Django's signed session cookie data (django.core.signing), and for nothing else."""

    def forbidden(*args, **kwargs):
        raise AssertionError("an upload was decompressed")

    def only_for_signing(real):
        def guarded(*args, **kwargs):
            if sys._getframe(1).f_globals.get("__name__") != "django.core.signing":
                raise AssertionError("an upload was decompressed")
            return real(*args, **kwargs)

        return guarded

    monkeypatch.setattr(zipfile, "ZipFile", forbidden)
    for name in ("GzipFile", "decompress", "open"):
        monkeypatch.setattr(gzip, name, forbidden)
    for name in ("decompress", "decompressobj"):
        monkeypatch.setattr(zlib, name, only_for_signing(getattr(zlib, name)))


def timed(send: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    response = send()
    return response, time.perf_counter() - started


# (a) Size


class TestSize:
    def test_the_limits_are_small_and_django_keeps_large_bodies_out_of_memory(self):
        assert django_settings.IMPORT_MAX_BYTES == 20 * MB and JOB_AD_MAX_BYTES == 2 * MB
        # Form fields and JSON bodies beyond this are refused by Django; a file part beyond the next one is
        # spooled to a temporary file instead of memory (nginx's client_max_body_size bounds the whole request).
        assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
        assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB

    def test_a_contact_file_over_the_limit_is_refused_before_the_importer_reads_it(
        self, contacts, settings, monkeypatch, nothing_written
    ):
        settings.IMPORT_MAX_BYTES = 10 * KB
        monkeypatch.setattr(importing_actions, "upload_contacts", _must_not_be_called)
        big = CSV + b"Anne Berg,Novo Nordisk,Analytiker\n" * 400  # 13.7 kB

        response, seconds = timed(lambda: contacts.send("kontakter.csv", big))

        assert "The file is larger than 10.0 KB. Export fewer contacts at a time, or split the file." in (
            contacts.refusal(response)
        )
        assert seconds < QUICK_SECONDS

    def test_the_importer_refuses_a_file_over_the_limit_too(self, mette, settings):
        """The command line and the background task reach the importer without the form: it checks again."""
        settings.IMPORT_MAX_BYTES = 10 * KB
        in_english(mette)
        with pytest.raises(importing_actions.Refused, match=re.escape("larger than 10.0\xa0KB")):
            importing_actions.upload_contacts(mette, data=CSV * 200, filename="kontakter.csv")
        assert not ImportBatch.objects.exists()

    def test_a_job_ad_over_the_limit_is_refused_before_it_is_read(self, job_ads, monkeypatch, nothing_written):
        monkeypatch.setattr(forms_postings, "read_job_ad", _must_not_be_called)
        page = b"<html><body>" + b" " * JOB_AD_MAX_BYTES + b"</body></html>"

        response = job_ads.send("stilling.html", page)

        assert "The file is too large (2.0 MB). A job ad may be at most 2 MB." in job_ads.refusal(response)

    def test_pasted_json_ld_over_the_limit_is_refused(self, sofie, nothing_written):
        api = api_client(sofie)
        response = api.post(JOB_AD_API, {"text": "{" + " " * JOB_AD_MAX_BYTES + "}"}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "text"

    def test_a_json_body_over_djangos_limit_is_not_parsed(self, sofie, settings, monkeypatch, nothing_written):
        """A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused by its announced length, before parsing."""
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * KB
        monkeypatch.setattr(JSONParser, "parse", _must_not_be_called)
        api = api_client(sofie)
        body = json.dumps({"text": "x" * (100 * KB)})

        response = api.post(JOB_AD_API, body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["type"].endswith("#problem-bad-request")
        assert response.json()["detail"] == "The request could not be read. Nothing was changed."


def _must_not_be_called(*args, **kwargs):
    raise AssertionError("a refused upload was read")


# (b) Types


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ZIP = _zip({"Connections.csv": CSV})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b""})
GZIP = gzip.compress(CSV)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
HTML_WITH_SCRIPT = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script><p>Hej</p></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><path d="M0,0 L10,10 L0,10 Z"/></svg>'
)
ELF_NAMED_CSV = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8

CONTACT_TYPES = [
    ("Connections.zip", ZIP, "This is a ZIP archive. LinkedIn sends your data as a ZIP file: unpack it"),
    ("kontakter.csv.gz", GZIP, "This is a compressed file (gzip)"),
    ("kontakter.xlsx", XLSX, "This is a spreadsheet workbook (such as Excel or Numbers), not a CSV file."),
    ("kontakter.pdf", PDF, "This is not a text file (it may be a picture, a PDF or a program)."),
    ("kontakter.png", PNG, "This is not a text file (it may be a picture, a PDF or a program)."),
    ("kontakter.html", HTML_WITH_SCRIPT, "This does not look like a list of contacts."),
    ("kontakter.svg", SVG, "This does not look like a list of contacts."),
    ("kontakter.csv", ELF_NAMED_CSV, "This is not a text file (it may be a picture, a PDF or a program)."),
]


@pytest.mark.parametrize(("name", "content", "advice"), CONTACT_TYPES, ids=[case[0] for case in CONTACT_TYPES])
def test_a_file_that_is_no_contact_list_is_refused_with_advice(contacts, name, content, advice, nothing_written):
    response = contacts.send(name, content)
    assert advice in contacts.refusal(response)


JOB_AD_TYPES = [
    (
        "stilling.zip",
        ZIP,
        "This is a compressed file (ZIP or gzip), and Kaffebro cannot read this file as text: it does not unpack",
    ),
    (
        "stilling.json.gz",
        GZIP,
        "This is a compressed file (ZIP or gzip), and Kaffebro cannot read this file as text: it does not unpack",
    ),
    (
        "stilling.xlsx",
        XLSX,
        "This is a compressed file (ZIP or gzip), and Kaffebro cannot read this file as text: it does not unpack",
    ),
    ("stilling.pdf", PDF, "This is a PDF, and Kaffebro cannot read this file as text."),
    ("stilling.png", PNG, "This is a picture, and Kaffebro cannot read this file as text."),
    ("stilling.html", HTML_WITH_SCRIPT, "The page has no JSON-LD block"),
    ("stilling.svg", SVG, "The page has no JSON-LD block"),
    ("stilling.json", ELF_NAMED_CSV, "Kaffebro cannot read this file as text."),
]


@pytest.mark.parametrize(("name", "content", "advice"), JOB_AD_TYPES, ids=[case[0] for case in JOB_AD_TYPES])
def test_a_file_that_is_no_job_ad_is_refused_with_advice(job_ads, name, content, advice, nothing_written):
    response = job_ads.send(name, content)
    assert advice in job_ads.refusal(response)


def test_a_script_in_a_job_ads_description_is_not_kept(job_ads):
    ad = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": "Dataanalytiker",
        "hiringOrganization": {"@type": "Organization", "name": "Region Hovedstaden"},
        "description": '<p>Godt job</p><script>alert(1)</script><img src=x onerror="alert(2)">',
    }
    json_ld = json.dumps(ad).replace("</", "<\\/")  # as a page escapes it, so the block does not end early
    page = f'<html><script type="application/ld+json">{json_ld}</script></html>'.encode()

    response = job_ads.send("stilling.html", page)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Godt job" in text and "alert(1)" not in text and "onerror" not in text


# (c) ZIP bombs and compressed bodies


# 10 MB of zeros deflated to about 10 kB: small enough for any limit, huge once unpacked.
ZIP_BOMB = _zip({"Connections.csv": b"\0" * (10 * MB)})
GZIP_BOMB = gzip.compress(b"\0" * (10 * MB))
GZIP_JSON = gzip.compress(json.dumps({"text": "{}"}).encode())


def test_a_zip_bomb_is_refused_as_contacts_without_unpacking(contacts, never_unpacked, nothing_written):
    assert len(ZIP_BOMB) < 20 * KB

    response, seconds = timed(lambda: contacts.send("Connections.zip", ZIP_BOMB))

    assert "This is a ZIP archive." in contacts.refusal(response)
    assert seconds < QUICK_SECONDS


def test_a_gzip_bomb_is_refused_as_contacts_without_unpacking(contacts, never_unpacked, nothing_written):
    assert len(GZIP_BOMB) < 20 * KB

    response, seconds = timed(lambda: contacts.send("kontakter.csv.gz", GZIP_BOMB))

    assert "This is a compressed file (gzip)" in contacts.refusal(response)
    assert seconds < QUICK_SECONDS


@pytest.mark.parametrize(("name", "bomb"), [("stilling.zip", ZIP_BOMB), ("stilling.json.gz", GZIP_BOMB)])
def test_a_bomb_is_refused_as_a_job_ad_without_unpacking(job_ads, name, bomb, never_unpacked, nothing_written):
    response, seconds = timed(lambda: job_ads.send(name, bomb))

    assert "This is a compressed file (ZIP or gzip)" in job_ads.refusal(response)
    assert seconds < QUICK_SECONDS


def test_a_gzip_encoded_request_body_is_not_decompressed(sofie, never_unpacked, nothing_written):
    """Kaffebro answers what it was sent: a body marked Content-Encoding: gzip is read as the bytes it is."""
    api = api_client(sofie)

    response, seconds = timed(
        lambda: api.post(JOB_AD_API, GZIP_JSON, content_type="application/json", HTTP_CONTENT_ENCODING="gzip")
    )

    assert response.status_code == 400 and response.json()["type"].endswith("bad-request")
    assert seconds < QUICK_SECONDS


# (d) Entity expansion and deep nesting


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]><html><body>&lol9;"
    + '<script type="application/ld+json">{"@type": "JobPosting", "title": "&lol9;", '
    + '"hiringOrganization": "Region Hovedstaden", "description": "&lol9; &amp;lol9;"}</script></body></html>'
).encode()


def test_entity_expansion_in_an_html_job_ad_is_not_expanded(job_ads):
    response, seconds = timed(lambda: job_ads.send("lol.html", BILLION_LAUGHS))

    assert seconds < QUICK_SECONDS
    assert len(response.content) < 200 * KB  # ten to the ninth "lol"s would be 3 GB
    assert "lollollol" not in response.content.decode()


@pytest.mark.parametrize("depth", [1_000, 100_000, 1_000_000])
def test_deeply_nested_json_ld_is_refused_quickly(job_ads, depth, nothing_written):
    nested = ("[" * depth + "]" * depth).encode()

    response, seconds = timed(lambda: job_ads.send("stilling.json", nested))

    assert seconds < QUICK_SECONDS
    text = job_ads.refusal(response)
    assert "No job posting was found" in text or "not valid JSON" in text


def test_deeply_nested_objects_do_not_hide_a_job_posting_too_deep_to_find(job_ads, nothing_written):
    posting = '{"@type": "JobPosting", "title": "Dybt", "hiringOrganization": "Region Hovedstaden"}'
    nested = ('{"a": ' * 5_000 + posting + "}" * 5_000).encode()

    response, seconds = timed(lambda: job_ads.send("stilling.json", nested))

    assert seconds < QUICK_SECONDS
    assert "Dybt" not in job_ads.refusal(response)


def test_a_json_ld_of_a_million_small_objects_is_bounded(job_ads, nothing_written):
    wide = ("[" + ",".join(["{}"] * 600_000) + "]").encode()  # 1.8 MB, under the size limit
    assert len(wide) < JOB_AD_MAX_BYTES

    response, seconds = timed(lambda: job_ads.send("stilling.json", wide))

    assert seconds < 3 * QUICK_SECONDS  # json.loads of 1.8 MB, then at most MAX_NODES objects looked at
    assert "No job posting was found" in job_ads.refusal(response)


# (e) Rows


def test_a_contact_file_over_the_row_limit_is_refused(contacts, settings, nothing_written):
    settings.IMPORT_MAX_ROWS = 5
    rows = b"".join(b"Person %d,Novo Nordisk,Analytiker\n" % number for number in range(6))

    response = contacts.send("kontakter.csv", b"Name,Company,Title\n" + rows)

    assert "The file has more than 5 contacts. Split it into files of at most 5 contacts" in contacts.refusal(response)


def test_a_contact_file_at_the_row_limit_is_accepted(contacts, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = b"".join(b"Person %d,Novo Nordisk,Analytiker\n" % number for number in range(5))

    response = contacts.send("kontakter.csv", b"Name,Company,Title\n" + rows)

    assert response.status_code in (201, 302)
    assert ImportBatch.objects.get(status=ImportStatus.PREVIEW).total_rows == 5


# (f) Nothing served back raw


HOSTILE_NAME = "<img src=x onerror=alert(1)>.csv"
HOSTILE_CSV = (
    b"Name,Company,Title\n"
    b'"<script>alert(1)</script>",Novo Nordisk,Analytiker\n'
    b'"=HYPERLINK(""http://evil.example"",""klik"")",Novo Nordisk,"+45 cmd|\' /C calc\'!A0"\n'
)


def test_an_uploaded_file_name_and_contents_are_shown_escaped(mette):
    client = web_client(mette)
    uploaded = client.post(CONTACTS_PAGE, contact_form(HOSTILE_NAME, HOSTILE_CSV))
    assert uploaded.status_code == 302
    batch = ImportBatch.objects.get(owner=mette)
    assert batch.filename == HOSTILE_NAME  # kept as sent, but only ever shown as text

    for url in (uploaded.url, CONTACTS_PAGE):
        page = client.get(url).content.decode()
        assert "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in client.get(CONTACTS_PAGE).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(uploaded.url).content.decode()


def test_the_api_answers_the_file_name_as_json_only(mette):
    api = api_client(mette)
    response = api.post(CONTACTS_API, {"file": upload_file(HOSTILE_NAME, HOSTILE_CSV)}, format="multipart")
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["filename"] == HOSTILE_NAME


def test_the_summary_download_is_an_attachment_safe_for_spreadsheets(mette):
    client = web_client(mette)
    uploaded = client.post(CONTACTS_PAGE, contact_form(HOSTILE_NAME, HOSTILE_CSV))
    batch = ImportBatch.objects.get(owner=mette)
    client.post(reverse("network:import_confirm", args=[batch.code]))
    batch.refresh_from_db()
    assert uploaded.status_code == 302 and batch.status == ImportStatus.DONE

    response = client.get(reverse("network:import_summary_csv", args=[batch.code]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "<img" not in response["Content-Disposition"] and batch.code in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    cells = [cell for line in response.content.decode("utf-8-sig").splitlines() for cell in line.split(";")]
    dangerous = [cell.strip('"') for cell in cells if cell.strip('"').startswith(("=", "+", "-", "@"))]
    assert dangerous == [], "a cell a spreadsheet would run as a formula"
    assert any("'=HYPERLINK" in cell for cell in cells)


def test_the_stored_file_is_never_served_back(mette):
    """No page or API answer returns the uploaded bytes as they came, under any content type."""
    web = web_client(mette)
    marker = b"Kaffebro-upload-marker-7f3a"
    content = CSV + b'"' + marker + b'",Novo Nordisk,Analytiker\n'
    uploaded = web.post(CONTACTS_PAGE, contact_form("kontakter.csv", content))
    batch = ImportBatch.objects.get(owner=mette)
    answers = [
        web.get(uploaded.url),
        web.get(CONTACTS_PAGE),
        api_client(mette).get(f"{CONTACTS_API}{batch.code}/"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert content not in answer.content
        assert answer["Content-Type"].split(";")[0] in ("text/html", "application/json")
