"""The page "Who has looked at my data": the member's own access log, a page at a time.

Only the member the rows are about sees them: the page reads `request.user`'s rows and takes no code, so there is
nothing of anyone else's to ask for. Operators see every row read-only in the admin (`core/admin.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kaffebro.core.access_log import entries_of
from kaffebro.core.models import AccessLog


@dataclass(frozen=True)
class Entry:
    """One row as its member reads it, in their language and time zone."""

    when: datetime
    who: str
    what: str
    purpose: str


def shown_viewer(row: AccessLog) -> str:
    """The viewer by name, unless they have left Kaffebro since or their own settings hide their name."""
    if row.viewer is None:
        return _("A member who has since left Kaffebro")
    if not row.viewer_named:
        return _("A member who does not show their name")
    return row.viewer.display_name


@require_safe
def access_log(request):
    page = entries_of(request.user, request.GET.get("page"))
    entries = [Entry(row.created, shown_viewer(row), row.get_kind_display(), row.purpose) for row in page]
    return render(
        request,
        "core/access_log.html",
        {"page": page, "entries": entries, "retention_days": settings.ACCESS_LOG_RETENTION_DAYS},
    )
