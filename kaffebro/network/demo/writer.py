"""Writing millions of rows fast: COPY on PostgreSQL, large executemany batches on SQLite.

Rows carry their primary keys, so related rows can point at each other before
anything is written; afterwards the id sequences are moved past the new rows.
Secondary indexes and (on PostgreSQL) foreign keys of the big tables can be
dropped for the load and rebuilt in one pass each, which is many times faster
than maintaining them row by row. All of it runs inside the caller's transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_BATCH = 50_000


class BulkWriter:
    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def prepare_for_large_load(self) -> None:
        """Session settings for a large load: more memory for sorting and index builds, no waiting for the disk.

        On SQLite only the page cache grows: `temp_store` cannot change inside a
        transaction once the connection has used temporary storage (a migration does).
        """
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
            else:
                cursor.execute("PRAGMA cache_size = -1000000")

    def next_id(self, model: type[models.Model]) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {self._table(model)}")
            (highest,) = cursor.fetchone()
        return (highest or 0) + 1

    def insert(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
        """Write the rows (tuples in `columns` order); returns how many were written."""
        if self.postgres:
            return self._copy(model, columns, rows)
        return self._executemany(model, columns, rows)

    def _copy(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
        count = 0
        names = ", ".join(self.connection.ops.quote_name(column) for column in columns)
        with self.connection.cursor() as cursor, cursor.copy(f"COPY {self._table(model)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def _executemany(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
        count = 0
        names = ", ".join(self.connection.ops.quote_name(column) for column in columns)
        sql = f"INSERT INTO {self._table(model)} ({names}) VALUES ({', '.join('?' * len(columns))})"
        cursor = self.connection.connection.cursor()
        try:
            for batch in _batches(rows, SQLITE_BATCH):
                cursor.executemany(sql, batch)
                count += len(batch)
        finally:
            cursor.close()
        return count

    def reset_sequences(self, model_list: list[type[models.Model]]) -> None:
        statements = self.connection.ops.sequence_reset_sql(no_style(), model_list)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    @contextmanager
    def secondary_indexes_dropped(self, model_list: list[type[models.Model]]) -> Iterator[None]:
        """Drop the tables' secondary indexes (and foreign keys on PostgreSQL) and rebuild them afterwards."""
        rebuild: list[str] = []
        with self.connection.cursor() as cursor:
            for model in model_list:
                drops, creates = self._index_statements(cursor, self._table(model))
                self._execute_altering(cursor, drops)
                rebuild.extend(creates)
        yield
        with self.connection.cursor() as cursor:
            self._execute_altering(cursor, rebuild)

    def _execute_altering(self, cursor, statements: list[str]) -> None:
        """PostgreSQL refuses to alter a table with deferred checks pending, so run those checks first."""
        if self.postgres and statements:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if self.postgres and statements:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _index_statements(self, cursor, table: str) -> tuple[list[str], list[str]]:
        if not self.postgres:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table.strip('"')],
            )
            indexes = cursor.fetchall()
            return [f'DROP INDEX "{name}"' for name, _sql in indexes], [sql for _name, sql in indexes]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary "
            "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        drops = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _definition in constraints]
        drops += [f"DROP INDEX {name}" for name, _definition in indexes]
        # Unique constraints first: the foreign keys of other tables may rely on them.
        creates = [definition for _name, definition in indexes]
        creates += [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for name, definition in sorted(constraints, key=lambda c: not c[1].startswith("UNIQUE"))
        ]
        return drops, creates

    def _table(self, model: type[models.Model]) -> str:
        return self.connection.ops.quote_name(model._meta.db_table)


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
