"""The group rule: no figure about fewer than `INSIGHTS_MIN_GROUP` people is shown, or can be worked out.

A page's figures form one grid of counts of people: a row per group (everyone in the scope, each
group of each breakdown, each sector of hires), a column per figure (seekers, seekers at each step,
hires through the network, ...). Three rules hide cells, applied together until nothing changes:

1. Small counts: a cell counting fewer than the minimum (zero included: "nobody in this group"
   says something about everybody in it) is hidden.
2. Small groups: when a row's size (its anchor cell) is hidden, the whole row is hidden.
3. Subtraction: the cells of a `Sum` add up (the groups of a breakdown add up to everyone; the
   hires through the network and through the advertised channel add up to the hires). When
   exactly one cell of a sum is hidden, it could be worked out from the others, so the smallest
   other part is hidden too (the total only when no part is left).

Percentages, conversions and medians are shown only when every count they are made from is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import checks

Cell = tuple[Hashable, str]  # (row, column)


@dataclass(frozen=True)
class Sum:
    """`total` is the sum of `parts` (or, for hires counted once per sector, at most their sum)."""

    total: Cell
    parts: tuple[Cell, ...]


# The brief's promise ("analytics never show a group smaller than 5 people"): an operator may raise the minimum,
# never lower it.
FLOOR = 5


def minimum_group() -> int:
    return settings.INSIGHTS_MIN_GROUP


def check_minimum(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: refuses to start with INSIGHTS_MIN_GROUP under the floor."""
    if settings.INSIGHTS_MIN_GROUP < FLOOR:
        return [
            checks.Error(
                f"INSIGHTS_MIN_GROUP={settings.INSIGHTS_MIN_GROUP} is below {FLOOR}: insights never show a group "
                f"of fewer than {FLOOR} people.",
                id="insights.E001",
            )
        ]
    return []


def hidden_cells(
    values: dict[Cell, int], sums: Iterable[Sum], anchors: dict[Hashable, str], minimum: int
) -> frozenset[Cell]:
    """The cells the rule hides; `anchors` names each row's size column."""
    sums = [item for item in sums if item.parts and {item.total, *item.parts} <= values.keys()]
    row_cells: dict[Hashable, list[Cell]] = defaultdict(list)
    for cell in values:
        row_cells[cell[0]].append(cell)
    hidden = {cell for cell, value in values.items() if value < minimum}
    while True:
        before = len(hidden)
        for row, anchor in anchors.items():
            if (row, anchor) in hidden:
                hidden.update(row_cells[row])
        for item in sums:
            _protect_sum(item, values, hidden)
        if len(hidden) == before:
            return frozenset(hidden)


def _protect_sum(item: Sum, values: dict[Cell, int], hidden: set[Cell]) -> None:
    cells = (item.total, *item.parts)
    if sum(cell in hidden for cell in cells) != 1:
        return
    candidates = [part for part in item.parts if part not in hidden]
    if not candidates:
        candidates = [item.total]
    hidden.add(min(candidates, key=lambda cell: values[cell]))
