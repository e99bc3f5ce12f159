"""A slow, independent reference for the path engine: docs/paths.md applied literally with networkx.

It reads the database through the ORM (never the engine's index), builds the usable
edges of one seeker's search as a networkx graph, enumerates every simple path of at
most three hops and scores each with `kaffebro.paths.scoring.path_score` (the score's
reference functions are the contract's numbers; everything else here is written from
the document, not from the engine).

Interpretations of the contract where it leaves room (each noted where it is applied):

- A tie's strength and recency combine the records the searcher may use on that hop: on the
  seeker's first hop her own records and the other's shareable one, elsewhere shareable ones only.
- A job field is split into folded words; words shorter than three letters are ignored
  when matching titles and unit names (so "og" in "Energi og forsyning" matches nothing).
- An industry matches when the folded field is its code, or a field stem occurs in its folded
  Danish or English name.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

import networkx as nx
from django.conf import settings
from django.utils import timezone, translation

from kaffebro.network.importing.normalise import fold
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    Industry,
    Organisation,
    Person,
    Position,
    Tie,
    Unit,
)
from kaffebro.paths import scoring
from kaffebro.paths.targets import TargetSpec

ENDINGS = ("ingen", "ing", "erne", "ere", "er", "else", "e")


# Who is who


@dataclass
class World:
    """The database as the contract sees it, read once per query."""

    today: datetime.date
    persons: dict[int, Person]  # not suppressed
    suppressed: set[int]
    member_of: dict[int, int]  # user id -> person id
    connectors: set[int]  # person ids: opted in, active
    capacity: dict[int, float]  # person id -> capacity (connectors)
    shows_name: set[int]  # person ids of members whose settings allow their name (connector or not)
    current: dict[int, list[Position]]  # person id -> current positions
    person_blocks: dict[int, set[int]]  # owner person id -> blocked person ids
    organisation_blocks: dict[int, set[int]]  # owner person id -> blocked organisation ids
    records: list[Tie] = field(default_factory=list)  # between indexed persons

    @classmethod
    def load(cls, today: datetime.date | None = None) -> World:
        today = today or timezone.localdate()
        everyone = list(Person.objects.select_related("member"))
        persons = {p.pk: p for p in everyone if not p.suppressed}
        suppressed = {p.pk for p in everyone if p.suppressed}
        member_of = {p.member_id: p.pk for p in everyone if p.member_id}
        connectors, capacity, shows_name = set(), {}, set()
        with_settings = set()
        for row in ConnectorSettings.objects.select_related("user"):
            person = member_of.get(row.user_id)
            if person is None:
                continue
            with_settings.add(person)
            if row.show_name_in_paths:
                shows_name.add(person)
            if row.open_to_introductions and row.user.is_active:
                connectors.add(person)
                paused = row.paused_until is not None and row.paused_until >= today
                counted = row.introductions_month == today.replace(day=1)
                capacity[person] = scoring.capacity(paused, row.monthly_limit, row.introductions_used if counted else 0)
        # A member without a settings row has the model's default: shows the name.
        shows_name |= {pid for pid in member_of.values() if pid not in with_settings}
        current: dict[int, list[Position]] = {}
        for position in Position.objects.filter(end_date__isnull=True).select_related("organisation", "unit"):
            current.setdefault(position.person_id, []).append(position)
        person_blocks: dict[int, set[int]] = {}
        organisation_blocks: dict[int, set[int]] = {}
        for block in Block.objects.all():
            owner = member_of.get(block.owner_id)
            if owner is None:
                continue
            if block.person_id:
                person_blocks.setdefault(owner, set()).add(block.person_id)
            if block.organisation_id:
                organisation_blocks.setdefault(owner, set()).add(block.organisation_id)
        records = [t for t in Tie.objects.all() if t.person_a_id in persons and t.person_b_id in persons]
        return cls(
            today,
            persons,
            suppressed,
            member_of,
            connectors,
            capacity,
            shows_name,
            current,
            person_blocks,
            organisation_blocks,
            records,
        )

    def works_at(self, person_id: int) -> set[int]:
        return {p.organisation_id for p in self.current.get(person_id, [])}

    def owner_person(self, record: Tie) -> int | None:
        return self.member_of.get(record.owner_id)

    def shareable(self, record: Tie) -> bool:
        """Not private, and its owner blocked neither the other person nor an organisation where they work now."""
        if record.is_private:
            return False
        owner = self.owner_person(record)
        other = record.person_b_id if owner == record.person_a_id else record.person_a_id
        if other in self.person_blocks.get(owner, set()):
            return False
        return not (self.works_at(other) & self.organisation_blocks.get(owner, set()))

    def excluded_for(self, seeker: int) -> set[int]:
        """The seeker's own blocks: persons, and persons currently at blocked organisations."""
        blocked_people, blocked_organisations = seekers_blocks(self, seeker)
        return set(blocked_people) | {pid for pid in self.persons if self.works_at(pid) & blocked_organisations}


