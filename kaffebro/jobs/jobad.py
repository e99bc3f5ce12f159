"""Reading a job ad: the schema.org `JobPosting` in JSON-LD, and the safe HTML of a posting's description.

Employers and job boards publish their ads with a `<script type="application/ld+json">` block so
search engines can read them. A decision-maker can hand Kaffebro the same thing three ways: the
.json/.jsonld file, the JSON pasted as text, or the saved HTML page of the ad. `read_job_ad`
turns any of them into a `JobAd`, or raises `JobAdError` with a translated message saying what is
wrong. It only reads: nothing is written until the member has seen the preview and confirmed it
(`actions.postings.import_job_ad`).

What real ads look like, and what is handled: several JSON-LD blocks on one page (breadcrumbs,
the web site, the ad), `@graph` arrays and plain lists, `@type` as a list, `hiringOrganization`
as a name or an object (possibly an `@id` reference to an `Organization` node), a description
whose HTML is entity-escaped, `validThrough` as a date or a date-time with a time zone,
`employmentType` as a string or a list in schema.org's or Danish words, `jobLocation` as one
place or several, and `identifier` as text or a `PropertyValue`. A value that cannot be read
(a deadline of "2026-13-45") is left out with a warning the preview shows; only a missing
title or employer makes the ad unusable.

`sanitise_description` keeps a short allow-list of tags (paragraphs, lists, emphasis, links and
small headings) and drops everything else, scripts and event handlers with it. It runs when a
description is saved and again when one is shown.
"""

from __future__ import annotations

import codecs
import datetime
import html
import json
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from kaffebro.network.models import EmploymentType

MAX_BYTES = 2 * 1024 * 1024  # a saved job-ad page with its inline scripts is rarely more than a few hundred kB
MAX_NODES = 5_000  # JSON objects looked at when searching for the JobPosting
MAX_DEPTH = 30
MAX_ITEMS = 100_000  # values of all kinds put aside to look at, however the document is shaped
MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 200  # location, identifier, employer name
MAX_URL_CHARS = 500
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h3", "h4"})
BLOCK_TAGS = re.compile(r"<(p|ul|ol|li|h3|h4|br)\b", re.IGNORECASE)
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={"a": {"href"}},
    link_rel="noopener nofollow",
    url_schemes={"http", "https", "mailto"},
    clean_content_tags={"script", "style"},
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, strip_comments=True)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


