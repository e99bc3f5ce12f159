"""Building the demo network: plan it with numpy, then write it in bulk inside one transaction.

The plan is deterministic for a seed (names, sizes, who knows whom); only the
opaque codes and password salts are random, as everywhere else in Kaffebro.
Either the whole network is written or, on any failure, nothing is.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from kaffebro.accounts.models import Authenticator, User
from kaffebro.core.codes import CODE_LENGTH
from kaffebro.core.events import record_event
from kaffebro.network.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_loaded
from kaffebro.network.demo.population import Population, build_population, industry_of
from kaffebro.network.demo.story import LOGIN_EMAILS, LOGINS, STORY_POSTINGS, Cast, deadline
from kaffebro.network.demo.ties import HOW_KNOWN, SOURCES, ForcedTies, TieChunk, TieGenerator, member_degrees
from kaffebro.network.demo.vocabulary import KINDS
from kaffebro.network.demo.writer import BulkWriter
from kaffebro.network.models import (
    ConnectorSettings,
    ContactCard,
    EmploymentForm,
    EmploymentType,
    Gender,
    HowKnown,
    Organisation,
    Person,
    Position,
    Posting,
    PostingSource,
    Region,
    SectorBackground,
    SeekerProfile,
    Target,
    TargetKind,
    Tie,
    Unit,
    Visibility,
)

DEFAULT_PEOPLE = 2000
DEFAULT_SEED = 1
MIN_PEOPLE = 2000  # the smallest network in which every unit the story names exists
MEMBER_SHARE = 0.10
CONNECTOR_SHARE = 0.4
SEEKER_SHARE = 0.05
MUTUAL_SHARE = 0.3
PEOPLE_PER_POSTING = 400
LARGE_LOAD = 300_000
SYNTHETIC_MEMBER_DOMAIN = "members.kaffebro.example"
DANISH_LETTERS: dict[str, str | int | None] = {"æ": "ae", "ø": "oe", "å": "aa", "é": "e"}
UNUSABLE_PASSWORD_LENGTH = 40  # as make_password(None) makes them: the account can never log in


class DemoRefused(Exception):
    """The demo cannot be loaded here; the message says why and what to do."""


def ties_per_person(people: int) -> float:
    """10 ties per person at the default 2,000 persons, rising log-linearly to 30 at 1,000,000 (and no further)."""
    position = math.log10(max(people, DEFAULT_PEOPLE) / DEFAULT_PEOPLE) / math.log10(1_000_000 / DEFAULT_PEOPLE)
    return 10 + 20 * min(position, 1.0)


def default_ties(people: int) -> int:
    return round(people * ties_per_person(people))


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class NetworkPlan:
    """Everything decided before the first row is written."""

    population: Population
    cast: Cast
    members: np.ndarray  # person numbers, sorted
    degrees: np.ndarray  # ties per member
    forced: ForcedTies
    connector: np.ndarray  # per member
    seeker: np.ndarray  # per member (synthetic seekers; the story's seekers are added separately)
    rng: np.random.Generator

    def member_index(self, person: int) -> int:
        return int(np.searchsorted(self.members, person))


def plan_network(
    people: int,
    seed: int,
    ties: int,
    *,
    member_share: float = MEMBER_SHARE,
    connector_share: float = CONNECTOR_SHARE,
) -> NetworkPlan:
    """Decide the network; `member_share` of the persons are members, `connector_share` of those connectors."""
    rng = np.random.default_rng(seed)
    population = build_population(people, rng)
    cast = Cast(population)
    login_persons = np.array(sorted(cast.person.values()), dtype=np.int64)
    others = np.setdiff1d(np.arange(people), login_persons)
    synthetic_count = max(round(people * member_share) - len(login_persons), 1)
    synthetic = rng.choice(others, size=synthetic_count, replace=False)
    members = np.sort(np.concatenate([login_persons, synthetic]))
    member_of = {email: int(np.searchsorted(members, person)) for email, person in cast.person.items()}
    fixed = {member_of[login.email]: login.ties for login in LOGINS}
    cap = max(min(people // 2, 20_000), 1)
    degrees = member_degrees(len(members), ties, fixed, rng, cap)
    forced = ForcedTies.from_rows(cast.ties() + _mutual_pairs(members, population, rng))
    is_login = np.isin(members, login_persons)
    connector = ~is_login & (rng.random(len(members)) < connector_share)
    for login in LOGINS:
        connector[member_of[login.email]] = login.connector
    seeker = ~is_login & (rng.random(len(members)) < SEEKER_SHARE)
    return NetworkPlan(population, cast, members, degrees, forced, connector, seeker, rng)


def _mutual_pairs(members: np.ndarray, population: Population, rng: np.random.Generator) -> list:
    """Some pairs of members record each other: friends anywhere, and colleagues in the same organisation."""
    rows = []
    paired = rng.permutation(members)[: 2 * int(len(members) * MUTUAL_SHARE / 2)].reshape(-1, 2)
    strengths = rng.integers(2, 6, size=len(paired)).tolist()
    for (a, b), strength in zip(paired.tolist(), strengths, strict=True):
        rows += [(a, b, strength, HowKnown.FRIEND), (b, a, strength, HowKnown.FRIEND)]
    same_organisation = population.organisation[members[:-1]] == population.organisation[members[1:]]
    starts = np.flatnonzero(same_organisation)[::2]
    for i in starts.tolist():
        a, b = int(members[i]), int(members[i + 1])
        rows += [(a, b, 3, HowKnown.COLLEAGUE), (b, a, 3, HowKnown.COLLEAGUE)]
    return rows


def build_demo(
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    ties: int | None = None,
    member_share: float = MEMBER_SHARE,
    connector_share: float = CONNECTOR_SHARE,
    allow_production_logins: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    using: str = DEFAULT_DB_ALIAS,
) -> Summary:
    """Write the demo network into an empty database; raises `DemoRefused` instead of touching existing data."""
    if not settings.DEBUG and not allow_production_logins:
        raise DemoRefused(
            "The demo logins share a published password, so they are not created on a production server "
            "(DEBUG is off). Pass --allow-production-logins if this server is meant to be a public demo."
        )
    if people < MIN_PEOPLE:
        raise DemoRefused(f"The demo needs at least {MIN_PEOPLE:,} persons.")
    ties = default_ties(people) if ties is None else ties
    if ties < 0:
        raise DemoRefused("The number of ties cannot be negative.")
    started = time.monotonic()
    progress(f"Planning {people:,} persons and about {ties:,} ties (seed {seed}) …")
    if not (0 < member_share <= 1 and 0 <= connector_share <= 1):
        raise DemoRefused("The member and connector shares must lie between 0 and 1.")
    plan = plan_network(people, seed, ties, member_share=member_share, connector_share=connector_share)
    progress(f"Planned in {time.monotonic() - started:.1f} s; writing …")
    # No note_graph_change: the whole network is new, and the path engine builds a fresh snapshot after a demo load.
    with transaction.atomic(using=using):
        _refuse_unless_empty(using)
        loader = _Loader(plan, BulkWriter(connections[using]), progress, large=ties > LARGE_LOAD)
        counts = loader.write()
        _give_authenticators(using)
        if ties > LARGE_LOAD:
            _gather_statistics(using, progress)
        if using == DEFAULT_DB_ALIAS:  # the receivers act through the apps' actions, on the default database
            for _receiver, added in demo_loaded.send(sender=NetworkPlan, seed=seed, people=people, progress=progress):
                counts.update(added if isinstance(added, dict) else {})
        record_event("demo.loaded", people=people, seed=seed, ties=counts["ties"])
    return Summary(counts, time.monotonic() - started)


def _gather_statistics(using: str, progress: Callable[[str], None]) -> None:
    """After a large bulk load PostgreSQL has no statistics yet (autovacuum comes minutes later), so the demo
    activity's queries would be planned for empty tables: at 1,000,000 persons one of them took 5 s instead of
    milliseconds. ANALYZE inside the transaction samples the rows it has written."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress(f"Statistics gathered in {time.monotonic() - started:.1f} s")


