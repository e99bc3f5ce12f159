"""The path engine: a graph view (snapshot, plus the overlay of later changes) and the queries on it.

Queries read no database: the service resolves the viewer and their blocks, the
engine answers with person ids and scores, the service explains them.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.conf import settings
from django.utils import timezone

from kaffebro.paths import kernel, scoring
from kaffebro.paths.index import INDUSTRIES, REGIONS, GraphIndex, build_index
from kaffebro.paths.targets import ROLE, FieldWords, Positions, TargetSet, TargetSpec, resolve

SUMMARY_CACHE_SIZE = 256


@dataclass(frozen=True)
class RawPath:
    score: float
    person_ids: tuple[int, ...]  # after the seeker; the last one is the target person
    role: str

    @property
    def hops(self) -> int:
        return len(self.person_ids)


def gather_rows(indptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index into `nodes`, entry position) for every entry of the nodes' CSR rows, without a Python loop."""
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    total = int(counts.sum())
    source = np.repeat(np.arange(len(nodes)), counts)
    offsets = np.cumsum(counts) - counts
    entries = np.arange(total) - np.repeat(offsets - starts, counts)
    return source, entries


class BaseView:
    """The snapshot as the kernel and the target resolution read it."""

    def __init__(self, index: GraphIndex):
        self.index = index
        self.node_count = index.node_count
        self.node_flags = index.node_flags
        self.capacity = index.capacity
        self.persons = index.persons

    # kernel.Graph

    def rows(self, nodes: np.ndarray, own: bool = False):
        index = self.index
        source, entries = gather_rows(index.indptr, nodes)
        if own:
            return source, index.indices[entries], index.flags[entries], index.days[entries]
        return source, index.indices[entries], index.shared[entries], index.shared_days[entries]

    def degrees(self, nodes: np.ndarray) -> np.ndarray:
        return self.index.indptr[nodes + 1] - self.index.indptr[nodes]

    # Persons

    def node_of_person(self, person_id: int) -> int:
        return int(self.nodes_of_persons(np.array([person_id]))[0])

    def nodes_of_persons(self, person_ids: np.ndarray) -> np.ndarray:
        """Node per person id, -1 for persons not in the graph."""
        return self.index.node_of(person_ids)

    def person_of_node(self, nodes: np.ndarray) -> np.ndarray:
        return self.persons[nodes]

    # Positions (targets.PositionSource)

    def _positions(self, rows: np.ndarray) -> Positions:
        index = self.index
        unit = index.position_unit[rows]
        return Positions(
            node=index.position_node[rows].astype(np.int64),
            organisation=index.organisations[index.position_organisation[rows]],
            unit=self._unit_ids(unit),
            decides=index.position_decides[rows].astype(bool),
        )

    def _unit_ids(self, unit_rows: np.ndarray) -> np.ndarray:
        """Unit id per position row, -1 where the position names no unit (or no unit exists at all)."""
        units = self.index.units
        if len(units) == 0:
            return np.full(len(unit_rows), -1, dtype=np.int64)
        return np.where(unit_rows >= 0, units[np.maximum(unit_rows, 0)], -1)

    def organisation_positions(self, organisation_id: int) -> Positions:
        index = self.index
        where = int(np.searchsorted(index.organisations, organisation_id))
        if where >= len(index.organisations) or index.organisations[where] != organisation_id:
            return Positions.empty()
        return self._positions(np.arange(index.organisation_ptr[where], index.organisation_ptr[where + 1]))

    def unit_positions(self, unit_ids: np.ndarray) -> Positions:
        index = self.index
        if len(index.units) == 0:
            return Positions.empty()
        where = np.minimum(np.searchsorted(index.units, unit_ids), len(index.units) - 1)
        dense = where[index.units[where] == unit_ids]
        _source, entries = gather_rows(index.unit_ptr, dense)
        return self._positions(index.unit_order[entries])

    def unit_and_descendants(self, unit_id: int) -> np.ndarray:
        index = self.index
        where = int(np.searchsorted(index.units, unit_id))
        if where >= len(index.units) or index.units[where] != unit_id:
            return np.array([unit_id], dtype=np.int64)
        found = [where]
        frontier = np.array([where])
        while len(frontier):
            frontier = np.flatnonzero(np.isin(index.unit_parent, frontier))
            found.extend(frontier.tolist())
        return index.units[np.array(found)]

    def field_positions(self, words: FieldWords, region: str) -> tuple[Positions, np.ndarray]:
        """Positions matching a job field (title, then unit name, then industry), each with how it matched."""
        index = self.index
        titles = np.array([i for i, title in enumerate(index.titles) if words.matches(title)], dtype=np.int32)
        units = np.array([i for i, name in enumerate(index.unit_names) if words.matches(name)], dtype=np.int32)
        industries = np.array([INDUSTRIES.index(code) for code in words.industries], dtype=np.int8)
        by_title = np.isin(index.position_title, titles)
        by_unit = np.isin(index.position_unit, units)
        by_industry = np.isin(index.organisation_industry[index.position_organisation], industries)
        matched = by_title | by_unit | by_industry
        if region:
            code = REGIONS.index(region) if region in REGIONS else -2
            matched &= index.organisation_region[index.position_organisation] == code
        rows = np.flatnonzero(matched)
        how = np.where(
            by_title[rows], ROLE["field_title"], np.where(by_unit[rows], ROLE["field_unit"], ROLE["field_industry"])
        )
        return self._positions(rows), how


