"""Where a seeker wants to land, as a set of target persons with role weights (docs/paths.md, "Targets")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np
from django.utils import translation

from kaffebro.network.importing.normalise import fold
from kaffebro.network.models import Industry
from kaffebro.paths import scoring

if TYPE_CHECKING:
    from kaffebro.network.models import Organisation, Person, Posting, Target, Unit

STEM_ENDINGS = ("ingen", "ing", "erne", "ere", "er", "else", "e")
MIN_STEM = 4
MIN_FIELD_WORD = 3


@dataclass(frozen=True)
class TargetSpec:
    """A target by ids only, so it can be cached, passed to tasks and compared."""

    kind: str  # "person", "unit", "organisation", "posting" or "field"
    person_id: int | None = None
    unit_id: int | None = None
    organisation_id: int | None = None
    decision_maker_id: int | None = None
    field: str = ""
    region: str = ""

    @classmethod
    def for_person(cls, person: Person) -> TargetSpec:
        return cls("person", person_id=person.pk)

    @classmethod
    def for_unit(cls, unit: Unit) -> TargetSpec:
        return cls("unit", unit_id=unit.pk, organisation_id=unit.organisation_id)

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> TargetSpec:
        return cls("organisation", organisation_id=organisation.pk)

    @classmethod
    def for_posting(cls, posting: Posting) -> TargetSpec:
        return cls(
            "posting",
            unit_id=posting.unit_id,
            organisation_id=posting.organisation_id,
            decision_maker_id=posting.decision_maker_id,
        )

    @classmethod
    def for_field(cls, text: str, region: str = "") -> TargetSpec:
        return cls("field", field=text.strip(), region=region)

    @classmethod
    def for_target(cls, target: Target) -> TargetSpec:
        if target.posting is not None:
            return cls.for_posting(target.posting)
        if target.unit is not None:
            return cls.for_unit(target.unit)
        if target.organisation is not None:
            return cls.for_organisation(target.organisation)
        return cls.for_field(target.job_field, target.region)


@dataclass(frozen=True)
class Positions:
    """Current positions as parallel arrays: node, organisation id, unit id (-1 for none), decides on hiring."""

    node: np.ndarray
    organisation: np.ndarray
    unit: np.ndarray
    decides: np.ndarray

    @classmethod
    def empty(cls) -> Positions:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, np.zeros(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.node)


class PositionSource(Protocol):
    def node_of_person(self, person_id: int) -> int: ...
    def organisation_positions(self, organisation_id: int) -> Positions: ...
    def unit_positions(self, unit_ids: np.ndarray) -> Positions: ...
    def unit_and_descendants(self, unit_id: int) -> np.ndarray: ...
    def field_positions(self, words: FieldWords, region: str) -> tuple[Positions, np.ndarray]: ...


@dataclass(frozen=True)
class TargetSet:
    nodes: np.ndarray  # sorted, unique
    weights: np.ndarray
    roles: np.ndarray  # index into scoring.ROLES

    def role_of(self, node: int) -> str:
        where = int(np.searchsorted(self.nodes, node))
        return scoring.ROLES[int(self.roles[where])]


ROLE = {name: number for number, name in enumerate(scoring.ROLES)}


def resolve(source: PositionSource, spec: TargetSpec) -> TargetSet:
    """The target persons of a spec and their roles; each person keeps their best role."""
    nodes: list[np.ndarray] = []
    roles: list[np.ndarray] = []

    def add(people: np.ndarray, role: np.ndarray) -> None:
        nodes.append(np.asarray(people, dtype=np.int64))
        roles.append(np.asarray(role, dtype=np.int64))

    if spec.kind == "person" or (spec.kind == "posting" and spec.decision_maker_id):
        person = spec.person_id if spec.kind == "person" else spec.decision_maker_id
        node = source.node_of_person(int(person or 0))
        if node >= 0:
            add(np.array([node]), np.array([ROLE["person" if spec.kind == "person" else "posting_decision_maker"]]))
    if spec.kind in ("unit", "posting") and spec.unit_id:
        inside = source.unit_positions(source.unit_and_descendants(spec.unit_id))
        add(inside.node, np.where(inside.decides, ROLE["unit_decision_maker"], ROLE["unit_member"]))
    if spec.kind in ("unit", "organisation", "posting") and spec.organisation_id:
        everyone = source.organisation_positions(spec.organisation_id)
        add(everyone.node, np.where(everyone.decides, ROLE["organisation_decision_maker"], ROLE["organisation_member"]))
    if spec.kind == "field":
        words = field_words(spec.field)
        if words.words or words.industries:
            matched, how = source.field_positions(words, spec.region)
            add(matched.node, np.where(matched.decides, ROLE["field_decision_maker"], how))
    return _best_role_per_person(nodes, roles)


def _best_role_per_person(nodes: list[np.ndarray], roles: list[np.ndarray]) -> TargetSet:
    role_weights = np.array([scoring.weights().role[name] for name in scoring.ROLES])
    if not nodes:
        empty = np.zeros(0, dtype=np.int64)
        return TargetSet(empty, np.zeros(0), empty)
    node = np.concatenate(nodes)
    role = np.concatenate(roles)
    weight = role_weights[role]
    order = np.lexsort((role, -weight, node))
    node, role, weight = node[order], role[order], weight[order]
    first = np.concatenate([[True], node[1:] != node[:-1]]) if len(node) else np.zeros(0, dtype=bool)
    return TargetSet(node[first], weight[first], role[first])


# Job fields.


@dataclass(frozen=True)
class FieldWords:
    """A job field's folded words and their stems, and the industries it names."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    industries: tuple[str, ...]

    def matches(self, folded_text: str) -> bool:
        """A word part of the text contains a field word or its stem (compound words: "udviklingskonsulent")."""
        return any(stem in folded_text for stem in self.stems)


def stem(word: str) -> str:
    for ending in STEM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=512)
def field_words(text: str) -> FieldWords:
    folded = fold(text)
    words = tuple(word for word in re.split(r"\s+", folded) if len(word) >= MIN_FIELD_WORD)
    stems = tuple(sorted({stem(word) for word in words}))
    return FieldWords(words, stems, _industries_named(folded, stems))


def _industries_named(folded: str, stems: tuple[str, ...]) -> tuple[str, ...]:
    """Industries whose Danish or English name contains the field ("sundhed" names "Sundhedsvæsen")."""
    named = []
    for choice in Industry:
        labels = set()
        for language in ("da", "en"):
            with translation.override(language):
                labels.add(fold(str(choice.label)))
        if folded == choice.value or any(stem in label for label in labels for stem in stems):
            named.append(choice.value)
    return tuple(named)
