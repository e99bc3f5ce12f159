"""vCard 2.1, 3.0 and 4.0 as Apple Contacts, Google Contacts and Outlook export them.

vobject parses each line's name, group and parameters. The rest of vobject is not used, each for a reason a
member would feel: its whole-file reader stops at the first damaged card; its line unfolding re-reads the line for
every folded part, which takes minutes on a large PHOTO; its line pattern backtracks exponentially on some damaged
lines (so every line is first checked against an equivalent linear pattern); and its value decoding drops whatever
follows an unescaped comma in FN and TITLE. So lines are unfolded and values decoded here, card by card, and one
damaged card is skipped with a reason while the rest are read.
"""

from __future__ import annotations

import binascii
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from vobject.base import parseLine

from kaffebro.network.importing.readers import rejections
from kaffebro.network.importing.records import ContactRecord, ReadResult

# The grammar vobject's line pattern accepts, written so that it cannot backtrack: name, parameters, colon.
_NAME = r"[A-Za-z0-9_-]+"
_PARAM_VALUE = r'(?:"[^"]*"|[^";:,]*)'
LINE = re.compile(rf"(?:{_NAME}\.)?(?P<name>{_NAME})(?:;{_NAME}(?:={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)?)*:")
BOUNDARY = re.compile(r"\s*(BEGIN|END)\s*:\s*VCARD\s*", re.IGNORECASE)
VCARD_START = re.compile(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE | re.MULTILINE)
KIND_PROPERTIES = {"KIND", "X-ABSHOWAS", "X-ADDRESSBOOKSERVER-KIND"}  # Apple marks company and group cards its own way
WANTED = {"FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "URL", "X-SOCIALPROFILE", *KIND_PROPERTIES}
NOT_A_PERSON = {"company", "org", "group", "location"}
ESCAPED = re.compile(r"\\(.)", re.DOTALL)
ESCAPED_OR_SEPARATOR = re.compile(r"\\.|;", re.DOTALL)
ESCAPED_OR_COMMA = re.compile(r"(\\.)|,", re.DOTALL)
DAMAGED_LINE_SHOWN = 40
MAX_VALUES = 10  # of one property per card: a person has no more addresses or phones than this


@dataclass(frozen=True)
class Property:
    name: str
    value: str  # decoded from quoted-printable or base64, still backslash-escaped


class Unusable(Exception):
    """A card that cannot become a contact; the message is the translated reason shown in the summary."""


def looks_like_vcard(text: str) -> bool:
    return VCARD_START.search(text, 0, 64 * 1024) is not None


def read_vcards(text: str, max_rows: int) -> ReadResult:
    records, skipped = [], []
    number = 0
    for number, lines in enumerate(cards(text), start=1):
        if number > max_rows:
            raise rejections.too_many_rows(max_rows)
        try:
            records.append(card_record(number, lines))
        except Unusable as unusable:
            skipped.append((number, str(unusable)))
    if not number:
        raise rejections.no_vcards()
    return ReadResult("vcard", records, skipped=skipped)


def cards(text: str) -> Iterator[list[str] | None]:
    """The logical lines of each card between BEGIN:VCARD and END:VCARD; None for a card that never ends."""
    current: list[str] | None = None
    for line in logical_lines(text):
        boundary = BOUNDARY.fullmatch(line)
        if boundary and boundary[1].upper() == "BEGIN":
            if current is not None:
                yield None
            current = []
        elif boundary:
            if current is not None:
                yield current
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        yield None


def logical_lines(text: str) -> Iterator[str]:
    """Join folded lines (a continuation starts with a space or tab) and quoted-printable soft line breaks (a QP
    value ending in "="; kept as "=\\n" for the QP decoder). A blank line ends a line, as vCard 2.1 PHOTO data needs."""
    parts: list[str] = []
    quoted_printable = False
    for line in text.split("\n"):
        if parts and quoted_printable and parts[-1].endswith("="):
            parts.append("\n" + line)
        elif line[:1] in (" ", "\t") and line.strip():
            parts.append(line[1:])
        else:
            if parts:
                yield "".join(parts)
            parts = [line] if line.strip() else []
            quoted_printable = "quoted-printable" in line.partition(":")[0].casefold()
    if parts:
        yield "".join(parts)


def card_record(number: int, lines: list[str] | None) -> ContactRecord:
    if lines is None:
        raise Unusable(_("This card is cut off: its END:VCARD line is missing."))
    props = properties(lines)
    if any(prop.name in KIND_PROPERTIES and unescaped(prop.value).casefold() in NOT_A_PERSON for prop in props):
        raise Unusable(_("This card is for an organisation or a group, not a person."))
    family, given = [*name_parts(first_of(props, "N")), ""][:2]
    full_name = single_line(first_of(props, "FN")) or f"{given} {family}".strip()
    if not full_name:
        raise Unusable(_("This card has no name."))
    # ORG:Organisation;Unit — a unit below the unit, which some exporters add, is kept after a comma.
    organisation, *units = [single_line(part) for part in components(first_of(props, "ORG"))]
    return ContactRecord(
        row_number=number,
        full_name=full_name,
        first_name=given,
        last_name=family,
        organisation=organisation,
        unit=", ".join(unit for unit in units if unit),
        title=single_line(first_of(props, "TITLE")),
        profile_url=linkedin_url(props),
        emails=all_of(props, "EMAIL", "mailto:"),
        phones=all_of(props, "TEL", "tel:"),
    )


def properties(lines: list[str]) -> list[Property]:
    """The card's properties that matter for a contact; a line that is not a property makes the card unusable."""
    props = []
    parsed: Counter[str] = Counter()
    for line in lines:
        match = LINE.match(line)
        if match is None:
            shown = line[:DAMAGED_LINE_SHOWN] + ("…" if len(line) > DAMAGED_LINE_SHOWN else "")
            raise Unusable(_("This card is damaged and could not be read (at “%(line)s”).") % {"line": shown})
        name = match["name"].upper()
        if name in WANTED and parsed[name] < MAX_VALUES:  # vobject's parser is slow: only what can be used
            parsed[name] += 1
            _name, params, value, _group = parseLine(line)
            props.append(Property(name, decoded(value, params)))
    return props


def decoded(value: str, params: list[list[str]]) -> str:
    """Undo quoted-printable or base64 with the declared CHARSET, which vobject only does case-sensitively and
    strictly (Outlook writes `CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE`)."""
    if not params:
        return value
    named = {param[0].upper(): param[1:] for param in params if len(param) > 1}
    charset = next(iter(named.get("CHARSET", [])), "utf-8")
    encodings = {item.casefold() for item in named.get("ENCODING", [])}
    encodings |= {param[0].casefold() for param in params if len(param) == 1}  # vCard 2.1's bare QUOTED-PRINTABLE
    if "quoted-printable" in encodings:
        return bytes_to_text(binascii.a2b_qp(text_to_bytes(value, charset)), charset)
    if encodings & {"b", "base64"}:
        try:
            return bytes_to_text(binascii.a2b_base64(value), charset)
        except binascii.Error:
            return ""
    return value


def text_to_bytes(value: str, charset: str) -> bytes:
    try:
        return value.encode(charset)
    except (LookupError, UnicodeError):
        return value.encode("utf-8", errors="replace")


def bytes_to_text(data: bytes, charset: str) -> str:
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeError):
            continue
    return data.decode("cp1252", errors="replace")