def tables() -> kernel.Tables:
    w = scoring.weights()
    recency = np.empty(w.recency_days[1] + 3)
    recency[: w.recency_days[0] + 1] = w.recency[0]
    recency[w.recency_days[0] + 1 : w.recency_days[1] + 1] = w.recency[1]
    recency[w.recency_days[1] + 1 : -1] = w.recency[2]
    recency[-1] = w.recency_unknown
    return kernel.Tables(
        first=scoring.flag_table("first"),
        middle=scoring.flag_table("middle"),
        last=scoring.flag_table("last"),
        recency=recency,
        hop=w.hop,
        scale=w.scale,
        diversity=settings.PATH_DIVERSITY,
        keep_per_connector=settings.PATH_DIVERSITY + kernel.EXCLUDED_AS_TARGET,
    )


class PathEngine:
    """Queries on one graph view; summaries of targets cached per view and day."""

    def __init__(self, view: BaseView):
        self.view = view
        self._summaries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_index(cls, index: GraphIndex) -> PathEngine:
        return cls(BaseView(index))

    @classmethod
    def from_database(cls) -> PathEngine:
        return cls.from_index(build_index())

    @classmethod
    def current(cls) -> PathEngine:
        from kaffebro.paths.overlay import current_engine

        return current_engine()

    @cached_property
    def tables(self) -> kernel.Tables:
        return tables()

    def targets(self, spec: TargetSpec) -> TargetSet:
        return self._cached(("targets", spec), lambda: resolve(self.view, spec))

    def _cached(self, key, compute):
        with self._lock:
            if key in self._summaries:
                self._summaries.move_to_end(key)
                return self._summaries[key]
        value = compute()
        with self._lock:
            self._summaries[key] = value
            while len(self._summaries) > SUMMARY_CACHE_SIZE:
                self._summaries.popitem(last=False)
        return value

    def _excluded(self, blocked_person_ids, blocked_organisation_ids) -> np.ndarray:
        nodes = []
        if len(blocked_person_ids):
            found = self.view.nodes_of_persons(np.asarray(list(blocked_person_ids), dtype=np.int64))
            nodes.append(found[found >= 0])
        for organisation_id in blocked_organisation_ids:
            nodes.append(self.view.organisation_positions(int(organisation_id)).node)
        if not nodes:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(nodes)).astype(np.int64)

    def _summary(self, target_set: TargetSet, spec: TargetSpec, excluded: np.ndarray, today: int) -> kernel.Summary:
        def compute():
            return kernel.summarise(self.view, target_set.nodes, target_set.weights, excluded, self.tables, today)

        if len(excluded):
            return compute()
        return self._cached(("summary", spec, today), compute)

    def _prepare(self, seeker_person_id, spec, blocked_person_ids, blocked_organisation_ids, today):
        seeker = self.view.node_of_person(int(seeker_person_id))
        target_set = self.targets(spec)
        excluded = self._excluded(blocked_person_ids, blocked_organisation_ids)
        day = scoring.day_number(today or timezone.localdate())
        return seeker, target_set, excluded, day

    def search(
        self,
        seeker_person_id: int,
        spec: TargetSpec,
        k: int = 10,
        *,
        blocked_person_ids=(),
        blocked_organisation_ids=(),
        today: datetime.date | None = None,
    ) -> tuple[list[RawPath], int]:
        """The k best paths and how many distinct first persons lead to the target."""
        seeker, target_set, excluded, day = self._prepare(
            seeker_person_id, spec, blocked_person_ids, blocked_organisation_ids, today
        )
        if seeker < 0 or len(target_set.nodes) == 0:
            return [], 0
        summary = self._summary(target_set, spec, excluded, day)
        found = kernel.search(
            self.view, seeker, target_set.nodes, target_set.weights, summary, excluded, self.tables, day, k
        )
        persons = self.view.person_of_node
        paths = []
        for score, first, middle, target in zip(
            found.score.tolist(), found.first.tolist(), found.middle.tolist(), found.target.tolist(), strict=True
        ):
            chain = [first] if first != target else []
            if middle >= 0:
                chain.append(middle)
            chain.append(target)
            ids = tuple(int(person) for person in persons(np.array(chain)))
            paths.append(RawPath(score, ids, target_set.role_of(target)))
        return paths, found.groups

    def top_paths(self, seeker_person_id: int, spec: TargetSpec, k: int = 10, **options) -> list[RawPath]:
        return self.search(seeker_person_id, spec, k, **options)[0]

    def count_ways(self, seeker_person_id: int, spec: TargetSpec, **options) -> int:
        return self.search(seeker_person_id, spec, 1, **options)[1]

    def reachable_targets(
        self, seeker_person_id: int, spec: TargetSpec, *, blocked_person_ids=(), blocked_organisation_ids=()
    ) -> set[int]:
        seeker, target_set, excluded, _day = self._prepare(
            seeker_person_id, spec, blocked_person_ids, blocked_organisation_ids, None
        )
        if seeker < 0 or len(target_set.nodes) == 0:
            return set()
        nodes = kernel.reachable(self.view, seeker, target_set.nodes, excluded)
        return {int(person) for person in self.view.person_of_node(nodes)}


@dataclass(frozen=True)
class TieFacts:
    """What the score used of one tie: strength, whether a member rated it, last contact day (0 unknown)."""

    strength: int
    rated: bool
    day: int


def tie_facts(view: BaseView, person_u: int, person_v: int, *, own: bool = False) -> TieFacts:
    """The tie between two persons as the score saw it: u's own view (the seeker's first hop) or the shared one."""
    u, v = view.nodes_of_persons(np.array([person_u, person_v], dtype=np.int64))
    _source, neighbour, flags, days = view.rows(np.array([u], dtype=np.int64), own=own)
    where = np.flatnonzero(neighbour == v)
    if not len(where):
        return TieFacts(0, False, 0)
    flag = int(flags[where[0]])
    return TieFacts(flag & scoring.STRENGTH_MASK, bool(flag & scoring.RATED), int(days[where[0]]))


def node_facts(view: BaseView, person_id: int) -> tuple[int, float]:
    """(node flags, capacity) of a person."""
    node = int(view.nodes_of_persons(np.array([person_id], dtype=np.int64))[0])
    if node < 0:
        return 0, 1.0
    return int(view.node_flags[node]), float(view.capacity[node])