def pair(u: int, v: int) -> tuple[int, int]:
    return (u, v) if u < v else (v, u)


@dataclass(frozen=True)
class TieFacts:
    strength: int
    rated: bool
    day: int  # scoring.day_number of the latest last_contact, 0 unknown


def hop_facts(world: World, seeker: int, u: int, v: int) -> TieFacts:
    """The tie u → v as the seeker may see it: the highest rated strength, else the highest default,
    and the latest last contact, among the records usable on that hop."""
    records = [r for r in world.records if pair(r.person_a_id, r.person_b_id) == pair(u, v)]
    if u == seeker:
        records = [r for r in records if seeker_may_use(world, seeker, r)]
    else:
        records = [r for r in records if anyone_may_use(world, r)]
    rated = [r.strength for r in records if r.strength_rated]
    strength = max(rated) if rated else max(r.strength for r in records)
    contacts = [r.last_contact for r in records if r.last_contact]
    return TieFacts(strength, bool(rated), scoring.day_number(max(contacts)) if contacts else 0)


# Who may be passed along which tie


def seeker_may_use(world: World, seeker: int, record: Tie) -> bool:
    """The first hop: any record the seeker made, or a shareable record of a connector who knows the seeker."""
    owner = world.owner_person(record)
    if owner == seeker:
        return True
    return owner in world.connectors and world.shareable(record)


def anyone_may_use(world: World, record: Tie) -> bool:
    """Every other hop: a shareable record owned by a connector at either end."""
    owner = world.owner_person(record)
    return owner in world.connectors and owner in (record.person_a_id, record.person_b_id) and world.shareable(record)


def usable_hop(world: World, seeker: int, u: int, v: int) -> bool:
    """Whether the contract allows the hop u → v on a path of `seeker` (u is the seeker on the first hop)."""
    records = [r for r in world.records if pair(r.person_a_id, r.person_b_id) == pair(u, v)]
    if u == seeker:
        return any(seeker_may_use(world, seeker, r) for r in records)
    return any(anyone_may_use(world, r) for r in records)


def search_graph(world: World, seeker: int, excluded: set[int]) -> nx.Graph:
    graph = nx.Graph()
    nodes = set(world.persons) - excluded - {seeker}
    graph.add_nodes_from(nodes)
    graph.add_node(seeker)
    for record in world.records:
        a, b = record.person_a_id, record.person_b_id
        if seeker in (a, b):
            other = b if a == seeker else a
            if other in nodes and seeker_may_use(world, seeker, record):
                graph.add_edge(seeker, other)
        elif a in nodes and b in nodes and anyone_may_use(world, record):
            graph.add_edge(a, b)
    return graph


# Targets


def stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def field_stems(text: str) -> list[str]:
    return [stem(word) for word in fold(text).split() if len(word) >= 3]


def field_matches(stems: list[str], text: str) -> bool:
    folded = fold(text)
    return any(s in folded for s in stems)


def industry_named(text: str, industry: str) -> bool:
    folded = fold(text)
    if not folded or industry not in Industry.values:
        return False
    if folded == industry:
        return True
    stems = field_stems(text)
    for language in ("da", "en"):
        with translation.override(language):
            label = fold(str(Industry(industry).label))
            if any(s in label for s in stems):
                return True
    return False


