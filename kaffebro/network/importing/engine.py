"""Running an import: read the file, resolve every row, then write everything in one transaction.

Reading and resolving only read the database and report progress as they go (the
progress bar polls it). Writing is one transaction: if anything fails, or the
process dies, nothing of the import is written and the batch can be retried.
"""

from __future__ import annotations

import datetime
import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from kaffebro.core.events import record_event
from kaffebro.network.actions import delete_contact
from kaffebro.network.changes import note_graph_change
from kaffebro.network.importing.readers import read_contacts
from kaffebro.network.importing.records import ImportRejected, ReadResult
from kaffebro.network.importing.resolve import (
    CARD_FIELDS,
    Plan,
    Resolver,
    RowPlan,
    batch_options,
    chunks,
    clip,
    how_known,
    lookup_digests,
    snapshot,
    tie_since,
)
from kaffebro.network.importing.states import sources_of
from kaffebro.network.importing.tables import Table, reserve_ids
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    DEFAULT_IMPORT_STRENGTH,
    ContactCard,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    PersonKey,
    Position,
    RowOutcome,
    Tie,
    TieSource,
    Unit,
)

logger = logging.getLogger(__name__)

# Concurrent imports may race to create the same identity key; the loser starts its write again.
WRITE_ATTEMPTS = 3
FAILED_INTERNAL = "internal"


def preview(batch: ImportBatch) -> ReadResult:
    """The file read as the batch's options say (format, column mapping); raises ImportRejected."""
    return read_contacts(bytes(batch.content), format=batch.format, mapping=batch.mapping or None)


def run_import(batch_id: int) -> None:
    """Run a queued import to DONE or FAILED. Runs once: a batch that is not queued is left alone."""
    run = timezone.now()  # also this run's token: a stale run cannot move a batch that was retried since
    if not _move(batch_id, ImportStatus.RUNNING, started=run, processed_rows=0, error=""):
        return
    batch = ImportBatch.objects.select_related("owner").get(pk=batch_id)
    with translation.override(batch.owner.language), _no_cyclic_garbage_collection():
        try:
            _run(batch)
        except Superseded:
            logger.warning("contact import %s was retried while it ran; this run wrote nothing", batch.code)
        except ImportRejected as rejected:
            error = f"{rejected.code}|{rejected.message}"  # the message is in the member's language already
            _move(batch_id, ImportStatus.FAILED, run=run, error=error, finished=timezone.now())
        except Exception:
            logger.exception("contact import %s failed", batch.code)
            _move(batch_id, ImportStatus.FAILED, run=run, error=FAILED_INTERNAL, finished=timezone.now())


@contextmanager
def _no_cyclic_garbage_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while an import runs.

    An import allocates hundreds of thousands of small objects and frees them together at the end; the
    collector would rescan them again and again (a third of the resolution time on 30,000 rows).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _move(batch_id: int, status: str, *, run: datetime.datetime | None = None, **fields) -> bool:
    """A conditional update along the transition table: False if the batch was not in a source state.

    With `run`, only the run that started then may move the batch.
    """
    batches = ImportBatch.objects.filter(pk=batch_id, status__in=sources_of("import", status))
    if run is not None:
        batches = batches.filter(started=run)
    return bool(batches.update(status=status, updated=timezone.now(), **fields))


def _run(batch: ImportBatch) -> None:
    result = preview(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=len(result.records), updated=timezone.now())
    resolver = Resolver(batch.owner, batch_options(batch))
    plan = resolver.plan(result.records, progress=_progress_reporter(batch.pk), skipped_rows=len(result.skipped))
    _progress_reporter(batch.pk)(len(result.records))
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                _write(batch, resolver, plan, result)
            return
        except (IntegrityError, connection.Database.IntegrityError):  # type: ignore[attr-defined]
            if attempt == WRITE_ATTEMPTS:
                raise
            plan = resolver.plan(result.records, skipped_rows=len(result.skipped))


def _progress_reporter(batch_id: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING).update(
            processed_rows=done, updated=timezone.now()
        )

    return report


def _write(batch: ImportBatch, resolver: Resolver, plan: Plan, result: ReadResult) -> None:
    """Everything the import changes, in the caller's transaction.

    The first statement updates the batch: on PostgreSQL it locks the batch row, on
    SQLite it takes the database's write lock, so the ids reserved below are ours.
    """
    locked = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING, started=batch.started).update(
        updated=timezone.now()
    )
    if not locked:
        raise Superseded(batch.code)
    if snapshot(batch.owner) != plan.snapshot:
        # The network moved since resolution: resolve again, now under the lock.
        plan = resolver.plan(result.records, skipped_rows=len(result.skipped))
    writer = PlanWriter(batch, resolver)
    writer.write(plan)
    writer.skipped_by_reader(result)
    writer.rows.write()
    counts = plan.counts()
    counts[RowOutcome.SKIPPED.value] += len(result.skipped)
    done = _move(
        batch.pk,
        ImportStatus.DONE,
        run=batch.started,
        counts=counts,
        content=b"",
        finished=timezone.now(),
        processed_rows=len(plan.rows),
    )
    if not done:
        raise Superseded(batch.code)
    record_event(
        "contacts.imported",
        actor=batch.owner,
        subject=batch.code,
        format=batch.format,
        linked_to_known_persons=plan.hidden_counts(),
        **counts,
    )


