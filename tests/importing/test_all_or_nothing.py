"""An import that fails for any reason writes nothing, and can be tried again."""

import pytest

from kaffebro.network.demo.writer import BulkWriter
from kaffebro.network.importing import engine
from kaffebro.network.importing.summary import failure_message
from kaffebro.network.models import (
    ContactCard,
    ImportRow,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    PersonKey,
    Position,
    Tie,
    Unit,
)
from tests.importing.conftest import record

pytestmark = pytest.mark.django_db

WRITTEN_BY_AN_IMPORT = (ContactCard, Tie, Person, Position, Organisation, Unit, PersonKey, MergeSuggestion, ImportRow)


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_BY_AN_IMPORT}


def rows(count: int) -> list:
    return [
        record(i, f"Kontakt {i}", f"Firma {i % 5} ApS", "Chef", unit="Salg", emails=(f"k{i}@firma.dk",))
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize("failing_row", [1, 150, 300])
def test_a_failure_at_row_k_writes_nothing(mette, run_records, monkeypatch, failing_row):
    before = table_counts()
    apply_row = engine.apply_row

    def fail_at_row_k(writer, row):
        if row.record.row_number == failing_row:
            raise RuntimeError("disk full")
        apply_row(writer, row)

    monkeypatch.setattr(engine, "apply_row", fail_at_row_k)
    batch = run_records(mette, rows(300))
    assert batch.status == ImportStatus.FAILED
    assert table_counts() == before
    assert "Nothing was saved" in failure_message(batch)
    assert batch.content == b"-"  # the file is kept for another try

    monkeypatch.setattr(engine, "apply_row", apply_row)
    batch.status = ImportStatus.QUEUED
    batch.save()
    engine.run_import(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert ContactCard.objects.filter(owner=mette).count() == 1 + 300


def test_a_failure_in_the_last_bulk_statement_writes_nothing(mette, run_records, monkeypatch):
    before = table_counts()
    insert = BulkWriter.insert

    def lose_the_connection_at_the_summary(self, model, columns, rows):
        if model is ImportRow:
            raise RuntimeError("connection lost")
        return insert(self, model, columns, rows)

    monkeypatch.setattr(BulkWriter, "insert", lose_the_connection_at_the_summary)
    batch = run_records(mette, rows(20))
    assert batch.status == ImportStatus.FAILED
    assert table_counts() == before


def test_a_batch_that_is_not_queued_is_not_run(mette, run_records):
    batch = run_records(mette, rows(2))
    assert batch.status == ImportStatus.DONE
    before = table_counts()
    engine.run_import(batch.pk)  # a second delivery of the same task
    assert table_counts() == before
