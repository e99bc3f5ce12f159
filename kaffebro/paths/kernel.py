"""The search itself: arrays in, ranked candidate paths out. No database, no Django models, no Python sets.

Meet in the middle (docs/paths.md): one hop from the seeker; one hop from the
target persons into connectors, kept per connector as its best few last hops;
the middle hop scanned from whichever side has fewer ties. Every privacy rule is
a mask applied while scanning, so hidden ties never enter a candidate, a count
or a sort. The interface is `search`, `reachable` and `Summary`: a compiled
kernel could replace this module without touching its callers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kaffebro.paths.index import CONNECTOR
from kaffebro.paths.scoring import RECORDED_BY_ROW, SHARED_BY_NEIGHBOUR, STRENGTH_MASK

SEEKER_MAY_USE = RECORDED_BY_ROW | SHARED_BY_NEIGHBOUR
# How many targets a connector's list may lose at query time (the seeker, the first person).
EXCLUDED_AS_TARGET = 2
PREFIX_FACTOR = 4  # the first ranking sorts about k x diversity x this many candidates


class Graph(Protocol):
    """What the kernel reads: node attributes and the rows of any set of nodes."""

    node_count: int
    node_flags: np.ndarray
    capacity: np.ndarray

    def rows(self, nodes: np.ndarray, own: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(index into `nodes`, neighbour, strength byte, days) for every entry of those rows.

        With `own`, the row person's own view (their records, private ones too, with
        the flag bits); otherwise the shared view (shareable records only; 0 = none).
        """
        ...

    def degrees(self, nodes: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Tables:
    """Per-query constants: weight by flag byte per hop position, recency table, hop factors, scale."""

    first: np.ndarray
    middle: np.ndarray
    last: np.ndarray
    recency: np.ndarray  # factor by age in days (index = age, clipped), last entry for "unknown"
    hop: tuple[float, float, float]
    scale: float
    diversity: int
    keep_per_connector: int

    def recency_of(self, days: np.ndarray, today: int) -> np.ndarray:
        age = np.clip(today - days.astype(np.int64), 0, len(self.recency) - 2)
        return np.where(days == 0, self.recency[-1], self.recency[age])


@dataclass(frozen=True)
class Summary:
    """For one target set: every connector one hop from it and their best last hops (seeker-independent)."""

    connectors: np.ndarray  # node, sorted
    pointers: np.ndarray  # entries of connectors[i] are values[pointers[i]:pointers[i+1]]
    values: np.ndarray  # role weight, times last-tie weight and recency; best first
    targets: np.ndarray  # the target node of each value
    degree_sum: int


@dataclass(frozen=True)
class Candidates:
    """Ranked paths: `first` is the group of the diversity rule (the first person)."""

    score: np.ndarray
    hops: np.ndarray
    first: np.ndarray
    middle: np.ndarray  # -1 when no middle person
    target: np.ndarray
    groups: int  # distinct first persons over all valid paths


class Scratch(threading.local):
    """Reusable per-thread marker arrays: stamped with a query number instead of cleared."""

    def __init__(self) -> None:
        self.size = 0
        self.query = 0

    def prepare(self, size: int) -> int:
        if size > self.size:
            self.size = size
            self.in_summary = np.zeros(size, dtype=np.int64)
            self.summary_row = np.zeros(size, dtype=np.int64)
            self.in_first = np.zeros(size, dtype=np.int64)
            self.first_value = np.zeros(size, dtype=np.float64)
            self.group_seen = np.zeros(size, dtype=np.int64)
            self.query = 0
        self.query += 1
        return self.query


SCRATCH = Scratch()


def summarise(
    graph: Graph, targets: np.ndarray, weights: np.ndarray, excluded: np.ndarray, tables: Tables, today: int
) -> Summary:
    """One hop from the target persons into connectors, best `keep_per_connector` last hops each.

    A last hop needs a shareable record by a connector at either end; the person
    passed through must be a connector. `excluded` nodes (blocked by the seeker)
    are neither targets nor connectors here.
    """
    if len(excluded):
        keep = ~np.isin(targets, excluded)
        targets, weights = targets[keep], weights[keep]
    source, neighbour, flags, days = graph.rows(targets)
    target = targets[source]
    usable = ((graph.node_flags[neighbour] & CONNECTOR) != 0) & ((flags & STRENGTH_MASK) != 0)
    if len(excluded):
        usable &= ~np.isin(neighbour, excluded)
    connector = neighbour[usable]
    value = weights[source[usable]] * tables.last[flags[usable]] * tables.recency_of(days[usable], today)
    target = target[usable]
    by_value = np.argsort(-value, kind="stable")
    order = by_value[np.argsort(connector[by_value], kind="stable")]
    connector, value, target = connector[order], value[order], target[order]
    starts = _group_starts(connector)
    rank = np.arange(len(connector)) - np.repeat(starts, np.diff(np.append(starts, len(connector))))
    kept = rank < tables.keep_per_connector
    connector, value, target = connector[kept], value[kept], target[kept]
    unique_starts = _group_starts(connector)
    connectors = connector[unique_starts]
    pointers = np.append(unique_starts, len(connector)).astype(np.int64)
    return Summary(connectors, pointers, value, target, int(graph.degrees(connectors).sum()))


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))