def _give_authenticators(using: str) -> None:
    """The demo logins that must use two-factor log-in (operator, coach) get the published demo key."""
    logins = User.objects.using(using).filter(email__in=LOGIN_EMAILS)
    keys = [Authenticator(member=user, secret=DEMO_TOTP_SECRET) for user in logins if user.two_factor_required]
    Authenticator.objects.using(using).bulk_create(keys)


def _refuse_unless_empty(using: str) -> None:
    if Organisation.objects.using(using).exists():
        raise DemoRefused("The database already holds organisations; the demo loads only into an empty network.")
    taken = User.objects.using(using).filter(email__in=LOGIN_EMAILS).values_list("email", flat=True)
    if taken:
        raise DemoRefused(f"These demo logins already exist: {', '.join(taken)}.")


def random_tokens(count: int, length: int) -> list[str]:
    """`count` URL-safe random strings of `length` characters (a multiple of 4), from one call to the OS."""
    raw = base64.urlsafe_b64encode(os.urandom(length * 3 // 4 * count)).decode()
    return [raw[i : i + length] for i in range(0, length * count, length)]


def codes(count: int) -> list[str]:
    """`count` opaque codes like `new_code()` makes (72 random bits each), generated in one go."""
    return random_tokens(count, CODE_LENGTH)


def website(name: str) -> str:
    ascii_name = name.lower().translate(str.maketrans(DANISH_LETTERS))
    return f"https://{re.sub(r'[^a-z0-9]+', '-', ascii_name).strip('-')}.example.org"


class _Loader:
    """Turns a plan into rows, table by table, with ids assigned up front."""

    def __init__(self, plan: NetworkPlan, writer: BulkWriter, progress: Callable[[str], None], *, large: bool):
        self.plan = plan
        self.population = plan.population
        self.writer = writer
        self.progress = progress
        self.large = large
        self.now = writer.connection.ops.adapt_datetimefield_value(timezone.now())
        self.today = timezone.localdate()
        self.base: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = {}

    def write(self) -> dict[str, int]:
        if self.large:
            self.writer.prepare_for_large_load()
        for model in (
            Organisation,
            Unit,
            User,
            Person,
            Position,
            Tie,
            ContactCard,
            ConnectorSettings,
            SeekerProfile,
            Target,
            Posting,
        ):
            self.base[model] = self.writer.next_id(model)
        self._insert("organisations", Organisation, self._organisation_columns(), self._organisations())
        self._insert("units", Unit, ["id", "code", "organisation_id", "name", "parent_id"], self._units())
        self._insert("members", User, self._user_columns(), self._users())
        big_tables = [Person, Position, Tie, ContactCard] if self.large else []
        with self.writer.secondary_indexes_dropped(big_tables):
            self._insert(
                "persons", Person, ["id", "code", "name", "member_id", "suppressed", "created"], self._persons()
            )
            self._insert("positions", Position, self._position_columns(), self._positions())
            self._write_ties()
            if self.large:
                self.progress("Rebuilding indexes and foreign keys …")
            rebuild_started = time.monotonic()
        if self.large:
            self.progress(f"  rebuilt in {time.monotonic() - rebuild_started:.1f} s")
        self._insert("connector settings", ConnectorSettings, self._connector_columns(), self._connector_settings())
        self._insert("seeker profiles", SeekerProfile, self._profile_columns(), self._profiles())
        self._insert("postings", Posting, self._posting_columns(), self._postings())
        self._insert("targets", Target, self._target_columns(), self._targets())
        self.writer.reset_sequences(list(self.base))
        return self.counts

    def _insert(self, label: str, model: type[models.Model], columns: list[str], rows) -> None:
        _check_columns(model, columns)
        started = time.monotonic()
        count = self.writer.insert(model, columns, rows)
        self.counts[label] = self.counts.get(label, 0) + count
        seconds = time.monotonic() - started
        self.progress(f"  {label}: {count:,} rows in {seconds:.1f} s ({count / max(seconds, 1e-6):,.0f} rows/s)")

    def id_of(self, model: type[models.Model], index: int) -> int:
        return self.base[model] + index

    # Organisations and units

    def _organisation_columns(self) -> list[str]:
        return [
            "id",
            "code",
            "name",
            "aliases",
            "sector",
            "public_level",
            "industry",
            "region",
            "website",
            "cvr",
            "private_to_id",
            "created",
        ]

    def _organisations(self) -> Iterator[tuple]:
        organisations = self.population.organisations
        cvr = _distinct_numbers(self.plan.rng, len(organisations), 10_000_000, 99_999_999)
        for index, (org, code, number) in enumerate(zip(organisations, codes(len(organisations)), cvr, strict=True)):
            kind = KINDS[org.kind]
            yield (
                self.id_of(Organisation, index),
                code,
                org.name,
                json.dumps(org.aliases, ensure_ascii=False),
                kind.sector,
                kind.public_level,
                industry_of(org),
                org.region,
                website(org.name),
                str(number),
                None,
                self.now,
            )

    def _units(self) -> Iterator[tuple]:
        units = self.population.units
        for index, (unit, code) in enumerate(zip(units, codes(len(units)), strict=True)):
            parent = None if unit.parent < 0 else self.id_of(Unit, unit.parent)
            yield (self.id_of(Unit, index), code, self.id_of(Organisation, unit.organisation), unit.name, parent)

    # Members and persons

    def _user_columns(self) -> list[str]:
        return [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "code",
            "email",
            "display_name",
            "language",
            "time_zone",
            "email_verified_at",
            "is_coach",
            "is_active",
            "is_staff",
            "date_joined",
        ]

    def _users(self) -> Iterator[tuple]:
        login_of = {self.plan.cast.person[login.email]: login for login in LOGINS}
        members = self.plan.members.tolist()
        unusable = random_tokens(len(members), UNUSABLE_PASSWORD_LENGTH)
        for index, (person, code) in enumerate(zip(members, codes(len(members)), strict=True)):
            login = login_of.get(person)
            if login:
                yield (
                    self.id_of(User, index),
                    make_password(DEMO_PASSWORD),
                    None,
                    login.operator,
                    code,
                    login.email,
                    login.name,
                    login.language,
                    settings.TIME_ZONE,
                    self.now,
                    login.coach,
                    True,
                    login.operator,
                    self.now,
                )
            else:
                yield (
                    self.id_of(User, index),
                    UNUSABLE_PASSWORD_PREFIX + unusable[index],
                    None,
                    False,
                    code,
                    f"medlem{index}@{SYNTHETIC_MEMBER_DOMAIN}",
                    self.population.full_name(person),
                    "da",
                    settings.TIME_ZONE,
                    self.now,
                    False,
                    True,
                    False,
                    self.now,
                )

    def _persons(self) -> Iterator[tuple]:
        size = self.population.size
        member_user = np.full(size, -1, dtype=np.int64)
        member_user[self.plan.members] = self.base[User] + np.arange(len(self.plan.members))
        names = self._names()
        for index, (code, name, user) in enumerate(zip(codes(size), names, member_user.tolist(), strict=True)):
            yield (self.id_of(Person, index), code, name, user if user >= 0 else None, False, self.now)

    def _names(self) -> list[str]:
        firsts, lasts = self.population.first_and_last()
        return [f"{first} {last}" for first, last in zip(firsts, lasts, strict=True)]

    def _position_columns(self) -> list[str]:
        return [
            "id",
            "person_id",
            "organisation_id",
            "unit_id",
            "title",
            "is_decision_maker",
            "start_date",
            "end_date",
            "recorded_by_id",
        ]

    def _positions(self) -> Iterator[tuple]:
        p = self.population
        titles = p.titles.names
        day = self._day_values()
        position_id = self.base[Position]
        for person in range(p.size):
            unit = int(p.unit[person])
            yield (
                position_id,
                self.id_of(Person, person),
                self.id_of(Organisation, int(p.organisation[person])),
                self.id_of(Unit, unit) if unit >= 0 else None,
                titles[p.title[person]],
                bool(p.decision_maker[person]),
                day[p.started_days_ago[person]],
                None,
                None,
            )
            position_id += 1
        former = zip(
            p.former_person.tolist(),
            p.former_organisation.tolist(),
            p.former_unit.tolist(),
            p.former_title.tolist(),
            p.former_started_days_ago.tolist(),
            p.former_ended_days_ago.tolist(),
            strict=True,
        )
        for person, organisation, unit, title, started, ended in former:
            yield (
                position_id,
                self.id_of(Person, person),
                self.id_of(Organisation, organisation),
                self.id_of(Unit, unit) if unit >= 0 else None,
                titles[title],
                False,
                day[started],
                day[ended],
                None,
            )
            position_id += 1

    def _day_values(self) -> np.ndarray:
        """Dates by "days ago", adapted for the database once; the extra last entry is None (index -1)."""
        ops = self.writer.connection.ops
        days = [ops.adapt_datefield_value(self.today - datetime.timedelta(days=d)) for d in range(40 * 365)]
        return np.array([*days, None], dtype=object)

    # Ties and contact cards

    def _write_ties(self) -> None:
        generator = TieGenerator(
            self.population,
            self.plan.members,
            self.plan.degrees,
            self.plan.forced,
            {self._login_member(login): login.private_share for login in LOGINS if login.private_share},
            self.plan.rng,
        )
        card_fields = self._card_fields()
        day = self._day_values()
        next_id = 0
        generated = time.monotonic()
        for chunk in generator.chunks():
            self.progress(f"  generated {len(chunk):,} ties in {time.monotonic() - generated:.1f} s")
            ids = np.arange(next_id, next_id + len(chunk))
            next_id += len(chunk)
            self._insert("ties", Tie, self._tie_columns(), self._tie_rows(chunk, ids, day))
            self._insert("contact cards", ContactCard, self._card_columns(), self._card_rows(chunk, ids, card_fields))
            generated = time.monotonic()

    def _tie_columns(self) -> list[str]:
        return [
            "id",
            "owner_id",
            "person_a_id",
            "person_b_id",
            "strength",
            "strength_rated",
            "how_known",
            "since",
            "last_contact",
            "source",
            "is_private",
            "created",
            "updated",
        ]

    def _tie_rows(self, chunk: TieChunk, ids: np.ndarray, day: np.ndarray):
        count = len(chunk)
        now = [self.now] * count
        return zip(
            (self.base[Tie] + ids).tolist(),
            (self.base[User] + chunk.owner).tolist(),
            (self.base[Person] + chunk.person_a).tolist(),
            (self.base[Person] + chunk.person_b).tolist(),
            chunk.strength.tolist(),
            chunk.rated.tolist(),
            np.array(HOW_KNOWN, dtype=object)[chunk.how_known].tolist(),
            day[chunk.since_days_ago].tolist(),
            day[chunk.last_contact_days_ago].tolist(),
            np.array(SOURCES, dtype=object)[chunk.source].tolist(),
            chunk.private.tolist(),
            now,
            now,
            strict=True,
        )

    def _card_fields(self) -> dict[str, np.ndarray]:
        """Per person, what an address book holds about them: name, organisation, unit and title."""
        p = self.population
        firsts, lasts = p.first_and_last()
        unit_names = np.array([unit.name for unit in p.units] + [""], dtype=object)
        return {
            "first": np.array(firsts, dtype=object),
            "last": np.array(lasts, dtype=object),
            "full": np.array(self._names(), dtype=object),
            "organisation": np.array([org.name for org in p.organisations], dtype=object)[p.organisation],
            "unit": unit_names[p.unit],  # -1 (no unit) picks the empty name at the end
            "title": np.array(p.titles.names, dtype=object)[p.title],
        }

    def _card_columns(self) -> list[str]:
        return [
            "id",
            "code",
            "owner_id",
            "person_id",
            "first_name",
            "last_name",
            "full_name",
            "organisation_name",
            "unit_name",
            "title",
            "profile_url",
            "email",
            "phone",
            "notes",
            "source",
            "created",
            "updated",
        ]

    def _card_rows(self, chunk: TieChunk, ids: np.ndarray, fields: dict[str, np.ndarray]):
        count = len(chunk)
        now = [self.now] * count
        blank = [""] * count
        other = chunk.person_b
        return zip(
            (self.base[ContactCard] + ids).tolist(),
            codes(count),
            (self.base[User] + chunk.owner).tolist(),
            (self.base[Person] + other).tolist(),
            fields["first"][other].tolist(),
            fields["last"][other].tolist(),
            fields["full"][other].tolist(),
            fields["organisation"][other].tolist(),
            fields["unit"][other].tolist(),
            fields["title"][other].tolist(),
            blank,
            blank,
            blank,
            blank,
            np.array(SOURCES, dtype=object)[chunk.source].tolist(),
            now,
            now,
            strict=True,
        )

    # Roles: connectors, seekers, targets, postings

    def _connector_columns(self) -> list[str]:
        return [
            "id",
            "user_id",
            "open_to_introductions",
            "monthly_limit",
            "introductions_used",
            "paused_until",
            "contacts_private_by_default",
            "updated",
        ]

    def _connector_settings(self) -> Iterator[tuple]:
        private_by_default = {self._login_member(login): login.private_share > 0 for login in LOGINS}
        connectors = np.flatnonzero(self.plan.connector).tolist()
        for index, member in enumerate(connectors):
            yield (
                self.id_of(ConnectorSettings, index),
                self.id_of(User, member),
                True,
                4,
                0,
                None,
                private_by_default.get(member, False),
                self.now,
            )

    def _profile_columns(self) -> list[str]:
        return [
            "id",
            "code",
            "user_id",
            "headline",
            "offer",
            "competencies",
            "job_fields",
            "regions",
            "looking_visibility",
            "industry",
            "sector_background",
            "employment_form",
            "gender",
            "created",
            "updated",
        ]

    def _profiles(self) -> Iterator[tuple]:
        rows = list(self._story_profiles()) + list(self._synthetic_profiles())
        for index, (code, row) in enumerate(zip(codes(len(rows)), rows, strict=True)):
            yield (self.id_of(SeekerProfile, index), code, *row, self.now, self.now)

    def _story_profiles(self) -> Iterator[tuple]:
        yield (
            self._login_user("mette"),
            "Udviklingskonsulent med sans for data og digitalisering",
            "Jeg oversætter mellem fagfolk og IT: brugerinddragelse, datadrevne beslutninger og projekter, "
            "der bliver til noget i drift.",
            json.dumps(["Python", "dataanalyse", "brugerinddragelse", "projektledelse"], ensure_ascii=False),
            json.dumps(["digitalisering", "data og analyse"], ensure_ascii=False),
            json.dumps(["hovedstaden"]),
            Visibility.CONNECTORS,
            "it",
            SectorBackground.PRIVATE,
            EmploymentForm.EMPLOYEE,
            Gender.WOMAN,
        )
        yield (
            self._login_user("henrik"),
            "Virksomhedskonsulent med tolv års erfaring fra kommunen",
            "Jeg bygger bro mellem virksomheder og ledige og vil bruge det i den grønne omstilling.",
            json.dumps(["virksomhedskontakt", "projektledelse", "forhandling"], ensure_ascii=False),
            json.dumps(["projektledelse", "beskæftigelse"], ensure_ascii=False),
            json.dumps(["syddanmark", "hovedstaden"]),
            Visibility.MEMBERS,
            "public_administration",
            SectorBackground.PUBLIC,
            EmploymentForm.EMPLOYEE,
            Gender.MAN,
        )

    def _synthetic_profiles(self) -> Iterator[tuple]:
        p = self.population
        visibilities = [Visibility.PRIVATE, Visibility.CONNECTORS, Visibility.MEMBERS]
        for member in np.flatnonzero(self.plan.seeker).tolist():
            person = int(self.plan.members[member])
            org = p.organisations[p.organisation[person]]
            unit = int(p.unit[person])
            job_field = p.units[unit].job_field if unit >= 0 and p.units[unit].job_field else ""
            title = p.titles.names[p.title[person]]
            yield (
                self.id_of(User, member),
                f"{title[:1].upper()}{title[1:]} på udkig efter nye udfordringer",
                "",
                json.dumps([]),
                json.dumps([job_field] if job_field else [], ensure_ascii=False),
                json.dumps([org.region]),
                visibilities[member % 3],
                industry_of(org),
                SectorBackground.PUBLIC if KINDS[org.kind].sector == "public" else SectorBackground.PRIVATE,
                EmploymentForm.SELF_EMPLOYED if org.kind == "sole_trader" else EmploymentForm.EMPLOYEE,
                Gender.WOMAN if p.female[person] else Gender.MAN,
            )

    def _login_member(self, login) -> int:
        return self.plan.member_index(self.plan.cast.person[login.email])

    def _login_user(self, short: str) -> int:
        return self.id_of(User, self.plan.member_index(self.plan.cast.login_person(short)))

    def _posting_columns(self) -> list[str]:
        return [
            "id",
            "code",
            "organisation_id",
            "unit_id",
            "title",
            "description",
            "job_field",
            "decision_maker_id",
            "url",
            "deadline",
            "is_public",
            "employment_type",
            "location",
            "identifier",
            "source",
            "created",
            "updated",
        ]

    def _posting_plans(self) -> list[tuple[int, str, int | None]]:
        """(unit, title, days to deadline) for the story's postings and, in a larger network, more of them."""
        p = self.population
        plans = [(p.unit_index(s.organisation, s.unit), s.title, s.days_to_deadline) for s in STORY_POSTINGS]
        extra = max(round(p.size / PEOPLE_PER_POSTING) - len(plans), 0)
        rng = self.plan.rng
        organisations = rng.integers(0, len(p.organisations), size=extra)
        units = p.random_leaves(organisations, rng)
        titles = p.random_staff_titles(units, rng)
        for unit, title in zip(units.tolist(), titles.tolist(), strict=True):
            if unit < 0:
                continue
            public = KINDS[p.organisations[p.units[unit].organisation].kind].sector == "public"
            days = int(rng.integers(14, 43)) if public else (int(rng.integers(7, 61)) if rng.random() < 0.5 else None)
            name = p.titles.names[title]
            plans.append((unit, name[:1].upper() + name[1:], days))
        return plans

    def _postings(self) -> Iterator[tuple]:
        p = self.population
        self.posting_ids: dict[str, int] = {}
        plans = self._posting_plans()
        for index, ((unit, title, days), code) in enumerate(zip(plans, codes(len(plans)), strict=True)):
            template = p.units[unit]
            org = p.organisations[template.organisation]
            head = int(p.unit_start[unit])
            self.posting_ids.setdefault(title, self.id_of(Posting, index))
            yield (
                self.id_of(Posting, index),
                code,
                self.id_of(Organisation, template.organisation),
                self.id_of(Unit, unit),
                title,
                f"Stilling i {template.name}, {org.name}. Stillingen findes kun i Kaffebros demo-netværk; "
                "organisationen er opdigtet.",
                template.job_field,
                self.id_of(Person, head) if p.decision_maker[head] else None,
                f"{website(org.name)}/job/{index + 1}",
                deadline(self.today, days),
                KINDS[org.kind].sector == "public",
                EmploymentType.FULL_TIME,
                str(Region(org.region).label) if org.region else "",
                f"DEMO-{index + 1:05d}",
                PostingSource.DEMO,
                self.now,
                self.now,
            )

    def _target_columns(self) -> list[str]:
        return [
            "id",
            "code",
            "seeker_id",
            "kind",
            "posting_id",
            "unit_id",
            "organisation_id",
            "job_field",
            "region",
            "priority",
            "notes",
            "created",
        ]

    def _targets(self) -> Iterator[tuple]:
        rows = list(self._story_targets()) + list(self._synthetic_targets())
        for index, (code, row) in enumerate(zip(codes(len(rows)), rows, strict=True)):
            yield (self.id_of(Target, index), code, *row, self.now)

    def _story_targets(self) -> Iterator[tuple]:
        p = self.population
        mette, henrik = self._login_user("mette"), self._login_user("henrik")
        digitalisering = self.id_of(Unit, p.unit_index("region_oestkysten", "Digitalisering"))
        data_science_posting = self.posting_ids[STORY_POSTINGS[1].title]
        vestenvind = self.id_of(Organisation, p.organisation_index("vestenvind"))
        yield (
            mette,
            TargetKind.UNIT,
            None,
            digitalisering,
            None,
            "",
            "",
            1,
            "Signe Holmgaard leder enheden; Jonas kender hende.",
        )
        yield (mette, TargetKind.POSTING, data_science_posting, None, None, "", "", 2, "")
        yield (mette, TargetKind.FIELD, None, None, None, "data og analyse", "hovedstaden", 3, "")
        yield (henrik, TargetKind.ORGANISATION, None, None, vestenvind, "", "", 1, "")
        yield (henrik, TargetKind.FIELD, None, None, None, "projektledelse", "syddanmark", 2, "")

    def _synthetic_targets(self) -> Iterator[tuple]:
        """Each synthetic seeker aims at one unit of a random organisation."""
        p = self.population
        seekers = np.flatnonzero(self.plan.seeker)
        units = p.random_leaves(self.plan.rng.integers(0, len(p.organisations), size=len(seekers)), self.plan.rng)
        for member, unit in zip(seekers.tolist(), units.tolist(), strict=True):
            if unit >= 0:
                yield (self.id_of(User, member), TargetKind.UNIT, None, self.id_of(Unit, unit), None, "", "", 1, "")


def _distinct_numbers(rng: np.random.Generator, count: int, low: int, high: int) -> list[int]:
    numbers: list[int] = []
    seen: set[int] = set()
    while len(numbers) < count:
        for number in rng.integers(low, high, size=count).tolist():
            if number not in seen and len(numbers) < count:
                seen.add(number)
                numbers.append(number)
    return numbers


def _check_columns(model: type[models.Model], columns: list[str]) -> None:
    """Fail loudly if the model gained a required column the demo does not fill."""
    missing = [
        f.column
        for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and f.db_default is models.NOT_PROVIDED
    ]
    if missing:
        raise RuntimeError(f"The demo does not fill {model._meta.db_table}.{', '.join(missing)}; update network/demo.")
