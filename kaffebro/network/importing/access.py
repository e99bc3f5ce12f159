"""Every read of a member's imports, their rows, unrated ties and merge suggestions goes through here.

An import, its summary and a merge suggestion belong to one member: asking for someone
else's answers 404, exactly as if it did not exist. A suggestion is shown with the
member's own contact cards only, never with what another member wrote about a person.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from kaffebro.accounts.models import User
from kaffebro.network.access import contacts_of
from kaffebro.network.models import (
    ContactCard,
    ImportBatch,
    ImportRow,
    MergeSuggestion,
    RowOutcome,
    SuggestionStatus,
    Tie,
)


def imports_of(user: User) -> QuerySet[ImportBatch]:
    """The member's imports, newest first, without the file's bytes (a list must not load megabytes)."""
    return ImportBatch.objects.filter(owner=user).defer("content").order_by("-created", "-id")


def access_import(user: User, code: str) -> ImportBatch:
    """One of the member's imports; the bytes load only when a preview reads them."""
    return get_object_or_404(imports_of(user), code=code)


def rows_of(batch: ImportBatch, outcome: str = "") -> QuerySet[ImportRow]:
    """What happened to each row of the import, in file order; `outcome` narrows to one kind (unknown: all)."""
    rows = ImportRow.objects.filter(batch=batch)
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("row_number", "id")


def unrated_contacts(user: User) -> QuerySet[ContactCard]:
    """The member's contacts whose tie still has an import's default strength, oldest first, to rate them."""
    unrated = Tie.objects.filter(owner=user, person_b=OuterRef("person"), strength_rated=False)
    return contacts_of(user).filter(Exists(unrated)).order_by("created", "id")


def _own_card(user: User, person_field: str) -> QuerySet[ContactCard]:
    return ContactCard.objects.filter(owner=user, person=OuterRef(person_field)).order_by("id")


def open_suggestions_for(user: User) -> QuerySet[MergeSuggestion]:
    """The member's undecided suggestions, each named by the member's own cards for the two persons.

    A person the member has no card for has no name here (`person_name` or `candidate_name`
    is None): the shared person's name may come from another member's import.
    """
    annotations = {}
    for side in ("person", "candidate"):
        cards = _own_card(user, side)
        annotations[f"{side}_name"] = Subquery(cards.values("full_name")[:1])
        annotations[f"{side}_organisation"] = Subquery(cards.values("organisation_name")[:1])
    return (
        MergeSuggestion.objects.filter(owner=user, status=SuggestionStatus.OPEN)
        .annotate(**annotations)
        .order_by("-score", "created", "id")
    )


def access_suggestion(user: User, code: str) -> MergeSuggestion:
    """One of the member's suggestions, open or decided (deciding twice is the action's to refuse)."""
    return get_object_or_404(MergeSuggestion.objects.filter(owner=user), code=code)
