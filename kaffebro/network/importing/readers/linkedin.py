"""LinkedIn's Connections.csv, in its current form (a `Notes:` preamble, a URL column) and its older one.

The header is found by its content because the preamble's length has changed over the years and may again.
Reading must stay fast: a member with LinkedIn's maximum of 30,000 connections waits for it in the request.
"""

from __future__ import annotations

import operator

from django.utils.translation import gettext as _

from kaffebro.network.importing.readers import rejections
from kaffebro.network.importing.readers.spreadsheet import Header, data_rows, header_key, lines, parse_date, split_line
from kaffebro.network.importing.records import ContactRecord, ReadResult

HEADER_SEARCH_LINES = 50
FIELDS = {
    "firstname": "first_name",
    "lastname": "last_name",
    "url": "profile_url",
    "emailaddress": "email",
    "company": "organisation",
    "position": "title",
    "connectedon": "connected_on",
}
FIELD_ORDER = ("first_name", "last_name", "profile_url", "email", "organisation", "title", "connected_on")


def find_header(text: str) -> Header | None:
    """The line naming First Name, Last Name, Company and Position or Connected On."""
    for line, _start, end in lines(text, HEADER_SEARCH_LINES):
        if "first name" not in line.casefold():
            continue
        columns = split_line(line, ",")
        keys = {header_key(column) for column in columns}
        if {"firstname", "lastname", "company"} <= keys and keys & {"position", "connectedon"}:
            return Header(columns, ",", end)
    return None


def read_linkedin(text: str, max_rows: int) -> ReadResult:
    header = find_header(text)
    if header is None:
        raise rejections.not_contacts()
    mapping = {column: FIELDS.get(header_key(column), "") for column in header.columns}
    width = len(header.columns)
    # Each field's column; a column the export lacks (older ones have no URL) points at the padding cell.
    positions = {field: width for field in FIELD_ORDER}
    for index, column in reversed(list(enumerate(header.columns))):
        if mapping[column]:
            positions[mapping[column]] = index
    pick = operator.itemgetter(*(positions[field] for field in FIELD_ORDER))
    padding = [""] * (width + 1)
    records, skipped = [], []
    no_name = _("This row has no name.")
    for row_number, row in data_rows(text, header, max_rows):
        if len(row) <= width:
            row += padding[len(row) :]
        record = linkedin_record(row_number, *map(str.strip, pick(row)))
        if record is None:
            skipped.append((row_number, no_name))
        else:
            records.append(record)
    return ReadResult("linkedin", records, columns=header.columns, mapping=mapping, skipped=skipped)


def linkedin_record(
    row_number: int, first: str, last: str, url: str, email: str, organisation: str, title: str, connected_on: str
) -> ContactRecord | None:
    full_name = f"{first} {last}".strip()
    if not full_name:
        return None
    return ContactRecord(
        row_number=row_number,
        full_name=full_name,
        first_name=first,
        last_name=last,
        organisation=organisation,
        title=title,
        profile_url=url,
        emails=(email,) if email else (),
        connected_on=parse_date(connected_on, True),  # month first: 12/3/17 is 3 December
    )
