"""Every read of network data goes through here.

Organisations (except those a member typed in privately), units and postings are
shared reference data. Contact cards, ties, targets, the seeker profile, connector
settings and blocks belong to one member: asking for someone else's answers 404,
exactly as if it did not exist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    Organisation,
    Position,
    Posting,
    SeekerProfile,
    Target,
    Tie,
    Unit,
)


def _own_tie(user: User) -> QuerySet[Tie]:
    return Tie.objects.filter(owner=user, person_b=OuterRef("person"))


def _own_current_position(user: User) -> QuerySet[Position]:
    """The member's own current position for the card's person, the newest first as in `own_position`."""
    return Position.objects.filter(person=OuterRef("person"), recorded_by=user, end_date__isnull=True).order_by("-id")


def contacts_of(user: User) -> QuerySet[ContactCard]:
    """The member's contact cards, sorted by name, each with its tie's strength, rating flag and privacy.

    `decides_on_hiring` is what the member's own current position for the person says
    (None without one); what other members recorded about the person is never read here.
    """
    return (
        ContactCard.objects.filter(owner=user)
        .annotate(
            tie_strength=Subquery(_own_tie(user).values("strength")[:1]),
            tie_rated=Subquery(_own_tie(user).values("strength_rated")[:1]),
            tie_private=Subquery(_own_tie(user).values("is_private")[:1]),
            decides_on_hiring=Subquery(_own_current_position(user).values("is_decision_maker")[:1]),
        )
        .order_by("full_name", "id")
    )


def search_contacts(user: User, *, query: str = "", organisation: Organisation | None = None) -> QuerySet[ContactCard]:
    """The member's contacts matching a free-text query (name, organisation, title) and an organisation."""
    contacts = contacts_of(user)
    if query:
        contacts = contacts.filter(
            Q(full_name__icontains=query) | Q(organisation_name__icontains=query) | Q(title__icontains=query)
        )
    if organisation is not None:
        contacts = contacts.filter(
            Exists(current_positions().filter(person=OuterRef("person"), organisation=organisation))
        )
    return contacts


def access_contact(user: User, code: str) -> ContactCard:
    return get_object_or_404(contacts_of(user), code=code)


def tie_for(card: ContactCard) -> Tie:
    """The owner's tie to the person on their card."""
    return get_object_or_404(Tie, owner_id=card.owner_id, person_b_id=card.person_id)


def own_position(card: ContactCard) -> Position | None:
    """The current position the card's owner recorded for the person, if any."""
    return (
        Position.objects.filter(person_id=card.person_id, recorded_by_id=card.owner_id, end_date__isnull=True)
        .select_related("organisation", "unit")
        .order_by("-id")
        .first()
    )


def current_positions() -> QuerySet[Position]:
    return Position.objects.filter(end_date__isnull=True)


def first_degree_persons(user: User) -> QuerySet[Tie, Any]:
    """The persons the member knows directly, as a subquery of person ids."""
    return Tie.objects.filter(owner=user).values("person_b")


def visible_organisations(user: User) -> QuerySet[Organisation]:
    """Shared reference organisations and the ones this member typed in themselves."""
    return Organisation.objects.filter(Q(private_to__isnull=True) | Q(private_to=user))


def search_organisations(
    user: User, *, query: str = "", sector: str = "", industry: str = "", region: str = ""
) -> QuerySet[Organisation]:
    organisations = visible_organisations(user)
    if query:
        escaped = json.dumps(query)[1:-1]
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(aliases__icontains=query) | Q(aliases__icontains=escaped)
        )
    for name, value in (("sector", sector), ("industry", industry), ("region", region)):
        if value:
            organisations = organisations.filter(**{name: value})
    return organisations.order_by("name", "id")


def access_organisation(user: User, code: str) -> Organisation:
    return get_object_or_404(visible_organisations(user), code=code)


