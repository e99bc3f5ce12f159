"""Spreadsheet CSV as members keep their contacts: any delimiter, Danish or English headers, a mapping they can change.

The header is found by its content (a title row above it is common), the delimiter as the one under which the
header names known fields (csv.Sniffer, then counting, decide a tie), and the columns are mapped to contact fields
by their names. The LinkedIn reader shares the row reading, so both refuse unbalanced quotes the same way.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kaffebro.network.importing.readers import rejections
from kaffebro.network.importing.records import MAPPABLE_FIELDS, ContactRecord, ReadResult

DELIMITERS = ";\t,"  # in order of preference when a header line holds as many of each
HEADER_SEARCH_LINES = 20
MAX_HEADER_CHARS = 10_000  # Google's export, the widest, has about 3,000
SNIFF_SAMPLE = 2048  # csv.Sniffer is quadratic on some inputs; a header and a few rows are enough
NAME_FIELDS = ("full_name", "first_name", "last_name")
MULTI_FIELDS = ("email", "phone")  # several columns may feed these (Google's "E-mail 1", "E-mail 2", ...)

# Header names, normalised by `header_key`. Where several columns claim one field the earlier alias wins: Outlook's
# "Job Title" beats its "Title", which holds Mr. or Mrs.
ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("navn", "fuldenavn", "fuldtnavn", "name", "fullname", "displayname", "kontaktperson"),
    "first_name": ("fornavn", "firstname", "givenname", "forename"),
    "last_name": ("efternavn", "lastname", "surname", "familyname"),
    "email": ("email", "emailadresse", "emailaddress", "mail", "mailadresse", "epost"),
    "phone": (
        "telefon",
        "telefonnummer",
        "tlf",
        "tlfnr",
        "mobil",
        "mobilnummer",
        "mobiltelefon",
        "arbejdstelefon",
        "phone",
        "phonenumber",
        "telephone",
        "mobile",
        "mobilephone",
        "cellphone",
        "businessphone",
    ),
    "organisation": (
        "virksomhed",
        "firma",
        "arbejdsplads",
        "arbejdsgiver",
        "organisation",
        "organization",
        "company",
        "companyname",
        "organisationname",
        "organizationname",
        "employer",
    ),
    "unit": ("afdeling", "enhed", "department", "unit", "organisationdepartment", "organizationdepartment", "division"),
    "title": (
        "jobtitle",
        "jobtitel",
        "stilling",
        "stillingsbetegnelse",
        "position",
        "titel",
        "title",
        "organisationtitle",
        "organizationtitle",
        "rolle",
        "role",
    ),
    "profile_url": (
        "linkedin",
        "linkedinurl",
        "linkedinprofil",
        "linkedinprofile",
        "profil",
        "profile",
        "profilurl",
        "profileurl",
        "url",
    ),
    "connected_on": ("connectedon", "forbundet", "forbundetden", "forbundetsiden", "kendtsiden", "since"),
    "how_known": (
        "hvordanvikenderhinanden",
        "hvordankendervihinanden",
        "kendtfra",
        "kenderfra",
        "relation",
        "relationship",
        "howweknoweachother",
        "howweknow",
        "howknown",
    ),
}
ALIAS_FIELDS = {alias: (field, rank) for field, aliases in ALIASES.items() for rank, alias in enumerate(aliases)}
NON_BLANK_LINE = re.compile(r"^[^\S\n]*\S[^\n]*", re.MULTILINE)
NOT_A_KEY = re.compile(r"[\W_\d]+")
MULTI_VALUE = re.compile(r"\s*:::\s*")  # Google's separator for several values in one cell
EMAIL_SEPARATOR = re.compile(r"\s*(?::::|[;,])\s*")

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "maj": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9}
MONTHS |= {"oct": 10, "okt": 10, "nov": 11, "dec": 12}
NAMED_DATE = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]{3,})\.?,?\s+(\d{4})")  # 14 Mar 2024, 14. marts 2024
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")  # 12/3/17, 14-03-2024, 14.03.2024


@dataclass(frozen=True)
class Header:
    columns: list[str]
    delimiter: str
    start: int  # where the data rows begin in the text


def header_key(name: str) -> str:
    """Compare header names without case, spaces, punctuation or numbering ("E-mail 2 - Value" is "email")."""
    key = NOT_A_KEY.sub("", name.casefold())
    return key.removesuffix("value") if key != "value" else key


def detect_mapping(columns: list[str]) -> dict[str, str]:
    """Map each column to the field its name suggests ("" for none); one column per field except e-mail and phone."""
    mapping = dict.fromkeys(columns, "")
    best: dict[str, tuple[int, str]] = {}
    for column in columns:
        field, rank = ALIAS_FIELDS.get(header_key(column), ("", 0))
        if field in MULTI_FIELDS:
            mapping[column] = field
        elif field and (field not in best or rank < best[field][0]):
            best[field] = (rank, column)
    for field, (_rank, column) in best.items():
        mapping[column] = field
    return mapping


def has_name(mapping: dict[str, str]) -> bool:
    return any(field in NAME_FIELDS for field in mapping.values())


def recognised(mapping: dict[str, str]) -> int:
    return sum(bool(field) for field in mapping.values())


def lines(text: str, limit: int) -> Iterator[tuple[str, int, int]]:
    """The first `limit` non-blank physical lines that could be a header, each with its start and the offset just
    after it. A line longer than any header is passed over: splitting it would only cost time."""
    for match in itertools.islice(NON_BLANK_LINE.finditer(text), limit):
        if len(match[0]) <= MAX_HEADER_CHARS:
            yield match[0], match.start(), match.end() + 1


def split_line(line: str, delimiter: str) -> list[str]:
    """One line's cells; a line too long for the csv module is no header."""
    try:
        return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]
    except csv.Error:
        return []


