"""What every reader yields and how it refuses: the contract between readers, resolution and the UI."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class ContactRecord:
    """One contact as the file says it, cleaned of surrounding whitespace; nothing resolved yet.

    `row_number` is the 1-based data row (or card) in the file, used in the summary.
    """

    row_number: int
    full_name: str
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    unit: str = ""
    title: str = ""
    profile_url: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    connected_on: datetime.date | None = None
    how_known: str = ""


# The fields a spreadsheet column can be mapped to (the member may change the mapping in the preview).
MAPPABLE_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "organisation",
    "unit",
    "title",
    "profile_url",
    "connected_on",
    "how_known",
)


@dataclass(frozen=True)
class ReadResult:
    format: str  # "linkedin", "vcard" or "csv"
    records: list[ContactRecord]
    columns: list[str] = field(default_factory=list)  # the header as found (CSV formats)
    mapping: dict[str, str] = field(default_factory=dict)  # column name -> one of MAPPABLE_FIELDS (CSV formats)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row_number, translated reason) of unusable rows


class ImportRejected(Exception):
    """The file cannot be imported; `message` is translated and safe to show the member."""

    def __init__(self, code: str, message: str | Promise):
        super().__init__(str(message))
        self.code = code
        self.message = message