def search(
    graph: Graph,
    seeker: int,
    targets: np.ndarray,
    weights: np.ndarray,
    summary: Summary,
    excluded: np.ndarray,
    tables: Tables,
    today: int,
    k: int,
) -> Candidates:
    """The k best paths of at most three hops from `seeker` to the targets, at most `diversity` per first person.

    `targets` is sorted. Work is proportional to the seeker's side and to the
    scanned middle ties, not to the size of the target: membership in the target
    and in the summary is looked up, not written out, unless many lookups pay for it.
    """
    scratch = SCRATCH
    query = scratch.prepare(graph.node_count)
    parts = []

    # Hop 1: the seeker's own records (private ones too), or a connector's shareable record of the seeker.
    _src, contact, flags, days = graph.rows(np.array([seeker], dtype=np.int64), own=True)
    contact_is_connector = (graph.node_flags[contact] & CONNECTOR) != 0
    usable = (flags & SEEKER_MAY_USE) != 0
    if len(excluded):
        usable &= ~_find(excluded, contact)[0]
    contact, flags, days = contact[usable], flags[usable], days[usable]
    contact_is_connector = contact_is_connector[usable]
    first_tie = tables.first[flags] * tables.recency_of(days, today)

    direct, where = _find(targets, contact)
    if direct.any():
        people = contact[direct]
        score = tables.scale * tables.hop[0] * first_tie[direct] * weights[where[direct]]
        parts.append((score, 1, people, np.full(len(people), -1), people))

    first = contact[contact_is_connector]
    first_value = first_tie[contact_is_connector] * graph.capacity[first]

    # Hop 2: a first person who is one hop from the target.
    near, rows = _find(summary.connectors, first)
    if near.any():
        no_middle = np.full(near.sum(), -1)
        parts.append(_through(summary, first[near], rows[near], no_middle, first_value[near], seeker, tables, 2))

    # Hop 3: the middle tie, scanned from the side with fewer entries.
    if len(first) and len(summary.connectors):
        pairs = _middle(graph, scratch, query, first, first_value, summary, seeker, tables, today)
        if pairs is not None:
            a, b, b_rows, value = pairs
            parts.append(_through(summary, b, b_rows, a, value, seeker, tables, 3))
    return _rank(parts, tables, k, scratch, query, contact)