def find_header(text: str) -> Header | None:
    """The header row: the first line naming a name column, else one naming two known fields, else nothing."""
    candidates = [
        (line, start, end, columns_by_delimiter(line)) for line, start, end in lines(text, HEADER_SEARCH_LINES)
    ]
    for wanted in (has_name, lambda mapping: recognised(mapping) >= 2):
        for line, start, end, splits in candidates:
            fitting = {delimiter: columns for delimiter, columns in splits.items() if wanted(detect_mapping(columns))}
            if fitting:
                delimiter = best_delimiter(fitting, line, text[start : start + SNIFF_SAMPLE])
                return Header(fitting[delimiter], delimiter, end)
    return None


def first_line_header(text: str) -> Header | None:
    """Without a recognisable header, the first line is the header: the member maps its columns by hand."""
    for line, _start, end in lines(text, 1):
        delimiter = max(DELIMITERS, key=line.count)
        return Header(split_line(line, delimiter), delimiter, end)
    return None


def columns_by_delimiter(line: str) -> dict[str, list[str]]:
    """The line split at each candidate delimiter it holds (at "," when it holds none: a one-column file)."""
    return {delimiter: split_line(line, delimiter) for delimiter in DELIMITERS if delimiter in line} or {
        ",": split_line(line, ",")
    }


def best_delimiter(splits: dict[str, list[str]], line: str, sample: str) -> str:
    """The delimiter under which the header names the most known fields; csv.Sniffer breaks a tie (a header such
    as "Navn;Noter, Fornavn" names one field either way), and failing that the commonest delimiter in the line wins."""
    known = {delimiter: recognised(detect_mapping(columns)) for delimiter, columns in splits.items()}
    tied = "".join(delimiter for delimiter in splits if known[delimiter] == max(known.values()))
    if len(tied) > 1:
        try:
            sniffed = csv.Sniffer().sniff(sample, delimiters=tied).delimiter
        except csv.Error:
            sniffed = ""
        if sniffed and sniffed in tied:
            return sniffed
    return max(tied, key=line.count)