def sanitise_description(text: str) -> str:
    """The description as safe HTML of the allow-list; plain text becomes paragraphs, as it was typed."""
    cleaned = _CLEANER.clean(text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not cleaned or BLOCK_TAGS.search(cleaned):
        return cleaned
    paragraphs = [part.strip() for part in _PARAGRAPH_BREAK.split(cleaned) if part.strip()]
    return "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)


def plain_text(value: str) -> str:
    """Text without tags or entities, on one line: for titles, names and places."""
    return _SPACES.sub(" ", html.unescape(_TEXT_ONLY.clean(value))).strip()


class JobAdError(Exception):
    """The input is not a job ad Kaffebro can read; the message is translated and says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Employer:
    """The `hiringOrganization` as the ad names it; matched against Kaffebro's organisations later."""

    name: str
    cvr: str = ""
    website: str = ""


@dataclass(frozen=True)
class JobAd:
    """What the ad says, in the shape of a posting; `warnings` name what was left out and why."""

    title: str
    employer: Employer
    deadline: datetime.date | None = None
    employment_type: str = ""
    location: str = ""
    description: str = ""
    identifier: str = ""
    url: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_data(self) -> dict[str, Any]:
        """Plain JSON-able values, to carry the ad from one step of the import to the next (signed)."""
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat() if self.deadline else ""
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> JobAd:
        """The ad back from `as_data` (the caller has checked the signature)."""
        deadline = data.get("deadline") or ""
        return cls(
            title=str(data["title"]),
            employer=Employer(**{key: str(value) for key, value in data["employer"].items()}),
            deadline=datetime.date.fromisoformat(deadline) if deadline else None,
            employment_type=str(data.get("employment_type", "")),
            location=str(data.get("location", "")),
            description=str(data.get("description", "")),
            identifier=str(data.get("identifier", "")),
            url=str(data.get("url", "")),
            warnings=tuple(str(warning) for warning in data.get("warnings", [])),
        )


# Reading the bytes


def _decode(data: bytes) -> str:
    """The text of an upload: UTF-8 (with or without BOM), UTF-16/32 with a BOM, a charset the page declares, or
    Windows-1252 — the encodings saved job-ad pages really come in."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise _unreadable() from None
    if b"\x00" in data:
        raise _unreadable()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in (_declared_charset(data), "cp1252"):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    raise _unreadable()


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str:
    match = _CHARSET.search(data[:4096])
    if not match:
        return ""
    name = match.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _unreadable() -> JobAdError:
    return JobAdError(
        _(
            "Kaffebro cannot read this file as text. Save the job ad again as a web page (HTML) or as a JSON file, "
            "and try once more."
        )
    )


# Files picked by mistake, known by their first bytes. Only those bytes are looked at: nothing is ever unpacked,
# so a ZIP or gzip bomb costs no more than any other small file.
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b")  # ZIP (also .xlsx, .docx) and gzip
_PDF_MAGIC = (b"%PDF-",)
_PICTURE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_PROGRAM_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x7fELF", b"MZ\x90\x00")  # old Office files, programs


def _refuse_binary(data: bytes) -> None:
    """Refuse an archive, a PDF, a picture or a program with advice on what to upload instead."""
    if data.startswith(_ARCHIVE_MAGIC):
        raise JobAdError(
            _(
                "This is a compressed file (ZIP or gzip), and Kaffebro cannot read this file as text: it does not "
                "unpack files. Unpack it on your computer and upload the job ad's saved page (.html) or its .json "
                "file."
            )
        )
    if data.startswith(_PDF_MAGIC):
        raise JobAdError(
            _(
                "This is a PDF, and Kaffebro cannot read this file as text. Open the ad in your browser, save the "
                "page (.html) and upload that, or paste its JSON-LD."
            )
        )
    if data.startswith(_PICTURE_MAGIC) or (data[8:12] == b"WEBP" and data.startswith(b"RIFF")):
        raise JobAdError(
            _(
                "This is a picture, and Kaffebro cannot read this file as text. Open the ad in your browser, save "
                "the page (.html) and upload that, or paste its JSON-LD."
            )
        )
    if data.startswith(_PROGRAM_MAGIC):
        raise _unreadable()


def _too_big(size: int) -> JobAdError:
    return JobAdError(
        _("The file is too large (%(size)s MB). A job ad may be at most %(limit)s MB.")
        % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{MAX_BYTES / 1024 / 1024:.0f}"}
    )


# Finding the JSON-LD


class _JsonLdBlocks(HTMLParser):
    """Collects the text of every `<script type="application/ld+json">` block of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._inside: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        kind = next((value or "" for name, value in attrs if name == "type"), "")
        if kind.split(";")[0].strip().lower() == "application/ld+json":
            self._inside = []

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside is not None:
            self.blocks.append("".join(self._inside))
            self._inside = None


def _json_texts(text: str) -> list[str]:
    """The JSON texts to look in: the whole input when it is JSON, else the page's JSON-LD blocks."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        return [stripped]
    if "<" not in stripped:
        raise JobAdError(
            _(
                "This is neither JSON nor a web page. Paste the JSON-LD of the ad, or upload the saved page "
                "or the .json file."
            )
        )
    parser = _JsonLdBlocks()
    parser.feed(text)
    parser.close()
    if not parser.blocks:
        raise JobAdError(
            _(
                'The page has no JSON-LD block (<script type="application/ld+json">), so it does not say in a '
                "form Kaffebro can read what the job is. Write the posting by hand instead."
            )
        )
    return parser.blocks


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JobAdError(
            _("The JSON-LD is not valid JSON: %(problem)s (line %(line)d, column %(column)d).")
            % {"problem": error.msg, "line": error.lineno, "column": error.colno}
        ) from None
    except (ValueError, RecursionError):
        raise JobAdError(_("The JSON-LD is not valid JSON.")) from None


def _types(node: dict) -> set[str]:
    """The node's types without a vocabulary prefix ("schema:JobPosting", "https://schema.org/JobPosting")."""
    raw = node.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", value)[-1] for value in values if isinstance(value, str)}


def _nodes(value: Any) -> Iterator[dict]:
    """Every JSON object in the document, depth first, within the node, depth and item limits.

    The item limit bounds the work on a document of a million tiny values, which fits in the size limit: without
    it, a list of 600,000 empty objects took seconds to walk although only the first MAX_NODES are looked at."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen = 0
    budget = MAX_ITEMS
    while stack and seen < MAX_NODES:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(current, dict):
            seen += 1
            yield current
            children = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        children = children[:budget]
        budget -= len(children)
        stack.extend((child, depth + 1) for child in reversed(children))


@dataclass
class _Document:
    """The JobPostings found, and every node with an `@id`, so a reference can be followed."""

    postings: list[dict] = field(default_factory=list)
    by_id: dict[str, dict] = field(default_factory=dict)

    def add(self, document: Any) -> None:
        for node in _nodes(document):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                self.by_id.setdefault(node_id, node)
            if "JobPosting" in _types(node):
                self.postings.append(node)

    def follow(self, value: Any) -> Any:
        """A `{"@id": …}` reference replaced by the node it names, when the document has it."""
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            return self.by_id.get(value["@id"], value)
        return value


def _document(text: str) -> _Document:
    document = _Document()
    problem: JobAdError | None = None
    for block in _json_texts(text):
        try:
            document.add(_load(block.strip()))
        except JobAdError as error:
            problem = problem or error
    if not document.postings:
        raise problem or JobAdError(
            _(
                "No job posting was found: the JSON-LD has no object of the type JobPosting. Check that this is "
                "the ad itself and not, say, the job board's front page."
            )
        )
    return document


# The fields


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any, limit: int = MAX_TEXT_CHARS) -> str:
    value = _first(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return plain_text(value)[:limit].strip()


def _property_value(value: Any) -> str:
    """Text, a number, or a schema.org `PropertyValue` ({"name": …, "value": …})."""
    value = _first(value)
    if isinstance(value, dict):
        return _text(value.get("value"))
    return _text(value)


def _cvr(values: list[Any]) -> str:
    """A Danish CVR number among identifiers ("12345678", "DK12345678", "CVR 1234 5678", a PropertyValue)."""
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            text = _property_value(item)
            digits = re.sub(r"^\s*(?:DK|CVR)[\s:-]*", "", text, flags=re.IGNORECASE).replace(" ", "")
            if re.fullmatch(r"\d{8}", digits):
                return digits
    return ""


SOCIAL_HOSTS = ("linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com")


def _web_address(value: Any) -> str:
    """The employer's own web site: the first address that is not a profile on a social network."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and _is_web_address(item.strip()):
            host = (urlsplit(item.strip()).hostname or "").removeprefix("www.")
            if not any(host == social or host.endswith("." + social) for social in SOCIAL_HOSTS):
                return item.strip()
    return ""


def _is_web_address(value: str) -> bool:
    if len(value) > MAX_URL_CHARS or urlsplit(value).scheme not in ("http", "https"):
        return False
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _employer(document: _Document, value: Any) -> Employer | None:
    value = document.follow(_first(value))
    if isinstance(value, str):
        name = _text(value)
        return Employer(name=name) if name else None
    if not isinstance(value, dict):
        return None
    name = _text(value.get("name")) or _text(value.get("legalName"))
    if not name:
        return None
    return Employer(
        name=name,
        cvr=_cvr([value.get("identifier"), value.get("taxID"), value.get("vatID")]),
        website=_web_address(value.get("url")) or _web_address(value.get("sameAs")),
    )


def _deadline(value: Any, warnings: list[str]) -> datetime.date | None:
    value = _first(value)
    if value in (None, ""):
        return None
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        warnings.append(
            _("The deadline in the ad (“%(value)s”) is not a date, so it was left out. Set it below.")
            % {"value": str(value)[:40]}
        )
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(COPENHAGEN)
    return moment.date()


EMPLOYMENT_TYPES = {
    "FULL_TIME": EmploymentType.FULL_TIME,
    "FULLTIME": EmploymentType.FULL_TIME,
    "FULDTID": EmploymentType.FULL_TIME,
    "PART_TIME": EmploymentType.PART_TIME,
    "PARTTIME": EmploymentType.PART_TIME,
    "DELTID": EmploymentType.PART_TIME,
    "TEMPORARY": EmploymentType.TEMPORARY,
    "TIDSBEGRÆNSET": EmploymentType.TEMPORARY,
    "MIDLERTIDIG": EmploymentType.TEMPORARY,
    "VIKAR": EmploymentType.TEMPORARY,
    "CONTRACTOR": EmploymentType.CONTRACTOR,
    "FREELANCE": EmploymentType.CONTRACTOR,
    "INTERN": EmploymentType.INTERN,
    "INTERNSHIP": EmploymentType.INTERN,
    "PRAKTIK": EmploymentType.INTERN,
    "PRAKTIKANT": EmploymentType.INTERN,
    "TRAINEE": EmploymentType.INTERN,
    "ELEV": EmploymentType.INTERN,
    "VOLUNTEER": EmploymentType.VOLUNTEER,
    "FRIVILLIG": EmploymentType.VOLUNTEER,
    "PER_DIEM": EmploymentType.OTHER,
    "OTHER": EmploymentType.OTHER,
}


def _employment_type(value: Any) -> str:
    """The first kind the ad names that Kaffebro knows; "other" for a kind it does not, "" when there is none."""
    values = [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str)]
    for item in values:
        key = re.sub(r"[\s-]+", "_", item.strip().upper().removeprefix("HTTPS://SCHEMA.ORG/"))
        if key in EMPLOYMENT_TYPES:
            return str(EMPLOYMENT_TYPES[key])
    return str(EmploymentType.OTHER) if any(item.strip() for item in values) else ""