def unescaped(value: str) -> str:
    """Unescape a text value: \\n is a newline, any other escaped character stands for itself."""
    return ESCAPED.sub(lambda match: "\n" if match[1] in "nN" else match[1], value).strip()


def single_line(value: str) -> str:
    """A text value on one line; unescaped commas stay, so "Chef, IT" keeps its second half."""
    return " ".join(unescaped(value).split())


def components(value: str) -> list[str]:
    """Split a structured value (N, ORG) at its unescaped semicolons."""
    parts, start = [], 0
    for match in ESCAPED_OR_SEPARATOR.finditer(value):
        if match[0] == ";":
            parts.append(value[start : match.start()])
            start = match.end()
    return [*parts, value[start:]]


def name_parts(value: str) -> list[str]:
    """N's components (family; given; ...); several values in one component, separated by commas, become words."""
    return [single_line(ESCAPED_OR_COMMA.sub(lambda match: match[1] or " ", part)) for part in components(value)]


def first_of(props: list[Property], name: str) -> str:
    return next((prop.value for prop in props if prop.name == name), "")


def all_of(props: list[Property], name: str, scheme: str) -> tuple[str, ...]:
    """Every value of a repeated property, in file order, without a URI scheme and without repeats."""
    values: dict[str, str] = {}
    for prop in props:
        if prop.name == name and (value := single_line(prop.value)):
            value = value[len(scheme) :] if value.casefold().startswith(scheme) else value
            values.setdefault(value.casefold(), value)
    return tuple(values.values())


def linkedin_url(props: list[Property]) -> str:
    urls = (single_line(prop.value) for prop in props if prop.name in ("URL", "X-SOCIALPROFILE"))
    return next((url for url in urls if "linkedin.com" in url.casefold()), "")