def data_rows(text: str, header: Header, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each non-blank row after the header.

    A quote opened and never closed makes the csv module swallow the rest of the file into one cell without
    complaint; such a cell (one reaching the end of the file, or holding lines shaped like rows) is refused.
    """
    reader = csv.reader(io.StringIO(text[header.start :], newline=""), delimiter=header.delimiter)
    needed = max(1, len(header.columns) - 1)
    row_number = count = last_line = 0
    row: list[str] = []
    try:
        for row in reader:
            row_number += 1
            spanned, last_line = reader.line_num - last_line > 1, reader.line_num
            if not any(row):
                continue
            count += 1
            if count > max_rows:
                raise rejections.too_many_rows(max_rows)
            if spanned and swallows_rows(row, header.delimiter, needed):
                raise rejections.unbalanced_quotes(row_number)
            yield row_number, row
    except csv.Error:  # a cell beyond csv.field_size_limit: only an unclosed quote makes one that large
        raise rejections.unbalanced_quotes(row_number + 1) from None
    if row and row[-1].endswith("\n"):
        raise rejections.unbalanced_quotes(row_number)


def swallows_rows(row: list[str], delimiter: str, needed: int) -> bool:
    return any(any(line.count(delimiter) >= needed for line in cell.split("\n")[1:]) for cell in row if "\n" in cell)


@functools.lru_cache(maxsize=4096)
def parse_date(text: str, month_first: bool = False) -> datetime.date | None:
    """A date as exports write it (14 Mar 2024, 12/3/17, 2024-03-14, 14-03-2024); None when it is not one."""
    text = text.strip().casefold()
    try:
        if match := NAMED_DATE.match(text):
            month = MONTHS.get(match[2][:3])
            return datetime.date(int(match[3]), month, int(match[1])) if month else None
        if match := ISO_DATE.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := NUMERIC_DATE.match(text):
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            month, day = (first, second) if month_first else (second, first)
            if month > 12 >= day:  # the other order after all (03/14/2024 in an American file)
                month, day = day, month
            return datetime.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:  # 31 February and the like
        return None
    return None


def emails_in(cell: str) -> list[str]:
    return [email for email in EMAIL_SEPARATOR.split(cell) if email]


def read_spreadsheet(text: str, mapping: dict[str, str] | None, max_rows: int) -> ReadResult:
    """Read a CSV spreadsheet with the detected mapping, or with the member's own."""
    header = find_header(text) or first_line_header(text)
    if header is None:
        raise rejections.not_contacts()
    used = detect_mapping(header.columns) if mapping is None else member_mapping(header.columns, mapping)
    if not has_name(used):
        raise rejections.no_name_column()
    plan = [(index, used[column]) for index, column in enumerate(header.columns) if used.get(column)]
    records, skipped = [], []
    for row_number, row in data_rows(text, header, max_rows):
        record = spreadsheet_record(row_number, row, plan)
        if record is None:
            skipped.append((row_number, _("This row has no name.")))
        else:
            records.append(record)
    return ReadResult("csv", records, columns=header.columns, mapping=used, skipped=skipped)


def member_mapping(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The member's mapping for exactly the file's columns; a column they left out, or mapped to nothing known, is
    ignored."""
    return {column: field if (field := mapping.get(column, "")) in MAPPABLE_FIELDS else "" for column in columns}


def spreadsheet_record(row_number: int, row: list[str], plan: list[tuple[int, str]]) -> ContactRecord | None:
    values: dict[str, str] = {}
    emails: list[str] = []
    phones: list[str] = []
    for index, field in plan:
        value = row[index].strip() if index < len(row) else ""
        if not value:
            continue
        if field == "email":
            emails.extend(emails_in(value))
        elif field == "phone":
            phones.extend(phone for phone in MULTI_VALUE.split(value) if phone)
        else:
            values.setdefault(field, value)
    first, last = values.get("first_name", ""), values.get("last_name", "")
    full_name = values.get("full_name") or f"{first} {last}".strip()
    if not full_name:
        return None
    return ContactRecord(
        row_number=row_number,
        full_name=full_name,
        first_name=first,
        last_name=last,
        organisation=values.get("organisation", ""),
        unit=values.get("unit", ""),
        title=values.get("title", ""),
        profile_url=values.get("profile_url", ""),
        emails=tuple(unique(emails)),
        phones=tuple(unique(phones)),
        connected_on=parse_date(values.get("connected_on", "")),
        how_known=values.get("how_known", ""),
    )


def unique(values: list[str]) -> list[str]:
    """Drop repeats (ignoring case), keeping the first of each in its place."""
    kept: dict[str, str] = {}
    for value in values:
        kept.setdefault(value.casefold(), value)
    return list(kept.values())
