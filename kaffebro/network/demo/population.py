"""Who works where: organisations, their unit trees and the persons in them, as numpy arrays.

Persons are numbered in the order organisation (sorted by industry, then region),
unit, role. That ordering makes every homophily pool a contiguous range of
person numbers — the same unit, the same organisation, the same industry and
region, the same industry — so the tie generator can draw from any of them with
one vectorised search over cumulative popularity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kaffebro.network.demo.catalogue import CATALOGUE_INDUSTRY, OrganisationPlan, catalogue, generated, towns
from kaffebro.network.demo.vocabulary import (
    DECISION_MAKER_DEPUTY_TITLES,
    FEMALE_FIRST_NAMES,
    KINDS,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    REGION_KEYS,
    SOLE_TRADER_TITLE,
    Division,
    UnitTemplate,
)

PERSONS_PER_ORGANISATION = 70
PERSONS_PER_UNIT = 14
SMALL_ORGANISATION = 6
FORMER_POSITION_SHARE = 0.35
FORMER_SAME_INDUSTRY_SHARE = 0.7
DEPUTY_SHARE = 0.25


@dataclass
class UnitPlan:
    organisation: int
    name: str
    parent: int  # -1 for a top-level unit
    head_title: int
    staff_titles: tuple[int, ...]
    job_field: str
    template: str  # the template's own name, so the story finds "Digitalisering" in any copy


@dataclass
class Titles:
    """Every title string once; persons and units refer to titles by number."""

    names: list[str] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, title: str) -> int:
        if title not in self.numbers:
            self.numbers[title] = len(self.names)
            self.names.append(title)
        return self.numbers[title]


@dataclass
class Population:
    organisations: list[OrganisationPlan]
    units: list[UnitPlan]
    titles: Titles
    # One entry per organisation: its range of person numbers and its industry/region group ranges.
    organisation_start: np.ndarray
    organisation_end: np.ndarray
    # One entry per unit: its range of person numbers (heads first).
    unit_start: np.ndarray
    unit_end: np.ndarray
    # One entry per person.
    organisation: np.ndarray
    unit: np.ndarray
    title: np.ndarray
    decision_maker: np.ndarray
    female: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    started_days_ago: np.ndarray
    # Former positions: one entry per person who has one.
    former_person: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    former_organisation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    former_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    former_title: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    former_started_days_ago: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    former_ended_days_ago: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    name_overrides: dict[int, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.organisation)

    def industry_numbers(self) -> np.ndarray:
        """Per organisation, its industry as a small number (organisations are sorted by industry)."""
        return industry_numbers(self.organisations)

    def full_name(self, person: int) -> str:
        if person in self.name_overrides:
            return self.name_overrides[person]
        first = FEMALE_FIRST_NAMES if self.female[person] else MALE_FIRST_NAMES
        return f"{first[self.first_name[person]]} {LAST_NAMES[self.last_name[person]]}"

    def first_and_last(self) -> tuple[list[str], list[str]]:
        """Every person's first and last name, as lists indexed by person number."""
        female_names = np.array(FEMALE_FIRST_NAMES, dtype=object)
        male_names = np.array(MALE_FIRST_NAMES, dtype=object)
        firsts = np.where(self.female, female_names[self.first_name], male_names[self.first_name]).tolist()
        lasts = np.array(LAST_NAMES, dtype=object)[self.last_name].tolist()
        for person, name in self.name_overrides.items():
            firsts[person], _space, lasts[person] = name.partition(" ")
        return firsts, lasts

    def draw_former_positions(self, rng: np.random.Generator) -> None:
        """About a third of the persons worked somewhere else before, mostly in the same industry."""
        organisations = len(self.organisations)
        person = np.flatnonzero(rng.random(self.size) < FORMER_POSITION_SHARE)
        own = self.organisation[person].astype(np.int64)
        industry_start, industry_end = _ranges_of_runs(
            self.industry_numbers(), np.arange(organisations), np.arange(1, organisations + 1)
        )
        same_industry = rng.random(len(person)) < FORMER_SAME_INDUSTRY_SHARE
        low = np.where(same_industry, industry_start[own], 0)
        high = np.where(same_industry, industry_end[own], organisations)
        former = low + np.floor(rng.random(len(person)) * (high - low)).astype(np.int64)
        former = np.where(former == own, (former + 1) % organisations, former)
        unit = self.random_leaves(former, rng)
        started = rng.integers(60, 15 * 365, size=len(person))
        self.former_person = person
        self.former_organisation = former
        self.former_unit = unit
        self.former_title = self.random_staff_titles(unit, rng)
        self.former_ended_days_ago = started + rng.integers(0, 90, size=len(person))
        self.former_started_days_ago = self.former_ended_days_ago + rng.integers(365, 8 * 365, size=len(person))

    def random_leaves(self, organisations: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A random leaf unit of each organisation; -1 for an organisation without units (a sole trader)."""
        leaf_numbers = np.array([i for i, unit in enumerate(self.units) if unit.staff_titles], dtype=np.int64)
        leaf_organisation = np.array([self.units[i].organisation for i in leaf_numbers.tolist()], dtype=np.int64)
        first = np.searchsorted(leaf_organisation, organisations, side="left")
        after = np.searchsorted(leaf_organisation, organisations, side="right")
        pick = first + np.floor(rng.random(len(organisations)) * (after - first)).astype(np.int64)
        return np.where(after > first, leaf_numbers[np.minimum(pick, len(leaf_numbers) - 1)], -1)

    def random_staff_titles(self, units: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A staff title that fits each unit; a sole trader's title where there is no unit."""
        sole_title = self.titles.number(SOLE_TRADER_TITLE)
        choice = rng.random(len(units)).tolist()
        return np.array(
            [
                self.units[u].staff_titles[int(c * len(self.units[u].staff_titles))] if u >= 0 else sole_title
                for u, c in zip(units.tolist(), choice, strict=True)
            ],
            dtype=np.int64,
        )

    def set_former(
        self, person: int, *, organisation: int, unit: int, title: int, started_days_ago: int, ended_days_ago: int
    ) -> None:
        """Give the person this former position, replacing a drawn one."""
        values = {
            "former_organisation": organisation,
            "former_unit": unit,
            "former_title": title,
            "former_started_days_ago": started_days_ago,
            "former_ended_days_ago": ended_days_ago,
        }
        existing = np.flatnonzero(self.former_person == person)
        if len(existing):
            for name, value in values.items():
                getattr(self, name)[existing[0]] = value
            return
        self.former_person = np.append(self.former_person, person)
        for name, value in values.items():
            setattr(self, name, np.append(getattr(self, name), value))

    def organisation_index(self, key: str) -> int:
        return next(i for i, org in enumerate(self.organisations) if org.key == key)

    def unit_index(self, organisation_key: str, template: str) -> int:
        organisation = self.organisation_index(organisation_key)
        return next(
            i for i, unit in enumerate(self.units) if unit.organisation == organisation and unit.name == template
        )

    def group_ranges(self) -> tuple[np.ndarray, ...]:
        """Per organisation, the person ranges of its industry-and-region group and of its industry."""
        industry = self.industry_numbers()
        region = np.array([REGION_KEYS.index(org.region) for org in self.organisations])
        group = industry * len(REGION_KEYS) + region
        return (
            *_ranges_of_runs(group, self.organisation_start, self.organisation_end),
            *_ranges_of_runs(industry, self.organisation_start, self.organisation_end),
        )


def industry_of(org: OrganisationPlan) -> str:
    return CATALOGUE_INDUSTRY.get(org.key, KINDS[org.kind].industry)


def industry_numbers(plans: list[OrganisationPlan]) -> np.ndarray:
    _names, numbers = np.unique(np.array([industry_of(org) for org in plans]), return_inverse=True)
    return numbers


def _ranges_of_runs(labels: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted labels, each element's run start (from `starts`) and run end (from `ends`)."""
    boundaries = np.flatnonzero(np.diff(labels)) + 1
    run_first = np.concatenate([[0], boundaries])
    run_last = np.concatenate([boundaries, [len(labels)]]) - 1
    run_of = np.repeat(np.arange(len(run_first)), run_last - run_first + 1)
    return starts[run_first][run_of], ends[run_last][run_of]


def organisation_count(people: int) -> int:
    """About one organisation per 70 persons, never fewer than the catalogue."""
    return max(len(catalogue()), round(people / PERSONS_PER_ORGANISATION))


def plan_organisations(people: int, rng: np.random.Generator) -> list[OrganisationPlan]:
    plans = catalogue()
    plans += generated(organisation_count(people) - len(plans), rng)
    plans.sort(key=lambda org: (industry_of(org), org.region, org.name))
    return plans


def organisation_sizes(plans: list[OrganisationPlan], people: int) -> np.ndarray:
    """Persons per organisation in proportion to weight; a sole trader is one person."""
    weights = np.array([org.weight for org in plans])
    sole = weights == 0
    shared = people - int(sole.sum())
    sizes = np.floor(weights / weights.sum() * shared).astype(np.int64)
    sizes[~sole] = np.maximum(sizes[~sole], 2)
    sizes[sole] = 1
    remainder = people - int(sizes.sum())
    largest = np.argsort(-weights, kind="stable")
    step = 1 if remainder > 0 else -1
    i = 0
    while remainder != 0:
        org = largest[i % int((~sole).sum())]
        if sizes[org] + step >= 2:
            sizes[org] += step
            remainder -= step
        i += 1
    return sizes


class _Builder:
    """Fills the per-person arrays organisation by organisation, heads first in every unit."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.titles = Titles()
        self.units: list[UnitPlan] = []
        self.unit_ranges: list[tuple[int, int]] = []
        self.parts: dict[str, list[np.ndarray]] = {"organisation": [], "unit": [], "title": [], "head": []}
        self.next_person = 0
        self.town_names = towns()

    def add_organisation(self, index: int, org: OrganisationPlan, size: int) -> None:
        kind = KINDS[org.kind]
        if not kind.divisions:
            self._place(index, -1, [self.titles.number(SOLE_TRADER_TITLE)], [True])
            return
        first_person = self.next_person
        leaves = self._unit_tree(index, kind.divisions, size)
        self._staff(index, leaves, size - (self.next_person - first_person))

    def _unit_tree(self, index: int, divisions: tuple[Division, ...], size: int) -> list[int]:
        """Create the organisation's units and place the division heads; returns the leaf unit numbers.

        A large organisation repeats its kind's divisions, named after invented towns
        ("Center for IT, Mosevig"), so unit names stay unique under their parent.
        """
        if size <= SMALL_ORGANISATION:
            return [self._add_unit(index, divisions[0].units[0], -1)]
        wanted = max(1, round(size / PERSONS_PER_UNIT))
        leaves: list[int] = []
        copy = 0
        while len(leaves) < wanted:
            for division in divisions:
                if len(leaves) >= wanted:
                    break
                suffix = "" if copy == 0 else f", {self.town_names[(copy - 1) % len(self.town_names)]}"
                head = self.titles.number(division.head)
                parent = self._add_unit_row(UnitPlan(index, division.name + suffix, -1, head, (), "", division.name))
                self._place(index, parent, [head], [True])
                for template in division.units[: wanted - len(leaves)]:
                    leaves.append(self._add_unit(index, template, parent))
            copy += 1
        return leaves

    def _add_unit(self, index: int, template: UnitTemplate, parent: int) -> int:
        staff = tuple(self.titles.number(title) for title in template.staff)
        head = self.titles.number(template.head)
        plan = UnitPlan(index, template.name, parent, head, staff, template.job_field, template.name)
        return self._add_unit_row(plan)

    def _add_unit_row(self, unit: UnitPlan) -> int:
        self.units.append(unit)
        self.unit_ranges.append((self.next_person, self.next_person))
        return len(self.units) - 1

    def _staff(self, index: int, leaves: list[int], remaining: int) -> None:
        """Each leaf gets its head (sometimes also a deputy); the other staff spread unevenly across the leaves."""
        staff = max(remaining - len(leaves), 0)
        shares = self.rng.lognormal(0.0, 0.5, size=len(leaves))
        staff_counts = self.rng.multinomial(staff, shares / shares.sum())
        deputies = self.rng.random(len(leaves)) < DEPUTY_SHARE
        for leaf, count, deputy in zip(leaves, staff_counts.tolist(), deputies.tolist(), strict=True):
            unit = self.units[leaf]
            has_deputy = deputy and count >= 5
            titles = [unit.head_title]
            if has_deputy:
                deputy_title = DECISION_MAKER_DEPUTY_TITLES[leaf % len(DECISION_MAKER_DEPUTY_TITLES)]
                titles.append(self.titles.number(deputy_title))
                count -= 1
            picks = self.rng.integers(0, len(unit.staff_titles), size=count)
            titles += [unit.staff_titles[p] for p in picks.tolist()]
            self._place(index, leaf, titles, [True] * (1 + has_deputy) + [False] * count)

    def _place(self, index: int, unit: int, titles: list[int], heads: list[bool]) -> None:
        count = len(titles)
        self.parts["organisation"].append(np.full(count, index, dtype=np.int32))
        self.parts["unit"].append(np.full(count, unit, dtype=np.int32))
        self.parts["title"].append(np.array(titles, dtype=np.int32))
        self.parts["head"].append(np.array(heads, dtype=bool))
        if unit >= 0:
            self.unit_ranges[unit] = (self.next_person, self.next_person + count)
        self.next_person += count

    def column(self, name: str) -> np.ndarray:
        return np.concatenate(self.parts[name])


def build_population(people: int, rng: np.random.Generator) -> Population:
    """The organisations, units and persons of a network of `people` persons."""
    organisations = plan_organisations(people, rng)
    sizes = organisation_sizes(organisations, people)
    builder = _Builder(rng)
    for index, (org, size) in enumerate(zip(organisations, sizes.tolist(), strict=True)):
        builder.add_organisation(index, org, size)
    organisation = builder.column("organisation")
    unit_ranges = np.array(builder.unit_ranges, dtype=np.int64).reshape(-1, 2)
    ends = np.cumsum(sizes)
    female = rng.random(people) < 0.5
    last_weights = 1.0 / (np.arange(len(LAST_NAMES)) + 3.0) ** 0.9
    population = Population(
        organisations=organisations,
        units=builder.units,
        titles=builder.titles,
        organisation_start=ends - sizes,
        organisation_end=ends,
        unit_start=unit_ranges[:, 0],
        unit_end=unit_ranges[:, 1],
        organisation=organisation,
        unit=builder.column("unit"),
        title=builder.column("title"),
        decision_maker=builder.column("head"),
        female=female,
        first_name=np.where(
            female,
            rng.integers(0, len(FEMALE_FIRST_NAMES), size=people),
            rng.integers(0, len(MALE_FIRST_NAMES), size=people),
        ),
        last_name=rng.choice(len(LAST_NAMES), size=people, p=last_weights / last_weights.sum()),
        started_days_ago=rng.integers(60, 15 * 365, size=people),
    )
    population.draw_former_positions(rng)
    return population
