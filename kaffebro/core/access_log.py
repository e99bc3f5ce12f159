"""The access log: who read a member's data, for the member to see ("Who has looked at my data").

Every view that shows one member's data to another member (a coach opening a seeker, a decision-maker opening a
suggested candidate, a recipient opening a card ...) logs it with one call of `log_read`, or `log_reads` for a page
that shows several people at once. Reading a page again within `WINDOW` writes nothing new, so reloading does not
flood the member's log: one query finds what is already logged (on the member-and-time index), one more inserts
the rest, and a page showing 25 candidates costs the same two queries as a page showing one.

Two requests at the same instant may both write a row; a duplicate says nothing untrue, so no lock is taken.
A member's own reads of their own data are not logged. Rows go after ACCESS_LOG_RETENTION_DAYS (`delete_expired`,
run by `manage.py privacy_chores`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils import timezone

from kaffebro.core.models import AccessLog

# A read repeated within this long of the last logged one is the same look at the data.
WINDOW = datetime.timedelta(minutes=10)
PURPOSE_MAX = AccessLog._meta.get_field("purpose").max_length or 200


@dataclass(frozen=True)
class Read:
    """One member's data shown to the viewer: whose, through which object (its code), and what for."""

    subject: Any  # the member whose data it is (a User)
    code: str
    purpose: str = ""


def log_read(viewer: Any, subject: Any, kind: str, code: str, *, purpose: str = "", named: bool = True) -> int:
    """Log that `viewer` read `subject`'s data through the object `code`; 1 when a row was written, else 0."""
    return log_reads(viewer, kind, [Read(subject, code, purpose)], named=named)


def log_reads(viewer: Any, kind: str, reads: Iterable[Read], *, named: bool = True) -> int:
    """Log several reads of one kind at once: at most two queries, whatever their number. Returns the rows written."""
    if not viewer.is_authenticated:
        return 0
    wanted: dict[tuple[int, str], Read] = {}
    for read in reads:
        if read.subject.pk != viewer.pk:
            wanted.setdefault((read.subject.pk, read.code), read)
    if not wanted:
        return 0
    now = timezone.now()
    recent = set(
        AccessLog.objects.filter(
            subject_id__in={subject_id for subject_id, _code in wanted},
            created__gte=now - WINDOW,
            viewer=viewer,
            kind=kind,
        ).values_list("subject_id", "code")
    )
    rows = [
        AccessLog(
            subject_id=subject_id,
            viewer=viewer,
            viewer_named=named,
            kind=kind,
            code=code,
            purpose=read.purpose[:PURPOSE_MAX],
            created=now,
        )
        for (subject_id, code), read in wanted.items()
        if (subject_id, code) not in recent
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def entries_of(subject: Any, page_number: str | int | None) -> Page:
    """A page of the member's own log, newest first, each with its viewer: two queries for any page."""
    rows = AccessLog.objects.filter(subject=subject).select_related("viewer").order_by("-created", "-id")
    return Paginator(rows, settings.PAGE_SIZE).get_page(page_number)


def delete_expired(now: datetime.datetime) -> int:
    """The retention chore: rows older than ACCESS_LOG_RETENTION_DAYS, in one statement."""
    cutoff = now - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _by_model = AccessLog.objects.filter(created__lt=cutoff).delete()
    return deleted
