"""Reading contact files: recognise the format, read it into ContactRecords, or refuse it with a clear reason.

`read_contacts` is the only way in, so the limits and the promise that nothing but ImportRejected escapes hold for
every caller (upload, preview, background task, command line). Limits are read at call time so that an operator's
setting, or a test's override, applies without a restart.
"""

from __future__ import annotations

from django.conf import settings

from kaffebro.network.importing.readers import linkedin, rejections, spreadsheet, text, vcard
from kaffebro.network.importing.records import ReadResult

FORMATS = ("linkedin", "vcard", "csv")


def read_contacts(data: bytes, *, format: str = "auto", mapping: dict[str, str] | None = None) -> ReadResult:
    """Read a contact file. `format` is "auto" or one of FORMATS; `mapping` (column -> field or "") applies to CSV.

    Raises ImportRejected (code and translated message) for any file that cannot be read, and ValueError only for
    a `format` no caller should pass.
    """
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"Unknown contact file format {format!r}")
    content = decoded(data)
    found = recognised(content)
    if format == "auto":
        format = found or ("csv" if mapping is not None else "")
    elif found and found != format and (format, found) != ("csv", "linkedin"):  # LinkedIn's export is a CSV too
        raise rejections.wrong_format(format, found)
    max_rows = settings.IMPORT_MAX_ROWS
    if format == "linkedin":
        return linkedin.read_linkedin(content, max_rows)
    if format == "vcard":
        return vcard.read_vcards(content, max_rows)
    if format == "csv":
        return spreadsheet.read_spreadsheet(content, mapping, max_rows)
    raise rejections.not_contacts()


def detect_format(data: bytes) -> str:
    """ "linkedin", "vcard" or "csv"; refuses the file (ImportRejected) when it is none of them."""
    found = recognised(decoded(data))
    if not found:
        raise rejections.not_contacts()
    return found


def decoded(data: bytes) -> str:
    """The file as text, after the size limit: nothing else is done with a file that is too large."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise rejections.too_large(len(data), settings.IMPORT_MAX_BYTES)
    return text.decode(data)


def recognised(content: str) -> str:
    """The format the content is in, or "" when it is no contact file we know."""
    if vcard.looks_like_vcard(content):
        return "vcard"
    if linkedin.find_header(content):
        return "linkedin"
    if spreadsheet.find_header(content):
        return "csv"
    return ""