def _place_name(document: _Document, place: Any) -> str:
    place = document.follow(place)
    if isinstance(place, str):
        return _text(place)
    if not isinstance(place, dict):
        return ""
    address = document.follow(_first(place.get("address")))
    if isinstance(address, str):
        return _text(address)
    if not isinstance(address, dict):
        return _text(place.get("name"))
    locality = _text(address.get("addressLocality"))
    region = _text(address.get("addressRegion"))
    parts = [locality] if locality else []
    if region and region.casefold() != locality.casefold():
        parts.append(region)
    return ", ".join(parts) or _text(address.get("streetAddress")) or _text(place.get("name"))


def _location(document: _Document, posting: dict) -> str:
    places = posting.get("jobLocation")
    names: list[str] = []
    for place in places if isinstance(places, list) else [places]:
        name = _place_name(document, place)
        if name and name not in names:
            names.append(name)
    if not names and _text(posting.get("jobLocationType")).upper() == "TELECOMMUTE":
        names.append(_("Remote"))
    return "; ".join(names)[:MAX_TEXT_CHARS].strip()


def _description(value: Any) -> str:
    """The description's HTML; an entity-escaped one ("&lt;p&gt;…") is unescaped once. Not yet sanitised."""
    value = _first(value)
    if not isinstance(value, str):
        return ""
    if "<" not in value and re.search(r"&lt;\s*/?\s*[a-zA-Z]", value):
        value = html.unescape(value)
    return value.strip()


