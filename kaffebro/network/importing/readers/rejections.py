"""Every way a contact file can be refused, each with a message that tells the member what to do next.

The messages are translated when the rejection is raised, so they come out in the language of the request that
uploaded the file. Keeping them in one module keeps the wording consistent across the readers.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kaffebro.network.importing.records import ImportRejected


def empty() -> ImportRejected:
    return ImportRejected(
        "empty",
        _("The file is empty. Choose the file you exported from LinkedIn, your address book or your spreadsheet."),
    )


def too_large(size: int, limit: int) -> ImportRejected:
    message = _(
        "The file is %(size)s, and the largest file you can import is %(limit)s. "
        "Split it into smaller files and import them one at a time."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    return ImportRejected("too_large", message)


def workbook() -> ImportRejected:
    return ImportRejected(
        "binary",
        _(
            "This is a spreadsheet workbook (such as Excel or Numbers), not a CSV file. Open it and save it as CSV "
            "(in Excel: File, Save As, CSV UTF-8), then import the CSV file."
        ),
    )


def archive() -> ImportRejected:
    return ImportRejected(
        "binary",
        _(
            "This is a ZIP archive. LinkedIn sends your data as a ZIP file: unpack it and import the file "
            "Connections.csv from inside it."
        ),
    )


def compressed() -> ImportRejected:
    return ImportRejected(
        "binary",
        _(
            "This is a compressed file (gzip). Kaffebro does not unpack files: unpack it on your computer and "
            "import the contact file inside (a .csv or .vcf file)."
        ),
    )


def binary() -> ImportRejected:
    return ImportRejected(
        "binary",
        _(
            "This is not a text file (it may be a picture, a PDF or a program). Export your contacts as a CSV or "
            "vCard (.vcf) file and import that."
        ),
    )


def encoding() -> ImportRejected:
    return ImportRejected(
        "encoding",
        _(
            "We could not read the letters in this file: it is saved in an encoding we do not recognise, or "
            "letters such as æ, ø and å have been garbled. Save it again as CSV UTF-8 (in Excel: File, Save As, "
            "CSV UTF-8) and import it again."
        ),
    )


def not_contacts() -> ImportRejected:
    return ImportRejected(
        "not_contacts",
        _(
            "This does not look like a list of contacts. Import LinkedIn's Connections.csv, a vCard file (.vcf) "
            "from your address book, or a spreadsheet saved as CSV with a header row such as Name, Company, Title."
        ),
    )


def no_vcards() -> ImportRejected:
    return ImportRejected(
        "not_contacts",
        _(
            "This file contains no contact cards. A vCard file has one BEGIN:VCARD line per contact; export your "
            "address book again as vCard (.vcf)."
        ),
    )


def no_name_column() -> ImportRejected:
    return ImportRejected(
        "no_name_column",
        _(
            "We could not find a column with names. Give the name column a header such as Name, or First name and "
            "Last name, or choose which column holds the names."
        ),
    )


def unbalanced_quotes(row: int) -> ImportRejected:
    message = _(
        'A quotation mark (") in row %(row)s is opened but never closed, so the rest of the file cannot be read. '
        "Remove that quotation mark or add the missing one, and import the file again."
    ) % {"row": row}
    return ImportRejected("unbalanced_quotes", message)


def too_many_rows(limit: int) -> ImportRejected:
    message = _(
        "The file has more than %(limit)s contacts. Split it into files of at most %(limit)s contacts and import "
        "them one at a time."
    ) % {"limit": number_format(limit, force_grouping=True)}
    return ImportRejected("too_many_rows", message)


def format_name(fmt: str) -> str:
    """The member-facing name of a format, as the upload form's choice shows it."""
    names = {"linkedin": _("LinkedIn connections"), "vcard": _("vCard (.vcf)"), "csv": _("spreadsheet (CSV)")}
    return names[fmt]


def wrong_format(chosen: str, found: str) -> ImportRejected:
    message = _(
        "You chose %(chosen)s, but this file is %(found)s. Choose %(found)s, or let us recognise the format."
    ) % {"chosen": format_name(chosen), "found": format_name(found)}
    return ImportRejected("wrong_format", message)