def unit_tree(unit_id: int) -> set[int]:
    found, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def target_roles(world: World, spec: TargetSpec) -> dict[int, str]:
    """Target person id -> best role, among persons in the index."""
    role_weight = scoring.weights().role
    roles: dict[int, str] = {}

    def offer(person: int, role: str) -> None:
        if person not in world.persons:
            return
        if person not in roles or role_weight[role] > role_weight[roles[person]]:
            roles[person] = role

    if spec.kind == "person" and spec.person_id:
        offer(spec.person_id, "person")
    if spec.kind == "posting" and spec.decision_maker_id:
        offer(spec.decision_maker_id, "posting_decision_maker")
    unit_id = spec.unit_id if spec.kind in ("unit", "posting") else None
    organisation_id = spec.organisation_id if spec.kind in ("unit", "organisation", "posting") else None
    if unit_id and organisation_id is None:
        organisation_id = Unit.objects.get(pk=unit_id).organisation_id
    inside = unit_tree(unit_id) if unit_id else set()
    field = field_stems(spec.field) if spec.kind == "field" else []
    region_of = dict(Organisation.objects.values_list("pk", "region"))
    for person, positions in world.current.items():
        for position in positions:
            decides = position.is_decision_maker
            if inside and position.unit_id in inside:
                offer(person, "unit_decision_maker" if decides else "unit_member")
            if organisation_id and position.organisation_id == organisation_id:
                offer(person, "organisation_decision_maker" if decides else "organisation_member")
            if spec.kind == "field":
                if spec.region and region_of[position.organisation_id] != spec.region:
                    continue
                how = None
                if industry_named(spec.field, position.organisation.industry):
                    how = "field_industry"
                if position.unit is not None and field_matches(field, position.unit.name):
                    how = "field_unit"
                if field_matches(field, position.title):
                    how = "field_title"
                if how is not None:
                    offer(person, "field_decision_maker" if decides else how)
    return roles


# The search


@dataclass(frozen=True)
class OraclePath:
    score: float
    person_ids: tuple[int, ...]  # after the seeker
    role: str

    @property
    def hops(self) -> int:
        return len(self.person_ids)


@dataclass
class OracleAnswer:
    paths: list[OraclePath]  # the top k, diversity applied
    all_paths: list[OraclePath]  # every valid path, ranked
    reachable: set[int]

    @property
    def scores(self) -> list[float]:
        return [p.score for p in self.paths]


def find(
    seeker: int,
    spec: TargetSpec,
    k: int = 10,
    *,
    blocked_person_ids=None,
    blocked_organisation_ids=None,
    today: datetime.date | None = None,
) -> OracleAnswer:
    """The contract's answer for a seeker (person id).

    Blocks default to the seeker's own `Block` rows; pass them to mirror a call of the engine.
    """
    world = World.load(today)
    if seeker not in world.persons:
        return OracleAnswer([], [], set())
    own_people, own_organisations = seekers_blocks(world, seeker)
    blocked_people = set(own_people if blocked_person_ids is None else blocked_person_ids)
    blocked_organisations = set(own_organisations if blocked_organisation_ids is None else blocked_organisation_ids)
    excluded = blocked_people | {pid for pid in world.persons if world.works_at(pid) & blocked_organisations}
    roles = {pid: role for pid, role in target_roles(world, spec).items() if pid not in excluded and pid != seeker}
    graph = search_graph(world, seeker, excluded)
    day = scoring.day_number(world.today)
    found = []
    for target, role in roles.items():
        if target not in graph:
            continue
        for nodes in nx.all_simple_paths(graph, seeker, target, cutoff=3):
            middle = nodes[1:-1]
            if any(person not in world.connectors for person in middle):
                continue
            ties = []
            for u, v in itertools.pairwise(nodes):
                tie = hop_facts(world, seeker, u, v)
                ties.append((tie.strength, tie.rated, tie.day))
            score = scoring.path_score(role, ties, [world.capacity[p] for p in middle], day)
            found.append(OraclePath(score, tuple(nodes[1:]), role))
    found.sort(key=lambda p: (-p.score, p.hops, p.person_ids))
    top, per_first = [], {}
    for path in found:
        first = path.person_ids[0]
        if per_first.get(first, 0) >= settings.PATH_DIVERSITY:
            continue
        per_first[first] = per_first.get(first, 0) + 1
        top.append(path)
        if len(top) == k:
            break
    return OracleAnswer(top, found, {p.person_ids[-1] for p in found})


def seekers_blocks(world: World, seeker: int) -> tuple[set[int], set[int]]:
    return world.person_blocks.get(seeker, set()), world.organisation_blocks.get(seeker, set())
