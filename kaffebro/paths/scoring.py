"""The path score of `docs/paths.md`: weights from `settings.PATH_SCORING`, as scalars and as lookup tables.

The scalar functions are the reference (the explanation and the test oracle use
them); the kernel uses the same numbers as NumPy lookup tables indexed by a
tie's flag byte, so both always agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings

EPOCH = datetime.date(2000, 1, 1)

# A tie's flag byte, per direction u → v (see `index`).
STRENGTH_MASK = 0b0000_0111
RATED = 0b0000_1000
RECORDED_BY_ROW = 0b0001_0000  # u's member recorded this tie (the seeker's own ties)
SHARED_BY_ROW = 0b0010_0000  # u's record is shareable (not private, not blocked by u)
SHARED_BY_NEIGHBOUR = 0b0100_0000  # v's record is shareable

HOPS = (1, 2, 3)
ROLES = (
    "person",
    "posting_decision_maker",
    "unit_decision_maker",
    "unit_member",
    "organisation_decision_maker",
    "organisation_member",
    "field_decision_maker",
    "field_title",
    "field_unit",
    "field_industry",
)


@dataclass(frozen=True)
class Weights:
    """One reading of `settings.PATH_SCORING`, validated."""

    first_tie: tuple[float, ...]
    middle_tie: tuple[float, ...]
    last_tie: tuple[float, ...]
    unrated: float
    recency_days: tuple[int, int]
    recency: tuple[float, float, float]
    recency_unknown: float
    capacity_paused: float
    capacity_load: float
    capacity_floor: float
    hop: tuple[float, float, float]
    role: dict[str, float]
    scale: float

    def position_weights(self, position: str) -> tuple[float, ...]:
        return {"first": self.first_tie, "middle": self.middle_tie, "last": self.last_tie}[position]


@lru_cache(maxsize=4)
def _weights_from(items: tuple) -> Weights:
    raw = dict(items)
    weights = Weights(
        first_tie=tuple(raw["first_tie"]),
        middle_tie=tuple(raw["middle_tie"]),
        last_tie=tuple(raw["last_tie"]),
        unrated=raw["unrated"],
        recency_days=tuple(raw["recency_days"]),
        recency=tuple(raw["recency"]),
        recency_unknown=raw["recency_unknown"],
        capacity_paused=raw["capacity_paused"],
        capacity_load=raw["capacity_load"],
        capacity_floor=raw["capacity_floor"],
        hop=tuple(raw["hop"]),
        role=dict(raw["role"]),
        scale=raw["scale"],
    )
    for name in ("first_tie", "middle_tie", "last_tie"):
        if len(getattr(weights, name)) != 5:
            raise ValueError(f"PATH_SCORING[{name!r}] needs one weight per strength 1 to 5")
    if set(weights.role) != set(ROLES):
        raise ValueError(f"PATH_SCORING['role'] needs exactly the roles {', '.join(ROLES)}")
    return weights


def weights() -> Weights:
    scoring = settings.PATH_SCORING
    return _weights_from(tuple((key, _freeze(value)) for key, value in sorted(scoring.items())))


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value


# Scalars: the reference implementation.


def day_number(day: datetime.date | None) -> int:
    """Days since 2000-01-01, at least 1; 0 means unknown (also for dates before 2000)."""
    if day is None:
        return 0
    return max((day - EPOCH).days, 1) if day > EPOCH else 0


def recency(last_contact_day: int, today: int, w: Weights | None = None) -> float:
    w = w or weights()
    if last_contact_day == 0:
        return w.recency_unknown
    age = today - last_contact_day
    if age <= w.recency_days[0]:
        return w.recency[0]
    if age <= w.recency_days[1]:
        return w.recency[1]
    return w.recency[2]


def tie_weight(position: str, strength: int, rated: bool, last_contact_day: int, today: int) -> float:
    """The factor one tie contributes at a position ("first", "middle" or "last") of a path."""
    w = weights()
    base = w.position_weights(position)[strength - 1]
    return base * (1.0 if rated else w.unrated) * recency(last_contact_day, today, w)


def capacity(paused: bool, monthly_limit: int, used: int) -> float:
    """How much a connector's availability lets a path through them count."""
    w = weights()
    if paused or monthly_limit <= 0:
        return w.capacity_paused
    load = min(used / monthly_limit, 1.0)
    return max(1.0 - w.capacity_load * load, w.capacity_floor)


def path_score(role: str, ties: list[tuple[int, bool, int]], capacities: list[float], today: int) -> float:
    """A path's score: `ties` are (strength, rated, last contact day) from the seeker on; capacities per connector."""
    w = weights()
    positions = {1: ["first"], 2: ["first", "last"], 3: ["first", "middle", "last"]}[len(ties)]
    value = w.scale * w.role[role] * w.hop[len(ties) - 1]
    for position, (strength, rated, day) in zip(positions, ties, strict=True):
        value *= tie_weight(position, strength, rated, day, today)
    for factor in capacities:
        value *= factor
    return value


# Tables for the kernel: one float per possible flag byte.


def flag_table(position: str) -> np.ndarray:
    """Weight by flag byte for a hop position (strength and rating; recency is applied separately)."""
    w = weights()
    base = w.position_weights(position)
    table = np.zeros(256, dtype=np.float64)
    for flag in range(256):
        strength = flag & STRENGTH_MASK
        if 1 <= strength <= 5:
            table[flag] = base[strength - 1] * (1.0 if flag & RATED else w.unrated)
    return table


def recency_vector(days: np.ndarray, today: int) -> np.ndarray:
    """`recency` for an array of last-contact days."""
    w = weights()
    age = today - days.astype(np.int64)
    factor = np.where(
        age <= w.recency_days[0], w.recency[0], np.where(age <= w.recency_days[1], w.recency[1], w.recency[2])
    )
    return np.where(days == 0, w.recency_unknown, factor)
