"""Telling the path engine which persons changed, in the same transaction as the change.

Every write that can alter a path (a tie, a position, a person, connector
settings, a block, a merge, an import) calls `note_graph_change`. The row commits
or rolls back with the change itself; after commit the `graph_changed` signal lets
the paths app schedule a rebuild (the network app may not import it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal

from kaffebro.network.models import GraphChange, Person, Tie

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


def member_person_ids(user_ids: Iterable[int | None]) -> list[int]:
    """The own persons of these members (a member who has none yet has no ties whose paths could change)."""
    members = {int(pk) for pk in user_ids if pk is not None}
    if not members:
        return []
    return list(Person.objects.filter(member_id__in=members).values_list("id", flat=True))


def with_tie_partners(person_ids: Iterable[int | None]) -> set[int]:
    """These persons and everyone at the other end of one of their ties (read before the ties go)."""
    persons = {int(pk) for pk in person_ids if pk is not None}
    if not persons:
        return set()
    ends = Tie.objects.filter(Q(person_a_id__in=persons) | Q(person_b_id__in=persons)).values_list(
        "person_a_id", "person_b_id"
    )
    return persons.union(*ends)
