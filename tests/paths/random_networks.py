"""Random small networks for the property tests: a hypothesis strategy and a builder into the test database.

A network is plain data (so hypothesis can shrink it); `build` writes it with the
ORM. Every person gets a unique canary name ("Zqx7Canary"): no name is a substring
of another, so a substring search in displayed text is exact.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from hypothesis import strategies as st

from kaffebro.accounts.models import User
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    HowKnown,
    Organisation,
    Person,
    Position,
    Posting,
    Tie,
    TieSource,
    Unit,
)
from kaffebro.paths.targets import TargetSpec

TITLES = [
    "Udviklingskonsulent",
    "Softwareudvikler",
    "Digitaliseringschef",
    "Sygeplejerske",
    "Økonomichef",
    "Konsulent",
    "Afdelingsleder",
    "",
]
UNIT_NAMES = ["Digitalisering", "Center for IT", "Udviklingsafdelingen", "HR", "Økonomi", "Sundhedsdata"]
FIELDS = [
    "udvikling",
    "Udvikler",
    "digitalisering",
    "økonomi",
    "Okonomi",
    "sygepleje",
    "konsulent",
    "data",
    "Sundhed",
    "Health care",
    "Energi og forsyning",
    "IT og rådgivning",
    "energi",
    "IT",
]
INDUSTRIES = ["health", "it", "energy", "public_administration", "other"]
REGIONS = ["hovedstaden", "sjaelland", ""]
# Days before today of a last contact: the recency bands' edges, unknown, before 2000 and in the future.
CONTACT_AGES = [None, 0, 180, 181, 730, 731, 3000, "before-2000", -30]
PAUSES = [None, None, 5, 0, -1]  # days from today to paused_until: 0 is still paused, -1 has ended


def canary(number: int) -> str:
    return f"Zqx{number}Canary"


@dataclass(frozen=True)
class PersonSpec:
    member: bool
    active: bool
    settings: tuple | None  # (open, pause, monthly limit, show name) or None: no settings row
    suppressed: bool


@st.composite
def person_specs(draw) -> PersonSpec:
    member = draw(st.booleans() | st.just(True))
    settings = None
    if member and draw(st.integers(0, 9)) < 8:
        settings = (
            draw(st.integers(0, 9)) < 7,
            draw(st.sampled_from(PAUSES)),
            draw(st.sampled_from([4, 4, 10, 0])),
            draw(st.booleans()),
        )
    return PersonSpec(
        member=member,
        active=not member or draw(st.integers(0, 9)) < 9,
        settings=settings,
        suppressed=draw(st.integers(0, 19)) == 0,
    )


@st.composite
def networks(draw, target_kinds=("person", "unit", "organisation", "posting")) -> dict:
    count = draw(st.integers(8, 25))
    persons = draw(st.lists(person_specs(), min_size=count, max_size=count))
    members = [i for i, p in enumerate(persons) if p.member]
    if not members:
        persons[0] = PersonSpec(True, True, None, False)
        members = [0]
    organisations = draw(
        st.lists(st.tuples(st.sampled_from(REGIONS), st.sampled_from(INDUSTRIES)), min_size=2, max_size=3)
    )
    units = []  # (organisation, name, parent unit index or None)
    for org in range(len(organisations)):
        names = draw(st.lists(st.sampled_from(UNIT_NAMES), min_size=1, max_size=3, unique=True))
        first = len(units)
        for number, name in enumerate(names):
            parent = draw(st.none() | st.integers(first, first + number - 1)) if number else None
            units.append((org, name, parent))
    positions = []  # (person, organisation, unit or None, title, decides, ended)
    for person in range(count):
        for _ in range(draw(st.sampled_from([1, 1, 2, 0]))):
            org = draw(st.integers(0, len(organisations) - 1))
            own_units = [u for u, unit in enumerate(units) if unit[0] == org]
            unit = draw(st.none() | st.sampled_from(own_units))
            positions.append(
                (
                    person,
                    org,
                    unit,
                    draw(st.sampled_from(TITLES)),
                    draw(st.integers(0, 3)) == 0,
                    draw(st.integers(0, 6)) == 0,
                )
            )
    ties = {}  # (owner, other) -> (strength, rated, private, contact age, how known)
    hub = draw(st.none() | st.sampled_from(members))  # one member who knows many: diversity and top-k cut-offs
    for owner in members:
        others = [i for i in range(count) if i != owner]
        most = 14 if owner == hub else 6
        for other in draw(st.lists(st.sampled_from(others), min_size=1, max_size=most, unique=True)):
            ties[(owner, other)] = (
                draw(st.integers(1, 5)),
                draw(st.booleans()),
                draw(st.integers(0, 3)) == 0,
                draw(st.sampled_from(CONTACT_AGES)),
                draw(st.sampled_from(["", HowKnown.COLLEAGUE, HowKnown.FRIEND])),
            )
    blocks = set()
    for owner in members:
        if draw(st.integers(0, 5)) == 0:
            blocks.add((owner, "person", draw(st.integers(0, count - 1))))
        if draw(st.integers(0, 7)) == 0:
            blocks.add((owner, "organisation", draw(st.integers(0, len(organisations) - 1))))
    blocks = {b for b in blocks if not (b[1] == "person" and b[0] == b[2])}
    # Seekers with ties of their own are the interesting ones.
    with_ties = sorted({owner for owner, _other in ties})
    seeker = draw(st.sampled_from(with_ties or members))
    kind = draw(st.sampled_from(target_kinds))
    target: dict = {"kind": kind}
    if kind == "person":
        target["person"] = draw(st.integers(0, count - 1))
    elif kind == "unit":
        target["unit"] = draw(st.integers(0, len(units) - 1))
    elif kind == "organisation":
        target["organisation"] = draw(st.integers(0, len(organisations) - 1))
    elif kind == "posting":
        org = draw(st.integers(0, len(organisations) - 1))
        own_units = [u for u, unit in enumerate(units) if unit[0] == org]
        target.update(
            organisation=org,
            unit=draw(st.none() | st.sampled_from(own_units)),
            decision_maker=draw(st.none() | st.integers(0, count - 1)),
        )
    else:
        target.update(field=draw(st.sampled_from(FIELDS)), region=draw(st.sampled_from(REGIONS)))
    return {
        "persons": persons,
        "organisations": organisations,
        "units": units,
        "positions": positions,
        "ties": ties,
        "blocks": sorted(blocks, key=str),
        "seeker": seeker,
        "target": target,
        "k": draw(st.sampled_from([10, 1, 2, 3, 5])),
    }


@dataclass
class Built:
    users: dict[int, User]  # by person index, members only
    persons: list[Person]
    seeker: User
    spec: TargetSpec
    today: datetime.date
    k: int = 10

    @property
    def seeker_person(self) -> Person:
        return self.persons[self.users_index(self.seeker)]

    def users_index(self, user: User) -> int:
        return next(i for i, u in self.users.items() if u.pk == user.pk)


def _contact_date(age, today: datetime.date) -> datetime.date | None:
    if age is None:
        return None
    if age == "before-2000":
        return datetime.date(1999, 6, 1)
    return today - datetime.timedelta(days=age)


def build(network: dict) -> Built:
    """Write a drawn network into the database (call inside a transaction that is rolled back)."""
    today = timezone.localdate()
    users: dict[int, User] = {}
    persons: list[Person] = []
    for number, spec in enumerate(network["persons"]):
        user = None
        if spec.member:
            user = User.objects.create(
                email=f"zqx{number}@example.org", display_name=canary(number), is_active=spec.active
            )
            users[number] = user
            if spec.settings is not None:
                open_to, pause, limit, show = spec.settings
                ConnectorSettings.objects.create(
                    user=user,
                    open_to_introductions=open_to,
                    paused_until=None if pause is None else today + datetime.timedelta(days=pause),
                    monthly_limit=limit,
                    show_name_in_paths=show,
                    contacts_private_by_default=False,
                )
        persons.append(Person.objects.create(name=canary(number), member=user, suppressed=spec.suppressed))
    organisations = [
        Organisation.objects.create(name=f"Organisation {chr(65 + number)}", region=region, industry=industry)
        for number, (region, industry) in enumerate(network["organisations"])
    ]
    units: list[Unit] = []
    for org, name, parent in network["units"]:
        units.append(
            Unit.objects.create(
                organisation=organisations[org], name=name, parent=units[parent] if parent is not None else None
            )
        )
    for person, org, unit, title, decides, ended in network["positions"]:
        Position.objects.create(
            person=persons[person],
            organisation=organisations[org],
            unit=units[unit] if unit is not None else None,
            title=title,
            is_decision_maker=decides,
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2020, 1, 1) if ended else None,
        )
    for (owner, other), (strength, rated, private, age, how) in network["ties"].items():
        Tie.objects.create(
            owner=users[owner],
            person_a=persons[owner],
            person_b=persons[other],
            strength=strength,
            strength_rated=rated,
            is_private=private,
            last_contact=_contact_date(age, today),
            how_known=how,
            source=TieSource.MANUAL if rated else TieSource.IMPORT,
        )
        # The owner's own address-book entry, named as the person is (like tests.conftest.know).
        ContactCard.objects.create(owner=users[owner], person=persons[other], full_name=persons[other].name)
    for owner, kind, what in network["blocks"]:
        if kind == "person":
            Block.objects.create(owner=users[owner], person=persons[what])
        else:
            Block.objects.create(owner=users[owner], organisation=organisations[what])
    target = network["target"]
    kind = target["kind"]
    if kind == "person":
        spec = TargetSpec.for_person(persons[target["person"]])
    elif kind == "unit":
        spec = TargetSpec.for_unit(units[target["unit"]])
    elif kind == "organisation":
        spec = TargetSpec.for_organisation(organisations[target["organisation"]])
    elif kind == "posting":
        posting = Posting.objects.create(
            organisation=organisations[target["organisation"]],
            unit=units[target["unit"]] if target["unit"] is not None else None,
            title="Stilling",
            decision_maker=persons[target["decision_maker"]] if target["decision_maker"] is not None else None,
        )
        spec = TargetSpec.for_posting(posting)
    else:
        spec = TargetSpec.for_field(target["field"], target["region"])
    return Built(users, persons, users[network["seeker"]], spec, today, network.get("k", 10))