class Superseded(Exception):
    """The batch left RUNNING while this run was writing (it was retried as interrupted)."""


# What a re-import may change on the member's card.
CHANGED_CARD_FIELDS = tuple(name for name in CARD_FIELDS if name not in ("id", "person_id", "source"))


class PlanWriter:
    """Turns a plan into table rows written in bulk: a 30,000-row file is a few dozen statements."""

    def __init__(self, batch: ImportBatch, resolver: Resolver):
        self.batch = batch
        self.owner = batch.owner
        self.owner_id = batch.owner_id
        self.batch_id = batch.pk
        self.today = timezone.localdate()
        self.resolver = resolver
        self.now = timezone.now()
        self.cards = Table(ContactCard, with_id=True)
        self.ties = Table(Tie, with_id=False)
        self.positions = Table(Position, with_id=False)
        self.keys = Table(PersonKey, with_id=False)
        self.suggestions = Table(MergeSuggestion, with_id=False)
        self.rows = Table(ImportRow, with_id=False)
        self.changed_cards: list[tuple] = []
        self.ended_positions_of: set[int] = set()
        self.ties_given_since: list[tuple] = []
        self.suggested: set[tuple[int | None, int | None]] = set()
        # Persons whose ties or positions this import writes: the path engine re-reads them (one note per import).
        self.graph_persons: set[int] = set()

    def write(self, plan: Plan) -> None:
        self.me_id = member_person(self.owner).pk
        self.private = connector_settings(self.owner).contacts_private_by_default
        self.tied = dict(Tie.objects.filter(owner=self.owner).values_list("person_b_id", "since"))
        self.keyed = self._existing_keys(plan)
        self._create_nodes(plan)
        card_ids = iter(reserve_ids(ContactCard, sum(1 for row in plan.rows if row.writes_card and not row.card)))
        self.card_ids = card_ids
        for row in plan.rows:
            apply_row(self, row)
        self._flush()
        self._remove(plan.removed_cards)
        if self.graph_persons:
            note_graph_change([self.me_id, *self.graph_persons], "import")

    def _existing_keys(self, plan: Plan) -> set[tuple[str, str]]:
        return set(lookup_digests(PersonKey, {pair for row in plan.rows for pair in row.keys.exact()}, "person_id"))

    def _create_nodes(self, plan: Plan) -> None:
        """New organisations, units and persons, with ids reserved first so rows can point at them."""
        organisations = Table(Organisation, with_id=True)
        for node, pk in zip(
            plan.new_organisations, reserve_ids(Organisation, len(plan.new_organisations)), strict=True
        ):
            node.id = pk
            organisations.add(id=pk, name=node.name, verified=False, aliases=[])
        organisations.write()
        units = Table(Unit, with_id=True)
        for node, pk in zip(plan.new_units, reserve_ids(Unit, len(plan.new_units)), strict=True):
            node.id = pk
            assert node.organisation is not None and node.organisation.id is not None
            units.add(id=pk, name=node.name, organisation_id=node.organisation.id)
        units.write()
        persons = Table(Person, with_id=True)
        for node, pk in zip(plan.new_persons, reserve_ids(Person, len(plan.new_persons)), strict=True):
            node.id = pk
            persons.add(id=pk, name=node.name)
            self.graph_persons.add(pk)
        persons.write()

    def skipped_by_reader(self, result: ReadResult) -> None:
        """Rows the reader could not use, with its (already translated) reason."""
        for row_number, message in result.skipped:
            self.rows.add(
                batch_id=self.batch_id,
                row_number=row_number,
                outcome=RowOutcome.SKIPPED.value,
                reason="unreadable",
                details={"message": str(message)},
                name="",
                card_id=None,
            )

    def add_row(self, row: RowPlan, card_id: int | None) -> None:
        self.rows.add(
            batch_id=self.batch_id,
            row_number=row.record.row_number,
            outcome=str(row.outcome),
            reason=row.reason,
            details=row.details,
            name=row.record.full_name[:200],
            card_id=card_id,
        )

    def card_for(self, row: RowPlan) -> int:
        """The id of the member's card for the row: the existing one (updated if the row changed it) or a new one."""
        if row.card is not None:
            if row.outcome != RowOutcome.UNCHANGED:
                merged = {**row.card, **self.resolver.card_values(row.record)}
                self.changed_cards.append((*(merged[name] for name in CHANGED_CARD_FIELDS), self.now, row.card["id"]))
            return row.card["id"]
        assert row.person is not None and row.person.id is not None
        card_id = next(self.card_ids)
        values = self.resolver.card_values(row.record)
        self.cards.add(
            id=card_id, owner_id=self.owner_id, person_id=row.person.id, source=TieSource.IMPORT.value, **values
        )
        return card_id

    def tie_for(self, row: RowPlan) -> None:
        assert row.person is not None and row.person.id is not None
        person_id = row.person.id
        since = tie_since(row.record, self.today)
        if person_id in self.tied:
            if since and self.tied[person_id] is None:
                self.ties_given_since.append((since, self.now, self.owner_id, person_id))
            return
        self.tied[person_id] = since
        self.graph_persons.add(person_id)
        self.ties.add(
            owner_id=self.owner_id,
            person_a_id=self.me_id,
            person_b_id=person_id,
            strength=DEFAULT_IMPORT_STRENGTH,
            strength_rated=False,
            since=since,
            how_known=how_known(row.record),
            source=TieSource.IMPORT.value,
            is_private=self.private,
        )

    def position_for(self, row: RowPlan) -> None:
        if not row.new_position or row.person is None or row.person.id is None:
            return
        if row.card is not None:  # only a known contact has a position of the member's to end
            self.ended_positions_of.add(row.person.id)
            self.graph_persons.add(row.person.id)
        if row.organisation is not None:
            self.graph_persons.add(row.person.id)
            self.positions.add(
                person_id=row.person.id,
                organisation_id=row.organisation.id,
                unit_id=row.unit.id if row.unit else None,
                title=clip(row.record.title.strip(), Position, "title"),
                recorded_by_id=self.owner_id,
            )

    def keys_for(self, row: RowPlan) -> None:
        assert row.person is not None
        for kind, digest in row.keys.exact():
            if (kind, digest) not in self.keyed:
                self.keyed.add((kind, digest))
                self.keys.add(person_id=row.person.id, kind=kind, digest=digest)

    def suggestion_for(self, row: RowPlan) -> None:
        if row.suggest_with is None or row.person is None:
            return
        pair = (row.person.id, row.suggest_with.id)
        if pair in self.suggested or row.suggest_with.id == row.person.id:
            return
        self.suggested.add(pair)
        self.suggestions.add(
            owner_id=self.owner_id if row.suggestion_for_member else None,
            person_id=row.person.id,
            candidate_id=row.suggest_with.id,
            score=float(row.details.get("score", 0)),
            reason=row.reason,
            details=row.details,
        )

    def _flush(self) -> None:
        self.cards.write()
        self.ties.write()
        with connection.cursor() as cursor:
            if self.changed_cards:
                assignments = ", ".join(f"{name} = %s" for name in (*CHANGED_CARD_FIELDS, "updated"))
                cursor.executemany(
                    f"UPDATE {ContactCard._meta.db_table} SET {assignments} WHERE id = %s", self.changed_cards
                )
            if self.ties_given_since:
                cursor.executemany(
                    f"UPDATE {Tie._meta.db_table} SET since = %s, updated = %s "
                    "WHERE owner_id = %s AND person_b_id = %s AND since IS NULL",
                    self.ties_given_since,
                )
        for chunk in chunks(self.ended_positions_of):
            Position.objects.filter(person_id__in=chunk, recorded_by=self.owner, end_date__isnull=True).update(
                end_date=timezone.localdate()
            )
        self.positions.write()
        self.keys.write()
        self.suggestions.write()

    def _remove(self, cards: list[dict]) -> None:
        for card in cards:
            delete_contact(self.owner, ContactCard.objects.get(pk=card["id"]), note=False)
            self.graph_persons.add(card["person_id"])
            self.rows.add(
                batch_id=self.batch_id,
                row_number=0,
                outcome=RowOutcome.REMOVED.value,
                reason="missing_from_file",
                details={},
                name=card["full_name"],
                card_id=None,
            )


def apply_row(writer: PlanWriter, row: RowPlan) -> None:
    """One row's share of the write. A module function so that tests can make row k fail."""
    if not row.writes_card and row.outcome != RowOutcome.UNCHANGED:
        writer.add_row(row, None)
        return
    card_id = writer.card_for(row)
    writer.tie_for(row)
    writer.position_for(row)
    writer.keys_for(row)
    writer.suggestion_for(row)
    writer.add_row(row, card_id)
