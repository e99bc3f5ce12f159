"""Personal data across the apps: what a member exports, what erasing a member deletes, what an objection removes.

Export and erasure need every app, yet a lower app may never import a higher one (core ← accounts ← network ←
paths ← meetings/jobs). So each app describes its own personal data here, from a `personal_data.py` module its
`AppConfig.ready()` loads::

    register(AppData("network", exports=(Export(...), ...), erase=erase, objection=object_to, chores=(...)))

- `exports`: for each model holding a member's data, the member's rows and the columns they get (Art. 15 and 20);
  `tests/privacy/test_export_completeness.py` fails when a model or a field is missing.
- `erase`: deletes the member's rows of the app, or neutralises rows another member keeps (Art. 17). `erase_member`
  runs every app's eraser in one transaction, the highest app first, then deletes the account itself.
- `forget_person`: when a replayed erasure finds the account gone but the member's node still there.
- `objection`: removes what the app holds about a person who objected (Art. 21) and keeps them out.
- `chores`: retention: deletes what has been kept long enough (`manage.py privacy_chores`).
- `last_seen`: when members last used the app, so an account in use is never taken for an inactive one.

See docs/privacy.md for what each app registers and why.
"""

from __future__ import annotations

import base64
import csv
import datetime
import decimal
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst

from kaffebro.core import access_log
from kaffebro.core.events import record_event
from kaffebro.core.models import AccessLog, ErasureLog, Event

EXPORT_FORMAT = "kaffebro-export/1"
# A cell longer than this is cut in the CSV files (Excel's limit per cell); data.json always has all of it.
EXCEL_CELL_LIMIT = 32_767
# A text cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"): it gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# The name a person node keeps when other members still point at it after its member erased their account
# or objected: no name, and the same in every language.
NEUTRAL_NAME = "—"
# A display name shorter than this ("Jo") is not scrubbed from event data: it would empty unrelated values.
MIN_SCRUBBED_LENGTH = 3


@dataclass(frozen=True)
class Export:
    """The rows of one model a member gets in their export, and which of the model's fields.

    `fields` are field names of the model, or lookups through a relation ("organisation__name"); a relation
    to a model with an opaque `code` is exported as that code, never as an integer id.
    """

    name: str  # the section of data.json and the name of the CSV file, e.g. "network.contact_cards"
    model: type[models.Model]
    rows: Callable[[Any], models.QuerySet]
    fields: tuple[str, ...]
    # Blanks, row by row, what the member did not see of a record they only took part in (None: rows in full).
    as_seen: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None


@dataclass
class Erasure:
    """What the erasers of the apps share while one member is erased.

    `persons` collects the person nodes this member's rows pointed at (the persons of their contact cards, of the
    requests deleted with them ...); the network's eraser deletes those nothing else refers to any more.
    """

    user: Any
    person_id: int | None
    person_code: str
    persons: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Objection:
    """A person who does not want to be in Kaffebro, named by an e-mail address or a profile address."""

    email: str = ""
    profile_url: str = ""


@dataclass(frozen=True)
class Chore:
    """A retention rule: `run(now)` deletes what is due and returns how many rows (or members) it handled."""

    name: str
    run: Callable[[datetime.datetime], int]


@dataclass(frozen=True)
class AppData:
    app: str
    exports: tuple[Export, ...] = ()
    erase: Callable[[Erasure], None] | None = None
    forget_person: Callable[[int, str], bool] | None = None
    objection: Callable[[Objection], None] | None = None
    chores: tuple[Chore, ...] = ()
    last_seen: Callable[[list[int]], Mapping[int, datetime.datetime]] | None = None


_registry: dict[str, AppData] = {}


def register(data: AppData) -> None:
    """Called once per app from its `personal_data.py`; a second, different registration is a mistake."""
    existing = _registry.get(data.app)
    if existing is not None and existing != data:
        raise ImproperlyConfigured(f"The personal data of {data.app!r} is already registered.")
    _registry[data.app] = data


def registered() -> list[AppData]:
    """In the order of INSTALLED_APPS, which is the order of the dependencies: the lowest app first."""
    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    return sorted(_registry.values(), key=lambda data: order.get(data.app, len(order)))


def exports() -> list[Export]:
    return [export for data in registered() for export in data.exports]


# Export


