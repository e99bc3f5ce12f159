"""Running imports in tests: records straight into the engine, past the file readers."""

import datetime

import pytest
from django.utils import translation

from kaffebro.network.importing import engine
from kaffebro.network.importing.records import ContactRecord, ReadResult
from kaffebro.network.models import ImportBatch, ImportStatus


@pytest.fixture(autouse=True)
def in_english():
    """Assertions on messages read English; the Danish catalogue is checked by the translation tests."""
    with translation.override("en"):
        yield


def record(row: int, name: str, organisation: str = "", title: str = "", **fields) -> ContactRecord:
    first, _space, last = name.partition(" ")
    return ContactRecord(
        row_number=row,
        full_name=name,
        first_name=first,
        last_name=last,
        organisation=organisation,
        title=title,
        **fields,
    )


@pytest.fixture
def run_records(monkeypatch):
    """Import these records for the member as a confirmed batch would, and return the finished batch."""

    def run(owner, records, *, format="linkedin", skipped=(), **options) -> ImportBatch:
        batch = ImportBatch.objects.create(
            owner=owner, status=ImportStatus.QUEUED, format=format, content=b"-", total_rows=len(records), **options
        )
        monkeypatch.setattr(engine, "preview", lambda _batch: ReadResult(format, list(records), skipped=list(skipped)))
        engine.run_import(batch.pk)
        batch.refresh_from_db()
        return batch

    return run


CONNECTED = datetime.date(2021, 3, 14)