def organisations_named(user: User, name: str) -> list[Organisation]:
    """Organisations the member may see whose name or one of whose aliases is `name`, ignoring case.

    Shared reference data comes before an organisation the member typed in, so a
    contact is placed in the real organisation once it exists.
    """
    name = name.strip()
    if not name:
        return []
    shared_first = (F("private_to").asc(nulls_first=True), "id")  # the same on every database
    exact = list(visible_organisations(user).filter(name__iexact=name).order_by(*shared_first)[:5])
    if exact:
        return exact
    escaped = json.dumps(name)[1:-1]
    candidates = visible_organisations(user).filter(Q(aliases__icontains=name) | Q(aliases__icontains=escaped))
    wanted = name.casefold()
    return [org for org in candidates.order_by("id")[:50] if any(str(a).casefold() == wanted for a in org.aliases)]


def organisations_among_contacts(user: User) -> QuerySet[Organisation]:
    """The organisations where the member's contacts currently work, for the contacts filter."""
    return (
        visible_organisations(user)
        .filter(Exists(current_positions().filter(organisation=OuterRef("pk"), person__in=first_degree_persons(user))))
        .order_by("name", "id")
    )


def contacts_at(user: User, organisation: Organisation) -> QuerySet[ContactCard]:
    """The member's own cards for persons who currently work in the organisation."""
    return search_contacts(user, organisation=organisation)


def first_degree_count(user: User, organisation: Organisation) -> int:
    """How many persons the member knows directly who currently work in the organisation."""
    return (
        current_positions()
        .filter(organisation=organisation, person__in=first_degree_persons(user))
        .values("person")
        .distinct()
        .count()
    )


def first_degree_counts_by_organisation(user: User, organisations: Iterable[Organisation]) -> dict[int, int]:
    """Per organisation id, how many of the member's direct contacts currently work there: one query."""
    rows = (
        current_positions()
        .filter(organisation__in=[org.pk for org in organisations], person__in=first_degree_persons(user))
        .values("organisation")
        .annotate(people=Count("person", distinct=True))
    )
    return {row["organisation"]: row["people"] for row in rows}


@dataclass
class UnitNode:
    """A unit with the units directly under it, for showing the tree."""

    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def units_tree(organisation: Organisation) -> list[UnitNode]:
    """The organisation's top-level units as a tree, from one query."""
    nodes = [UnitNode(unit) for unit in organisation.units.order_by("name", "id")]
    children: dict[int | None, list[UnitNode]] = defaultdict(list)
    for node in nodes:
        children[node.unit.parent_id].append(node)
    for node in nodes:
        node.children = children[node.unit.pk]
    return children[None]


def current_postings(organisation: Organisation) -> QuerySet[Posting]:
    """Postings still open: not closed, and no deadline or a deadline today or later."""
    today = timezone.localdate()
    return (
        organisation.postings.filter(Q(deadline__isnull=True) | Q(deadline__gte=today), closed__isnull=True)
        .select_related("unit")
        .order_by("deadline", "title", "id")
    )


def unit_in(organisation: Organisation, value: str) -> list[Unit]:
    """Units of the organisation matching a code or, ignoring case, a name."""
    value = value.strip()
    units = organisation.units.all()
    by_code = list(units.filter(code=value))
    return by_code or list(units.filter(name__iexact=value).order_by("id")[:5])


def posting_in(organisation: Organisation, value: str) -> list[Posting]:
    """Postings of the organisation matching a code or, ignoring case, a title."""
    value = value.strip()
    postings = organisation.postings.all()
    by_code = list(postings.filter(code=value))
    return by_code or list(postings.filter(title__iexact=value).order_by("id")[:5])


def unit_by_code(user: User, code: str) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("organisation").filter(organisation__in=visible_organisations(user)), code=code
    )


def posting_by_code(user: User, code: str) -> Posting:
    return get_object_or_404(
        Posting.objects.select_related("organisation", "unit").filter(organisation__in=visible_organisations(user)),
        code=code,
    )


def seeker_profile_of(user: User) -> SeekerProfile | None:
    return SeekerProfile.objects.filter(user=user).first()


def targets_of(user: User) -> QuerySet[Target]:
    return Target.objects.filter(seeker=user).select_related(
        "posting__organisation", "posting__unit", "unit__organisation", "organisation"
    )


def access_target(user: User, code: str) -> Target:
    return get_object_or_404(targets_of(user), code=code)