def _column_lookups(export: Export) -> dict[str, str]:
    """Column name → the lookup that reads it: a relation to a model with a code reads the code."""
    lookups = {}
    for name in export.fields:
        if "__" in name:
            lookups[name] = name
            continue
        model_field = export.model._meta.get_field(name)
        related = model_field.related_model if model_field.is_relation else None
        has_code = isinstance(related, type) and issubclass(related, models.Model) and _has_code(related)
        lookups[name] = f"{name}__code" if has_code else name
    return lookups


def _has_code(model: type[models.Model]) -> bool:
    return any(model_field.name == "code" for model_field in model._meta.concrete_fields)


def _plain(value: Any) -> Any:
    """A value as JSON has it: times in the site's zone as ISO 8601, bytes as base64."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def export_rows(export: Export, user: Any) -> list[dict[str, Any]]:
    lookups = _column_lookups(export)
    rows = export.rows(user).order_by("pk").values(*lookups.values())
    plain = [{column: _plain(row[lookup]) for column, lookup in lookups.items()} for row in rows]
    return [export.as_seen(user, row) for row in plain] if export.as_seen else plain


def export_data(user: Any) -> dict[str, Any]:
    """Everything Kaffebro holds about the member, grouped by kind of record (data.json)."""
    return {
        "format": EXPORT_FORMAT,
        "exported": _plain(timezone.now()),
        "site": settings.SITE_URL,
        "controller": {"name": settings.KAFFEBRO_CONTROLLER_NAME, "contact": settings.KAFFEBRO_CONTROLLER_CONTACT},
        "member": user.code,
        "sections": {export.name: export_rows(export, user) for export in exports()},
    }


def excel_cell(value: Any) -> str:
    """One CSV cell that Excel shows as text: never a formula, never longer than a cell may be."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
        if isinstance(value, str) and text.startswith(FORMULA_STARTS):
            text = "'" + text
    return text[:EXCEL_CELL_LIMIT]


def csv_bytes(columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A CSV file Danish Excel opens by a double click: UTF-8 with a byte-order mark, semicolons, CRLF."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([excel_cell(row.get(column)) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def export_zip(user: Any) -> bytes:
    """The download: data.json, one CSV per kind of record, and a short read-me in the member's language."""
    data = export_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for export in exports():
            columns = list(_column_lookups(export))
            archive.writestr(f"{export.name}.csv", csv_bytes(columns, data["sections"][export.name]))
        archive.writestr("README.txt", _readme(user, data))
    return buffer.getvalue()


def _readme(user: Any, data: dict[str, Any]) -> str:
    with translation.override(user.language):
        sections = [
            {
                "file": f"{export.name}.csv",
                "what": capfirst(export.model._meta.verbose_name_plural),
                "rows": len(data["sections"][export.name]),
            }
            for export in exports()
        ]
        return render_to_string("core/privacy_export_readme.txt", {"data": data, "sections": sections})


# Erasure


def _own_person(user: Any) -> Any:
    try:
        return user.person  # the reverse side of network.Person.member; core does not import the network app
    except (AttributeError, ObjectDoesNotExist):
        return None


def erase_member(user_id: int) -> bool:
    """Erase a member and everything that is theirs, in one transaction; False when there is no such member.

    Every app's eraser runs, the highest app first, then events the member caused lose what names them, the
    erasure is logged by id for `replay_erasures`, and the account row goes. Running it again for a restored
    copy of the same member erases them again and logs nothing twice.
    """
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model._default_manager.select_for_update().filter(pk=user_id).first()
        if user is None:
            return False
        person = _own_person(user)
        erasure = Erasure(user=user, person_id=person.pk if person else None, person_code=person.code if person else "")
        for data in reversed(registered()):
            if data.erase is not None:
                data.erase(erasure)
        _scrub_events(user, erasure)
        ErasureLog.objects.get_or_create(
            user_id=user.pk,
            defaults={
                "user_code": user.code,
                "person_id": erasure.person_id,
                "person_code": erasure.person_code,
                "erased": timezone.now(),
            },
        )
        user.delete()
    return True


def _scrub_events(user: Any, erasure: Erasure) -> None:
    """Events about the member go; events the member caused stay (their actor is emptied by the database), minus
    any value that names the member."""
    Event.objects.filter(subject__in=[code for code in (user.code, erasure.person_code) if code]).delete()
    words = [word.lower() for word in (user.email, user.display_name) if len(word) >= MIN_SCRUBBED_LENGTH]
    for event in Event.objects.filter(actor=user).only("pk", "data").iterator():
        cleaned = _without(event.data, words)
        if cleaned != event.data:
            Event.objects.filter(pk=event.pk).update(data=cleaned)


def _without(value: Any, words: list[str]) -> Any:
    if isinstance(value, dict):
        return {key: _without(item, words) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, words) for item in value]
    if isinstance(value, str) and any(word in value.lower() for word in words):
        return ""
    return value


