"""Rows written straight into tables, for imports of tens of thousands of contacts.

Django model instances and `bulk_create` cost more than the import itself at
this size (see bench/import.py). An import instead builds plain tuples, with each
column's Django default filled in once per table, and writes them with the
demo's `BulkWriter` (COPY on PostgreSQL, executemany on SQLite) inside the
import's one transaction. Primary keys the plan needs before writing are taken
from the table's own sequence, so concurrent writers never collide.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, models
from django.utils import timezone

from kaffebro.core.models import CodeField, new_code
from kaffebro.network.demo.writer import BulkWriter

_REQUIRED = object()


class Table:
    """One model's columns, defaults and value adapters; `row(**values)` gives a tuple in column order."""

    def __init__(self, model: type[models.Model], *, with_id: bool):
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if with_id or not field.primary_key]
        self.columns = [field.column for field in self.fields]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.defaults = [self._default(field, now) for field in self.fields]
        self.adapters = {field.attname: adapter for field in self.fields if (adapter := self._adapter(field))}
        self.position = {field.attname: index for index, field in enumerate(self.fields)}
        self.code_positions = [index for index, field in enumerate(self.fields) if isinstance(field, CodeField)]
        self.required = {
            field.attname for field, default in zip(self.fields, self.defaults, strict=True) if default is _REQUIRED
        }
        self.rows: list[tuple] = []

    @staticmethod
    def _default(field: models.Field, now: Any) -> Any:
        if field.primary_key or isinstance(field, CodeField):
            return _REQUIRED if field.primary_key else None  # codes are drawn per row
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            default = field.get_default()
            return json.dumps(default) if isinstance(field, models.JSONField) else default
        if field.null:
            return None
        return "" if field.empty_strings_allowed else _REQUIRED

    @staticmethod
    def _adapter(field: models.Field):
        if isinstance(field, models.JSONField):
            return json.dumps
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        return None

    def add(self, **values: Any) -> None:
        self.rows.append(self.row(**values))

    def row(self, **values: Any) -> tuple:
        if not self.required <= values.keys():
            raise ValueError(f"{self.model.__name__} needs {', '.join(sorted(self.required - values.keys()))}")
        out = self.defaults.copy()
        position = self.position
        for name, value in values.items():
            out[position[name]] = value
        for name, adapter in self.adapters.items():
            value = values.get(name)
            if value is not None:
                out[position[name]] = adapter(value)
        for index in self.code_positions:
            if out[index] is None:
                out[index] = new_code()
        return tuple(out)

    def write(self) -> int:
        written = BulkWriter(connection).insert(self.model, self.columns, self.rows) if self.rows else 0
        self.rows = []
        return written


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for the model, taken so that no concurrent insert can get them too.

    PostgreSQL hands them out from the table's sequence. SQLite has one writer at a
    time and the caller already holds the write lock, so the next ids are free.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
        (highest,) = cursor.fetchone()
        # Never reuse the id of a deleted row: merge records and logs may still name it.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        issued = cursor.fetchone()
    start = max(highest or 0, issued[0] if issued else 0) + 1
    return list(range(start, start + count))