def blocks_of(user: User) -> QuerySet[Block]:
    """The member's blocks; a blocked person is named by the member's own card for them."""
    own_card = ContactCard.objects.filter(owner=user, person=OuterRef("person")).order_by("id")
    return (
        Block.objects.filter(owner=user)
        .select_related("organisation")
        .annotate(card_name=Subquery(own_card.values("full_name")[:1]))
        .order_by("-created", "-id")
    )


def access_block(user: User, code: str) -> Block:
    return get_object_or_404(blocks_of(user), code=code)


def contacts_named(user: User, value: str) -> list[ContactCard]:
    """The member's own cards matching a code or, ignoring case, a full name."""
    value = value.strip()
    if not value:
        return []
    cards = ContactCard.objects.filter(owner=user)
    return list(cards.filter(code=value)) or list(cards.filter(full_name__iexact=value).order_by("id")[:5])


def target_place(target: Target) -> tuple[Organisation | None, Unit | None]:
    """Where a target points: its organisation and, when narrower, its unit (nothing for a job field)."""
    if target.posting is not None:
        return target.posting.organisation, target.posting.unit
    if target.unit is not None:
        return target.unit.organisation, target.unit
    return target.organisation, None


@dataclass(frozen=True)
class PlacedTarget:
    """A target with the organisation and unit it points at, and how many direct contacts work there."""

    target: Target
    organisation: Organisation | None
    unit: Unit | None
    first_degree: int | None = None


def placed_targets(user: User, *, count_contacts: bool = False) -> list[PlacedTarget]:
    """The member's targets in priority order; with `count_contacts`, their first-degree counts too."""
    targets = list(targets_of(user))
    counts = first_degree_counts_for_targets(user, targets) if count_contacts else {}
    return [PlacedTarget(target, *target_place(target), first_degree=counts.get(target.pk)) for target in targets]


def first_degree_counts_for_targets(user: User, targets: list[Target]) -> dict[int, int]:
    """Per target id, how many direct contacts currently work in its unit (with sub-units) or organisation.

    Two queries whatever the number of targets: the units of the targets'
    organisations, and the current positions of the member's contacts there.
    """
    places = {target.pk: target_place(target) for target in targets}
    organisation_ids = {org.pk for org, _unit in places.values() if org is not None}
    if not organisation_ids:
        return {}
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.filter(organisation_id__in=organisation_ids).values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    positions = list(
        current_positions()
        .filter(organisation_id__in=organisation_ids, person__in=first_degree_persons(user))
        .values_list("person_id", "organisation_id", "unit_id")
        .distinct()
    )
    counts = {}
    for target_id, (organisation, unit) in places.items():
        if organisation is None:
            continue
        if unit is None:
            people = {person for person, org, _u in positions if org == organisation.pk}
        else:
            inside = _unit_and_descendants(unit.pk, children)
            people = {person for person, _o, unit_id in positions if unit_id in inside}
        counts[target_id] = len(people)
    return counts


def _unit_and_descendants(unit_id: int, children: dict[int | None, list[int]]) -> set[int]:
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


def contact_count(user: User) -> int:
    return ContactCard.objects.filter(owner=user).count()


def connector_settings_of(user: User) -> ConnectorSettings | None:
    """The member's connector settings if they have any yet (reading never creates them)."""
    return ConnectorSettings.objects.filter(user=user).first()


def targeted_ids(user: User) -> dict[str, set[int]]:
    """Which organisations, units and postings are already the member's targets, to mark them on a page."""
    found: dict[str, set[int]] = {"organisation": set(), "unit": set(), "posting": set()}
    for organisation_id, unit_id, posting_id in Target.objects.filter(seeker=user).values_list(
        "organisation_id", "unit_id", "posting_id"
    ):
        for kind, value in (("organisation", organisation_id), ("unit", unit_id), ("posting", posting_id)):
            if value is not None:
                found[kind].add(value)
    return found


def organisation_blocked(user: User, organisation: Organisation) -> bool:
    return Block.objects.filter(owner=user, organisation=organisation).exists()


def person_blocked(user: User, person_id: int) -> bool:
    return Block.objects.filter(owner=user, person_id=person_id).exists()
