"""Who knows whom: ties owned by members, generated in chunks of owners with numpy.

Degrees are lognormal (most members record a few dozen contacts, a few record
thousands) and popularity is lognormal too, so some persons are known by very
many. Homophily: a member draws most contacts from their own unit and
organisation, then their former organisation, their industry in their region,
their industry, and finally anyone. Every pool is a contiguous range of person
numbers (see `population`), so drawing by popularity is one `searchsorted`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from kaffebro.network.demo.population import Population
from kaffebro.network.models import DEFAULT_IMPORT_STRENGTH, HowKnown, TieSource

HOW_KNOWN = [choice.value for choice in HowKnown]
SOURCES = [choice.value for choice in TieSource]
_HOW = {value: i for i, value in enumerate(HOW_KNOWN)}
_SOURCE = {value: i for i, value in enumerate(SOURCES)}

# Where contacts come from: same unit, same organisation, former organisation,
# same industry and region, same industry, anyone.
CATEGORY_SHARES = np.array([0.22, 0.28, 0.10, 0.12, 0.10, 0.18])
CATEGORY_STRENGTH = np.array([4, 3, 3, 2, 2, 3])
ANYONE = 5
DEGREE_SIGMA = 1.0
RATED_SHARE = 0.4
MEETING_SHARE = 0.05
PRIVATE_SHARE = 0.04
LAST_CONTACT_SHARE = 0.6
OVERSAMPLING = 1.3
REFILL_ROUNDS = 3  # owners left short by duplicates draw again, at most this often
TIES_PER_CHUNK = 1_500_000
OLDEST_TIE_DAYS = 25 * 365


@dataclass
class ForcedTies:
    """Ties the story needs, whatever the random draw: (owner person, other person, strength, how known)."""

    owner: np.ndarray
    other: np.ndarray
    strength: np.ndarray
    how_known: np.ndarray

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, int, str]]) -> ForcedTies:
        owner, other, strength, how = zip(*rows, strict=True) if rows else ((), (), (), ())
        return cls(
            np.array(owner, dtype=np.int64),
            np.array(other, dtype=np.int64),
            np.array(strength, dtype=np.int64),
            np.array([_HOW[h] for h in how], dtype=np.int64),
        )


@dataclass
class TieChunk:
    """One batch of ties; persons are population numbers, owners are member numbers."""

    owner: np.ndarray
    person_a: np.ndarray
    person_b: np.ndarray
    strength: np.ndarray
    rated: np.ndarray
    how_known: np.ndarray
    source: np.ndarray
    since_days_ago: np.ndarray
    last_contact_days_ago: np.ndarray  # -1: never recorded
    private: np.ndarray

    def __len__(self) -> int:
        return len(self.owner)


def member_degrees(
    member_count: int, total: int, fixed: dict[int, int], rng: np.random.Generator, cap: int
) -> np.ndarray:
    """Ties per member: the fixed ones as given, the others lognormal, summing to `total`."""
    degrees = np.zeros(member_count, dtype=np.int64)
    free = np.ones(member_count, dtype=bool)
    for member, degree in fixed.items():
        degrees[member] = degree
        free[member] = False
    budget = max(total - int(degrees.sum()), int(free.sum()))
    raw = rng.lognormal(0.0, DEGREE_SIGMA, size=int(free.sum()))
    raw = np.minimum(raw / raw.sum() * budget, cap)
    free_degrees = np.maximum(np.floor(raw).astype(np.int64), 1)
    shortfall = budget - int(free_degrees.sum())
    if shortfall > 0:
        room = np.flatnonzero(free_degrees < cap)
        extra = rng.choice(room, size=shortfall, replace=True)
        np.add.at(free_degrees, extra, 1)
        free_degrees = np.minimum(free_degrees, cap)
    degrees[free] = free_degrees
    return degrees


class TieGenerator:
    """Yields the ties of all members, chunk by chunk, deterministically for a seed."""

    def __init__(
        self,
        population: Population,
        members: np.ndarray,
        degrees: np.ndarray,
        forced: ForcedTies,
        private_shares: dict[int, float],
        rng: np.random.Generator,
    ):
        self.population = population
        self.members = members
        self.degrees = degrees
        self.forced = forced
        self.private_shares = private_shares
        self.rng = rng
        popularity = rng.lognormal(0.0, 1.0, size=population.size) * np.where(population.decision_maker, 2.0, 1.0)
        self.cumulative = np.concatenate([[0.0], np.cumsum(popularity)])
        self.ranges = self._pools()

    def _pools(self) -> np.ndarray:
        """Per member, the person range [start, end) of each of the six pools: shape (members, 6, 2)."""
        p = self.population
        person = self.members
        organisation = p.organisation[person]
        unit = p.unit[person]
        group_start, group_end, industry_start, industry_end = p.group_ranges()
        ranges = np.zeros((len(person), 6, 2), dtype=np.int64)
        ranges[:, 0, 0] = np.where(unit >= 0, p.unit_start[np.maximum(unit, 0)], p.organisation_start[organisation])
        ranges[:, 0, 1] = np.where(unit >= 0, p.unit_end[np.maximum(unit, 0)], p.organisation_end[organisation])
        ranges[:, 1] = np.stack([p.organisation_start[organisation], p.organisation_end[organisation]], axis=1)
        former = np.full(p.size, -1, dtype=np.int64)
        former[p.former_person] = p.former_organisation
        own_former = former[person]
        has_former = own_former >= 0
        safe = np.maximum(own_former, 0)
        ranges[:, 2, 0] = np.where(has_former, p.organisation_start[safe], industry_start[organisation])
        ranges[:, 2, 1] = np.where(has_former, p.organisation_end[safe], industry_end[organisation])
        ranges[:, 3] = np.stack([group_start[organisation], group_end[organisation]], axis=1)
        ranges[:, 4] = np.stack([industry_start[organisation], industry_end[organisation]], axis=1)
        ranges[:, 5] = [0, p.size]
        return ranges

    def chunks(self) -> Iterator[TieChunk]:
        bounds = np.searchsorted(np.cumsum(self.degrees), np.arange(TIES_PER_CHUNK, self.degrees.sum(), TIES_PER_CHUNK))
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(self.members)]])
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                yield self._chunk(start, end)

    def _chunk(self, first: int, last: int) -> TieChunk:
        owners = np.arange(first, last)
        wanted = np.ceil(self.degrees[owners] * OVERSAMPLING).astype(np.int64) + 2
        owner, other, origin = self._draw(owners, wanted)
        forced_owner, forced_other, forced_rows = self._forced_in(owners)
        owner = np.concatenate([owner, forced_owner])
        other = np.concatenate([other, forced_other])
        origin = np.concatenate([origin, np.full(len(forced_owner), -1)])
        forced = np.concatenate([np.full(len(owner) - len(forced_owner), -1), forced_rows])
        priority = np.where(forced >= 0, -1.0, self.rng.random(len(owner)))
        keep = self._distinct_within_degree(owner, other, priority)
        for _round in range(REFILL_ROUNDS):
            deficit = self.degrees[owners] - np.bincount(owner[keep] - first, minlength=len(owners))
            if not deficit.any():
                break
            more_owner, more_other, more_origin = self._draw(owners, np.ceil(deficit * OVERSAMPLING).astype(np.int64))
            owner = np.concatenate([owner[keep], more_owner])
            other = np.concatenate([other[keep], more_other])
            origin = np.concatenate([origin[keep], more_origin])
            forced = np.concatenate([forced[keep], np.full(len(more_owner), -1)])
            priority = np.concatenate([priority[keep], 1.0 + self.rng.random(len(more_owner))])
            keep = self._distinct_within_degree(owner, other, priority)
        return self._attributes(owner[keep], other[keep], origin[keep], forced[keep])

    def _draw(self, owners: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`wanted` candidate contacts per owner, by pool, weighted by popularity."""
        owner = np.repeat(owners, wanted)
        shares = self._category_shares(owners)
        cumulative_shares = np.cumsum(shares, axis=1)[owner - owners[0]]
        category = (self.rng.random(len(owner))[:, None] > cumulative_shares).sum(axis=1)
        category = np.minimum(category, ANYONE)
        low = self.ranges[owner, category, 0]
        high = self.ranges[owner, category, 1]
        spot = self.cumulative[low] + self.rng.random(len(owner)) * (self.cumulative[high] - self.cumulative[low])
        other = np.clip(np.searchsorted(self.cumulative, spot, side="right") - 1, low, high - 1)
        return owner, other, category

    def _category_shares(self, owners: np.ndarray) -> np.ndarray:
        """Pool shares per owner; what a pool is too small to give passes on to the next, wider pool.

        A pool gives at most half its persons, so a member of a small unit knows more
        of their organisation instead, and a sole trader more of their industry.
        """
        pool_sizes = self.ranges[owners, :, 1] - self.ranges[owners, :, 0] - 1
        capacity = 0.5 * np.maximum(pool_sizes, 0) / np.maximum(self.degrees[owners], 1)[:, None]
        shares = np.zeros((len(owners), len(CATEGORY_SHARES)))
        carried = np.zeros(len(owners))
        for category in range(ANYONE):
            wanted = CATEGORY_SHARES[category] + carried
            shares[:, category] = np.minimum(wanted, capacity[:, category])
            carried = wanted - shares[:, category]
        shares[:, ANYONE] = 1.0 - shares[:, :ANYONE].sum(axis=1)
        return shares

    def _forced_in(self, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        member_of = np.searchsorted(self.members, self.forced.owner)
        inside = (member_of >= owners[0]) & (member_of <= owners[-1])
        rows = np.flatnonzero(inside)
        return member_of[rows], self.forced.other[rows], rows

    def _distinct_within_degree(self, owner: np.ndarray, other: np.ndarray, priority: np.ndarray) -> np.ndarray:
        """Indices of the ties to keep: no self-ties, one per (owner, person), at most the owner's degree."""
        candidates = np.flatnonzero(other != self.members[owner])
        key = owner[candidates] * self.population.size + other[candidates]
        order = np.lexsort((priority[candidates], key))
        sorted_key = key[order]
        first = np.concatenate([[True], sorted_key[1:] != sorted_key[:-1]])
        distinct = candidates[order[first]]
        order = np.lexsort((priority[distinct], owner[distinct]))
        distinct = distinct[order]
        owners_sorted = owner[distinct]
        group_start = np.concatenate([[True], owners_sorted[1:] != owners_sorted[:-1]])
        start_index = np.maximum.accumulate(np.where(group_start, np.arange(len(distinct)), 0))
        rank = np.arange(len(distinct)) - start_index
        return distinct[rank < self.degrees[owners_sorted]]

    def _attributes(self, owner: np.ndarray, other: np.ndarray, origin: np.ndarray, forced: np.ndarray) -> TieChunk:
        rng, count = self.rng, len(owner)
        is_forced = forced >= 0
        category = np.where(is_forced, ANYONE, origin)
        rated = is_forced | (rng.random(count) < RATED_SHARE)
        drawn_strength = np.clip(CATEGORY_STRENGTH[category] + rng.integers(-1, 2, size=count), 1, 5)
        strength = np.where(rated, drawn_strength, DEFAULT_IMPORT_STRENGTH)
        strength = np.where(is_forced, self.forced.strength[np.maximum(forced, 0)], strength)
        source = np.where(rated, _SOURCE[TieSource.MANUAL], _SOURCE[TieSource.IMPORT])
        source = np.where(rated & (rng.random(count) < MEETING_SHARE), _SOURCE[TieSource.MEETING], source)
        how = self._how_known(category, owner, other)
        how = np.where(is_forced, self.forced.how_known[np.maximum(forced, 0)], how)
        colleague_days = self.population.started_days_ago[self.members[owner]]
        since = np.where(
            category <= 1,
            rng.integers(0, np.maximum(colleague_days, 1)),
            rng.integers(180, OLDEST_TIE_DAYS, size=count),
        )
        last_contact = np.where(
            rng.random(count) < LAST_CONTACT_SHARE, (since * rng.random(count) ** 2).astype(np.int64), -1
        )
        private_share = np.full(count, PRIVATE_SHARE)
        for member, share in self.private_shares.items():
            private_share[owner == member] = share
        private = ~is_forced & (rng.random(count) < private_share)
        return TieChunk(owner, self.members[owner], other, strength, rated, how, source, since, last_contact, private)

    def _how_known(self, category: np.ndarray, owner: np.ndarray, other: np.ndarray) -> np.ndarray:
        """How two persons know each other follows where the contact came from."""
        rng, count = self.rng, len(category)
        p = self.population
        manager = (p.decision_maker[other] | p.decision_maker[self.members[owner]]) & (category == 0)
        work = rng.choice([_HOW[HowKnown.CLIENT], _HOW[HowKnown.ASSOCIATION], _HOW[HowKnown.STUDIES]], size=count)
        private_life = rng.choice(
            [
                _HOW[h]
                for h in (HowKnown.FRIEND, HowKnown.FAMILY, HowKnown.STUDIES, HowKnown.ASSOCIATION, HowKnown.OTHER)
            ],
            size=count,
            p=[0.35, 0.1, 0.25, 0.2, 0.1],
        )
        by_category = np.stack(
            [
                np.full(count, _HOW[HowKnown.COLLEAGUE]),
                np.full(count, _HOW[HowKnown.COLLEAGUE]),
                np.full(count, _HOW[HowKnown.FORMER_COLLEAGUE]),
                work,
                work,
                private_life,
            ],
            axis=1,
        )
        how = by_category[np.arange(count), category]
        return np.where(manager, _HOW[HowKnown.MANAGER], how)