def _url(value: Any, warnings: list[str]) -> str:
    text = _first(value)
    if not isinstance(text, str) or not text.strip():
        return ""
    if _is_web_address(text.strip()):
        return text.strip()
    warnings.append(_("The ad's link is not a web address, so it was left out."))
    return ""


def _job_ad(document: _Document) -> JobAd:
    posting = document.postings[0]
    warnings: list[str] = []
    if len(document.postings) > 1:
        warnings.append(
            _("The input has %(count)d job postings; the first one was read.") % {"count": len(document.postings)}
        )
    title = _text(posting.get("title"), limit=10_000) or _text(posting.get("name"), limit=10_000)
    if not title:
        raise JobAdError(_("The job ad has no title (the JobPosting's “title”), so it cannot become a posting."))
    if len(title) > MAX_TITLE_CHARS:
        warnings.append(
            _("The title was shortened to %(limit)d characters.") % {"limit": MAX_TITLE_CHARS},
        )
        title = title[:MAX_TITLE_CHARS].strip()
    employer = _employer(document, posting.get("hiringOrganization"))
    if employer is None:
        raise JobAdError(
            _("The job ad does not name the employer (the JobPosting's “hiringOrganization”), so it cannot be placed.")
        )
    return JobAd(
        title=title,
        employer=employer,
        deadline=_deadline(posting.get("validThrough"), warnings),
        employment_type=_employment_type(posting.get("employmentType")),
        location=_location(document, posting),
        description=_description(posting.get("description")),
        identifier=_property_value(posting.get("identifier")),
        url=_url(posting.get("url"), warnings),
        warnings=tuple(warnings),
    )


def read_job_ad(data: bytes | str) -> JobAd:
    """The job ad in an uploaded file or pasted text; `JobAdError` with a translated reason when there is none."""
    if isinstance(data, str):
        size = len(data.encode("utf-8", errors="replace"))
        if size > MAX_BYTES:
            raise _too_big(size)
        text = data.lstrip("\ufeff")
    else:
        if len(data) > MAX_BYTES:
            raise _too_big(len(data))
        _refuse_binary(data)
        text = _decode(data)
    if "\x00" in text:
        raise _unreadable()
    if not text.strip():
        raise JobAdError(_("The job ad is empty. Upload the saved page or the .json file, or paste the JSON-LD."))
    return _job_ad(_document(text))