@dataclass(frozen=True)
class Replayed:
    members: int
    persons: int


def replay_erasures(entries: Iterable[Mapping[str, Any]] | None = None) -> Replayed:
    """Erase again every member (and member's node) a log names, e.g. after a restore from a backup.

    `entries` are rows of the erasure log as `logged_erasures` gives them (saved before the restore); without
    them, the log in the database. A member is matched by id and code, so an id given out again after the restore
    never erases someone else. Safe to repeat.
    """
    user_model = get_user_model()
    members = persons = 0
    for entry in logged_erasures() if entries is None else entries:
        user = user_model._default_manager.filter(pk=entry["user_id"], code=entry["user_code"]).first()
        if user is not None:
            members += erase_member(user.pk)
        elif entry.get("person_id"):
            persons += _forget_person(int(entry["person_id"]), str(entry.get("person_code", "")))
        ErasureLog.objects.get_or_create(
            user_id=entry["user_id"],
            defaults={
                "user_code": entry["user_code"],
                "person_id": entry.get("person_id"),
                "person_code": entry.get("person_code", ""),
                "erased": entry.get("erased") or timezone.now(),
            },
        )
    return Replayed(members=members, persons=persons)


def _forget_person(person_id: int, person_code: str) -> int:
    """The node of a member whose account is already gone; 1 when an app still had it."""
    with transaction.atomic():
        forgotten = [data.forget_person(person_id, person_code) for data in registered() if data.forget_person]
    return int(any(forgotten))


def logged_erasures() -> list[dict[str, Any]]:
    return [
        {**row, "erased": _plain(row["erased"])}
        for row in ErasureLog.objects.values("user_id", "user_code", "person_id", "person_code", "erased")
    ]


# Objection, retention, activity


def apply_objection(objection: Objection) -> None:
    """Remove the person everywhere and keep them out of later imports; the event names no one."""
    with transaction.atomic():
        for data in registered():
            if data.objection is not None:
                data.objection(objection)
        record_event("privacy.objection_applied", by="email" if objection.email else "profile_url")


def chores() -> list[Chore]:
    return [chore for data in registered() for chore in data.chores]


def run_chores(now: datetime.datetime | None = None) -> dict[str, int]:
    """Every app's retention rules, each in its own transactions (a chore that fails leaves the others done)."""
    now = now or timezone.now()
    return {chore.name: chore.run(now) for chore in chores()}


def last_seen(user_ids: list[int]) -> dict[int, datetime.datetime]:
    """The latest sign of life of each member the apps know of (a log-in, an API call ...)."""
    latest: dict[int, datetime.datetime] = {}
    for data in registered():
        if data.last_seen is None:
            continue
        for user_id, seen in data.last_seen(user_ids).items():
            if seen is not None and (user_id not in latest or seen > latest[user_id]):
                latest[user_id] = seen
    return latest


register(
    AppData(
        "core",
        exports=(
            Export(
                "core.events",
                Event,
                lambda user: Event.objects.filter(actor=user),
                ("created", "actor", "kind", "subject", "data"),
            ),
            # Who read the member's data (kaffebro/core/access_log.py); a viewer whose settings hide their name
            # stays unnamed here too, as on the page.
            Export(
                "core.access_log",
                AccessLog,
                lambda user: AccessLog.objects.filter(subject=user, viewer_named=True),
                ("created", "subject", "viewer", "viewer__display_name", "viewer_named", "kind", "code", "purpose"),
            ),
            Export(
                "core.access_log_unnamed",
                AccessLog,
                lambda user: AccessLog.objects.filter(subject=user, viewer_named=False),
                ("created", "subject", "viewer_named", "kind", "code", "purpose"),
            ),
        ),
        chores=(Chore("access_log_deleted", access_log.delete_expired),),
    )
)
