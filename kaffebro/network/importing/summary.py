"""What an import did, in words the member reads in their own language, and as a spreadsheet.

Rows store a reason code and its parameters, not text, so the summary reads in
whatever language the member has chosen when they look at it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.utils.translation import gettext as _

from kaffebro.network.importing.engine import FAILED_INTERNAL
from kaffebro.network.models import ImportBatch, ImportRow, MergeSuggestion, RowOutcome


def _changed_job(details: dict) -> str:
    old = ", ".join(part for part in (details.get("old_title"), details.get("old_organisation")) if part)
    new = ", ".join(part for part in (details.get("new_title"), details.get("new_organisation")) if part)
    if not old:
        return _("Now works as %(new)s.") % {"new": new}
    return _("Changed job: %(old)s → %(new)s.") % {"old": old, "new": new or _("no workplace")}


def _field_names(details: dict) -> str:
    labels = {
        "full_name": _("name"),
        "first_name": _("first name"),
        "last_name": _("last name"),
        "organisation_name": _("organisation"),
        "unit_name": _("unit"),
        "title": _("title"),
    }
    return ", ".join(labels.get(name, name) for name in details.get("fields", []))


_REASONS: dict[str, Callable[[dict], str]] = {
    "new_person": lambda d: _("New in your network."),
    "same_profile_url": lambda d: _("Same LinkedIn profile as a person already in Kaffebro."),
    "same_email": lambda d: _("Same e-mail address as a person already in Kaffebro."),
    "same_name_at_organisation": lambda d: _("Same name at the same organisation (%(organisation)s).") % d,
    "similar_name_at_organisation": lambda d: (
        _("A similar name at the same organisation (%(organisation)s): please confirm whether it is the same person.")
        % d
    ),
    "changed_job": _changed_job,
    "details_changed": lambda d: _("Changed: %(fields)s.") % {"fields": _field_names(d)},
    "no_change": lambda d: _("Already in your network, nothing changed."),
    "no_name": lambda d: _("The row has no name."),
    "suppressed": lambda d: _("This person has asked not to be in Kaffebro."),
    "duplicate_in_file": lambda d: _("The same person as row %(row)s of the file.") % d,
    "yourself": lambda d: _("This is you."),
    "missing_from_file": lambda d: _("No longer in the file, so removed as you asked."),
    "unreadable": lambda d: str(d.get("message", "")),
}


def row_reason(row: ImportRow) -> str:
    """Why the row had its outcome, in the active language."""
    describe = _REASONS.get(row.reason)
    try:
        return describe(row.details or {}) if describe else ""
    except (KeyError, TypeError):
        return ""


def suggestion_reason(suggestion: MergeSuggestion) -> str:
    describe = _REASONS.get(suggestion.reason)
    try:
        return describe(suggestion.details or {}) if describe else ""
    except (KeyError, TypeError):
        return ""


def failure_message(batch: ImportBatch) -> str:
    """Why a failed import failed, in the active language."""
    code, _separator, message = batch.error.partition("|")
    if code == FAILED_INTERNAL or not message:
        return _(
            "The import stopped because of an error on our side. Nothing was saved. Please try again; "
            "if it happens again, tell us."
        )
    return message


# A cell starting with one of these is a formula to a spreadsheet program.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def spreadsheet_safe(value: object) -> str:
    """A cell that Excel and LibreOffice show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def summary_csv(batch: ImportBatch) -> bytes:
    """The summary as a CSV that opens right in Danish Excel: UTF-8 with BOM, semicolons, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_("Row"), _("Name"), _("Outcome"), _("Reason")])
    labels = dict(RowOutcome.choices)
    for row in batch.rows.order_by("row_number", "id").iterator(chunk_size=2000):
        writer.writerow(
            [
                row.row_number or "",
                spreadsheet_safe(row.name),
                spreadsheet_safe(labels.get(row.outcome, row.outcome)),
                spreadsheet_safe(row_reason(row)),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