def _find(sorted_keys: np.ndarray, probes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which probes are among the sorted keys, and where."""
    if len(sorted_keys) == 0:
        return np.zeros(len(probes), dtype=bool), np.zeros(len(probes), dtype=np.int64)
    where = np.minimum(np.searchsorted(sorted_keys, probes), len(sorted_keys) - 1)
    return sorted_keys[where] == probes, where


def _middle(graph, scratch, query, first, first_value, summary, seeker, tables, today):
    """(first person, middle person, its summary row, value so far) for every usable tie between the frontiers."""
    if graph.degrees(first).sum() <= summary.degree_sum:
        source, neighbour, flags, days = graph.rows(first)
        if len(neighbour) > len(summary.connectors) // 4:
            scratch.in_summary[summary.connectors] = query
            scratch.summary_row[summary.connectors] = np.arange(len(summary.connectors))
            found = scratch.in_summary[neighbour] == query
            rows = scratch.summary_row[neighbour]
        else:
            found, rows = _find(summary.connectors, neighbour)
        keep = found & ((flags & STRENGTH_MASK) != 0) & (neighbour != seeker)
        a, b, b_rows = first[source[keep]], neighbour[keep], rows[keep]
        value = first_value[source[keep]]
    else:
        scratch.in_first[first] = query
        scratch.first_value[first] = first_value
        middle_rows = np.flatnonzero(summary.connectors != seeker)
        middle = summary.connectors[middle_rows]
        source, neighbour, flags, days = graph.rows(middle)
        keep = (scratch.in_first[neighbour] == query) & ((flags & STRENGTH_MASK) != 0)
        a, b, b_rows = neighbour[keep], middle[source[keep]], middle_rows[source[keep]]
        value = scratch.first_value[a]
    if len(a) == 0:
        return None
    value = value * tables.middle[flags[keep]] * tables.recency_of(days[keep], today) * graph.capacity[b]
    return a, b, b_rows, value


def _through(summary, via, rows, first, value, seeker, tables, hops):
    """Extend (first, via) pairs by via's best last hops; for two hops `first` is -1 and via is the first person."""
    starts = summary.pointers[rows]
    counts = summary.pointers[rows + 1] - starts
    repeat = np.repeat(np.arange(len(via)), counts)
    entry = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
    target = summary.targets[entry]
    via_r, first_r = via[repeat], first[repeat]
    first_person = np.where(first_r >= 0, first_r, via_r)
    keep = (target != seeker) & (target != first_person)
    score = tables.scale * tables.hop[hops - 1] * value[repeat][keep] * summary.values[entry][keep]
    middle = np.where(first_r >= 0, via_r, -1)[keep]
    return score, hops, first_person[keep], middle, target[keep]


def _rank(parts, tables: Tables, k: int, scratch: Scratch, query: int, contacts: np.ndarray) -> Candidates:
    """Greedy in score order, at most `diversity` per first person, until k are taken.

    The greedy choice depends only on a prefix of the order, so only the
    candidates at or above a score threshold are sorted; the threshold is lowered
    until the prefix yields k paths or holds every candidate.
    """
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(np.zeros(0), empty, empty, empty, empty, 0)
    score = np.concatenate([part[0] for part in parts])
    hops = np.concatenate([np.full(len(part[0]), part[1], dtype=np.int64) for part in parts])
    first = np.concatenate([part[2] for part in parts]).astype(np.int64)
    middle = np.concatenate([part[3] for part in parts]).astype(np.int64)
    target = np.concatenate([part[4] for part in parts]).astype(np.int64)
    scratch.group_seen[first] = query
    groups = int(np.count_nonzero(scratch.group_seen[contacts] == query))
    prefix = k * tables.diversity * PREFIX_FACTOR
    while True:
        if prefix >= len(score):
            chosen = np.arange(len(score))
        else:
            threshold = np.partition(score, len(score) - prefix)[len(score) - prefix]
            chosen = np.flatnonzero(score >= threshold)
        order = chosen[np.lexsort((target[chosen], middle[chosen], first[chosen], hops[chosen], -score[chosen]))]
        taken = _greedy(first[order], tables.diversity, k)
        if len(taken) == k or len(chosen) == len(score):
            final = order[taken]
            return Candidates(score[final], hops[final], first[final], middle[final], target[final], groups)
        prefix *= 4


def _greedy(first_in_order: np.ndarray, diversity: int, k: int) -> np.ndarray:
    """Positions taken: each first person at most `diversity` times, at most k in all."""
    starts_order = np.argsort(first_in_order, kind="stable")
    grouped = first_in_order[starts_order]
    starts = _group_starts(grouped)
    rank_sorted = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.append(starts, len(grouped))))
    rank = np.empty_like(rank_sorted)
    rank[starts_order] = rank_sorted
    return np.flatnonzero(rank < diversity)[:k]


def reachable(
    graph: Graph,
    seeker: int,
    targets: np.ndarray,
    excluded: np.ndarray,
) -> np.ndarray:
    """Every target node some valid path of at most three hops reaches (not ranked; for counts and tests)."""
    everything = Tables(
        first=np.ones(256),
        middle=np.ones(256),
        last=np.ones(256),
        recency=np.ones(2),
        hop=(1.0, 1.0, 1.0),
        scale=1.0,
        diversity=1,
        keep_per_connector=len(targets) + 2,
    )
    ones = np.ones(len(targets))
    summary = summarise(graph, targets, ones, excluded, everything, 0)
    found = search(graph, seeker, targets, ones, summary, excluded, _unlimited(everything), 0, 1 << 62)
    return np.unique(found.target)


def _unlimited(tables: Tables) -> Tables:
    return Tables(
        tables.first,
        tables.middle,
        tables.last,
        tables.recency,
        tables.hop,
        tables.scale,
        1 << 30,
        tables.keep_per_connector,
    )
