"""The demo logins and the story that ties them together.

Mette, a developer consultant at Kodekilden, wants to land in Digitalisering at
Region Østkysten. She worked with Jonas at Brobyg IT; Jonas, an opted-in
connector, advises Region Østkysten and knows Signe, who decides on hiring in
Digitalisering. Freja, another connector, works in the region's IT department.
Karin, a connector at Havbro Bank, knows Peter, who decides in Data Science at
Nordlys Pharma, Mette's second target. Henrik, from a public career at Fjordby
Kommune, aims at Vestenvind Energi, where Ali, a self-employed connector, used to
work. Birthe coaches both seekers in a job club; Olga operates the site.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kaffebro.network.demo import DEMO_LOGINS
from kaffebro.network.demo.population import Population
from kaffebro.network.models import HowKnown

LOGIN_EMAILS = [email for email, _role in DEMO_LOGINS]


@dataclass(frozen=True)
class Login:
    email: str
    name: str
    organisation: str  # catalogue key
    unit: str = ""  # unit template name; empty for a sole trader
    head: bool = False  # the unit's decision-maker rather than one of its staff
    language: str = "da"
    coach: bool = False
    operator: bool = False
    connector: bool = False
    private_share: float = 0.0
    ties: int = 60
    former: tuple[str, str, str] | None = None  # organisation key, unit template, title


LOGINS = (
    Login(
        "mette@kaffebro.example",
        "Mette Kjærgaard",
        "kodekilden",
        "Digital Transformation",
        ties=45,
        former=("brobyg", "Offentlig Digitalisering", "IT-konsulent"),
    ),
    Login("henrik@kaffebro.example", "Henrik Østergaard", "fjordby", "Virksomhedsservice", ties=60),
    Login(
        "jonas@kaffebro.example",
        "Jonas Bækgaard",
        "brobyg",
        "Offentlig Digitalisering",
        connector=True,
        ties=150,
    ),
    Login("freja@kaffebro.example", "Freja Lindholm", "region_oestkysten", "IT-drift", connector=True, ties=120),
    Login(
        "karin@kaffebro.example", "Karin Sønderby", "havbro", "Compliance", connector=True, private_share=0.25, ties=90
    ),
    Login(
        "ali@kaffebro.example",
        "Ali Demir",
        "ali_energi",
        connector=True,
        ties=70,
        former=("vestenvind", "Energirådgivning", "energirådgiver"),
    ),
    Login("birthe@kaffebro.example", "Birthe Løvgren", "broen", "Jobklubben", coach=True, connector=True, ties=200),
    Login("signe@kaffebro.example", "Signe Holmgaard", "region_oestkysten", "Digitalisering", head=True, ties=80),
    Login("peter@kaffebro.example", "Peter Aagaard", "nordlys", "Data Science", head=True, language="en", ties=80),
    Login("olga@kaffebro.example", "Olga Brandt", "broen", "Jobklubben", operator=True, ties=30),
)
assert [login.email for login in LOGINS] == LOGIN_EMAILS, "DEMO_LOGINS and the story must list the same logins"

# (owner, other, strength, how they know each other); an e-mail names a login, "head:" a unit's decision-maker,
# "staff:" the staff of a unit (the first few).
STORY_TIES = (
    ("mette", "jonas", 5, HowKnown.FORMER_COLLEAGUE),
    ("mette", "freja", 4, HowKnown.STUDIES),
    ("mette", "karin", 4, HowKnown.FRIEND),
    ("mette", "birthe", 3, HowKnown.ASSOCIATION),
    ("jonas", "mette", 5, HowKnown.FORMER_COLLEAGUE),
    ("jonas", "signe", 4, HowKnown.CLIENT),
    ("jonas", "staff:region_oestkysten:Digitalisering", 3, HowKnown.CLIENT),
    ("freja", "signe", 4, HowKnown.COLLEAGUE),
    ("freja", "mette", 4, HowKnown.STUDIES),
    ("freja", "staff:region_oestkysten:Digitalisering", 3, HowKnown.COLLEAGUE),
    ("karin", "peter", 3, HowKnown.CLIENT),
    ("karin", "mette", 4, HowKnown.FRIEND),
    ("henrik", "ali", 4, HowKnown.ASSOCIATION),
    ("henrik", "birthe", 3, HowKnown.ASSOCIATION),
    ("ali", "henrik", 4, HowKnown.ASSOCIATION),
    ("ali", "head:vestenvind:Vind og Sol", 4, HowKnown.FORMER_COLLEAGUE),
    ("ali", "staff:vestenvind:Energirådgivning", 3, HowKnown.FORMER_COLLEAGUE),
    ("birthe", "mette", 3, HowKnown.ASSOCIATION),
    ("birthe", "henrik", 3, HowKnown.ASSOCIATION),
    ("birthe", "jonas", 3, HowKnown.ASSOCIATION),
    ("birthe", "karin", 3, HowKnown.ASSOCIATION),
    ("signe", "freja", 4, HowKnown.COLLEAGUE),
    ("signe", "jonas", 4, HowKnown.CLIENT),
    ("peter", "karin", 3, HowKnown.CLIENT),
    ("olga", "birthe", 5, HowKnown.COLLEAGUE),
)
STAFF_PER_STORY_TIE = 3


@dataclass(frozen=True)
class StoryPosting:
    organisation: str
    unit: str
    title: str
    days_to_deadline: int | None


STORY_POSTINGS = (
    StoryPosting("region_oestkysten", "Digitalisering", "Udviklingskonsulent til Digitalisering", 24),
    StoryPosting("nordlys", "Data Science", "Data scientist til Data Science", 35),
    StoryPosting("fjordby", "Virksomhedsservice", "Virksomhedskonsulent", 16),
    StoryPosting("borgerdata", "Datadeling", "Specialkonsulent i datadeling", 40),
    StoryPosting("vestenvind", "Vind og Sol", "Projektleder til Vind og Sol", None),
    StoryPosting("havbro", "Kredit", "Kreditanalytiker", -5),
)


class Cast:
    """The logins placed in a population: which person each one is, and the ties the story needs."""

    def __init__(self, population: Population):
        self.population = population
        self.person: dict[str, int] = {}
        taken: set[int] = set()
        for login in LOGINS:
            person = self._place(login, taken)
            taken.add(person)
            self.person[login.email] = person
            population.name_overrides[person] = login.name
            if login.former:
                self._set_former(person, *login.former)

    def _place(self, login: Login, taken: set[int]) -> int:
        p = self.population
        if not login.unit:
            return int(p.organisation_start[p.organisation_index(login.organisation)])
        unit = p.unit_index(login.organisation, login.unit)
        people = range(int(p.unit_start[unit]), int(p.unit_end[unit]))
        wanted = [person for person in people if bool(p.decision_maker[person]) == login.head and person not in taken]
        return wanted[0]

    def _set_former(self, person: int, organisation_key: str, unit_name: str, title: str) -> None:
        """The story's former colleagues really were colleagues: their former position is set, not drawn."""
        p = self.population
        started = int(p.started_days_ago[person])
        p.set_former(
            person,
            organisation=p.organisation_index(organisation_key),
            unit=p.unit_index(organisation_key, unit_name),
            title=p.titles.number(title),
            started_days_ago=started + 6 * 365,
            ended_days_ago=started + 30,
        )

    def login_person(self, short: str) -> int:
        return self.person[f"{short}@kaffebro.example"]

    def resolve(self, reference: str) -> list[int]:
        """Persons named by a story reference: a login's short name, `head:org:unit` or `staff:org:unit`."""
        if ":" not in reference:
            return [self.login_person(reference)]
        role, organisation, unit_name = reference.split(":")
        p = self.population
        unit = p.unit_index(organisation, unit_name)
        people = range(int(p.unit_start[unit]), int(p.unit_end[unit]))
        heads = role == "head"
        chosen = [person for person in people if bool(p.decision_maker[person]) == heads]
        return chosen[:1] if heads else chosen[:STAFF_PER_STORY_TIE]

    def ties(self) -> list[tuple[int, int, int, str]]:
        rows: list[tuple[int, int, int, str]] = []
        for owner, other, strength, how in STORY_TIES:
            for person in self.resolve(other):
                rows.append((self.login_person(owner), person, strength, how))
        return rows

    def head_of(self, organisation: str, unit_name: str) -> int:
        return self.resolve(f"head:{organisation}:{unit_name}")[0]


def deadline(today: datetime.date, days: int | None) -> datetime.date | None:
    return None if days is None else today + datetime.timedelta(days=days)
