"""What a path search answers, as the pages, the command line and the API show it.

Everything here is already filtered by the privacy rules of `docs/paths.md`:
a hidden person has `name=None`, and nothing else here can reveal who they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One person on a path after the seeker."""

    position: str  # "first", "middle" or "target"
    name: str | None  # None when the rules hide it
    organisation: str = ""
    unit: str = ""
    role: str = ""  # the target's role code (see scoring.ROLES); "connector" in the middle
    role_label: str = ""
    how_known: str = ""  # first step: how the seeker knows them (label), else ""
    strength_label: str = ""  # strength of the tie that leads to this person, in words
    contact_code: str = ""  # the seeker's own contact card for this person, when there is one
    is_member: bool = False

    @property
    def shown_as(self) -> str:
        """The name, or the role kind and place when the name is hidden."""
        return self.name or self.role_label


@dataclass(frozen=True)
class Factor:
    """One factor of a score: what it is, why, and its value."""

    label: str
    detail: str
    value: float


@dataclass(frozen=True)
class WayIn:
    """One ranked path from the seeker to a target person."""

    score: float
    hops: int
    steps: tuple[Step, ...]
    factors: tuple[Factor, ...]
    explanation: str
    person_ids: tuple[int, ...] = field(repr=False, compare=False, default=())  # for actions, never rendered

    @property
    def first(self) -> Step:
        return self.steps[0]

    @property
    def target(self) -> Step:
        return self.steps[-1]

    @property
    def is_direct(self) -> bool:
        return self.hops == 1


@dataclass(frozen=True)
class WaysIn:
    """The answer for one seeker and one target: the best paths and how many ways in there are."""

    paths: tuple[WayIn, ...]
    count: int  # distinct first persons (or direct contacts) through whom the target can be reached

    @property
    def best(self) -> WayIn | None:
        return self.paths[0] if self.paths else None
