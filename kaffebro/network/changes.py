"""Telling the path engine which persons changed, in the same transaction as the change.

Every write that can alter a path (a tie, a position, a person, connector
settings, a block, a merge, an import) calls `note_graph_change`. The row commits
or rolls back with the change itself; after commit the `graph_changed` signal lets
the paths app schedule a rebuild (the network app may not import it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from kaffebro.network.models import GraphChange

graph_changed = Signal()

# Very large changes (a whole import) are written as several rows of at most this many persons.
PERSONS_PER_ROW = 5_000


def note_graph_change(person_ids: Iterable[int | None], reason: str) -> None:
    """Record that these persons' ties, positions or settings changed; call inside the changing transaction."""
    persons = sorted({int(pk) for pk in person_ids if pk is not None})
    if not persons:
        return
    GraphChange.objects.bulk_create(
        GraphChange(persons=persons[i : i + PERSONS_PER_ROW], reason=reason)
        for i in range(0, len(persons), PERSONS_PER_ROW)
    )
    transaction.on_commit(lambda: graph_changed.send(sender=GraphChange, reason=reason), robust=True)
