"""The figures behind every insights page, computed in the database for a scope of seekers.

A scope is a queryset of members (all job seekers, a coach's caseload, or one seeker). Two
queries answer a whole page whatever the number of rows:

1. `_per_seeker_figures`: one row per seeker is built in SQL from her coffee-meeting requests,
   the names passed on and her outcomes (each grouped by seeker), and grouped again by the four
   segment fields of her profile, so at most 15 x 3 x 3 x 4 rows of counts come back; Python adds
   those up into the total and the four breakdowns. The same query lists, for each hired seeker
   with a meeting held, her first meeting and her first hire (bounded by the number of hired
   seekers): the medians are taken in Python, the same way on SQLite and PostgreSQL.
2. `_hire_sectors`: hired seekers by the sector of the organisation that hired them.

The definitions are in docs/insights.md. Nothing here hides anything: the group rule is applied
to these raw counts by `suppression.py`, before anything reaches a page or a file.
"""

from __future__ import annotations

import datetime
import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from kaffebro.accounts.models import User
from kaffebro.jobs.models import Credit, Outcome, OutcomeKind, Suggestion, SuggestionState
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, RequestState
from kaffebro.meetings.models import OutcomeKind as MeetingOutcomeKind
from kaffebro.network.models import EmploymentForm, Gender, Industry, SectorBackground

# The funnel, in order. Each step counts the seekers who reached it (see STEP_SQL).
STEPS = ("asked", "made", "held", "passed_on", "applied", "interview", "offer", "hired")

HELD = (RequestState.HELD, RequestState.FOLLOWED_UP)
# A suggestion in these states never reached the decision-maker.
SUGGESTION_NOT_SENT = (SuggestionState.AWAITING_CONSENT, SuggestionState.CANCELLED)

# The breakdowns by the seeker's profile: name -> (profile field, its choices), in the order of the SQL rows.
DIMENSIONS = {
    "industry": ("industry", Industry),
    "sector": ("sector_background", SectorBackground),
    "employment": ("employment_form", EmploymentForm),
    "gender": ("gender", Gender),
}
NOT_GIVEN = ""  # a segment the seeker left empty (or a member without a seeker profile) is its own group

# How far a seeker got on the network side (`net`, from her requests) and the application side (`job`, from her
# outcomes): a later step implies the earlier ones of the same side, so a hire counts as application, interview
# and offer too. `passed` is 1 when her name was passed on after a meeting or suggested to a decision-maker.
STEP_SQL = {
    "asked": "net >= 1",
    "made": "net >= 2",
    "held": "net >= 3",
    "passed_on": "passed = 1",
    "applied": "job >= 1",
    "interview": "job >= 2",
    "offer": "job >= 3",
    "hired": "job >= 4",
}
JOB_RANK = {OutcomeKind.APPLIED: 1, OutcomeKind.INTERVIEW: 2, OutcomeKind.OFFER: 3, OutcomeKind.HIRED: 4}


@dataclass
class Tally:
    """The raw counts for one group of seekers: none of these is shown before the group rule ran."""

    seekers: int = 0
    steps: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    # Seekers at a step who had also reached the step before it (the numerator of its conversion).
    both: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS[1:], 0))
    network: int = 0  # hired seekers with at least one hire credited to the network
    days: list[int] = field(default_factory=list)  # days from first coffee meeting held to first hire

    @property
    def advertised(self) -> int:
        """Hired seekers none of whose hires is credited to the network."""
        return self.steps["hired"] - self.network

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    def add(self, seekers: int, steps: dict[str, int], both: dict[str, int], network: int) -> None:
        self.seekers += seekers
        for step, count in steps.items():
            self.steps[step] += count
        for step, count in both.items():
            self.both[step] += count
        self.network += network


@dataclass
class SectorTally:
    """Hired seekers by the sector of the organisation that hired them ("" when not recorded)."""

    sector: str
    hired: int
    network: int

    @property
    def advertised(self) -> int:
        return self.hired - self.network


@dataclass
class Figures:
    total: Tally
    # dimension -> {group value: tally}, only groups with at least one seeker
    breakdowns: dict[str, dict[str, Tally]]
    hire_sectors: list[SectorTally]


def compute(seekers: QuerySet[User], *, hire_sectors: bool = True) -> Figures:
    """Every figure for these seekers, in two queries (one without the sectors of hires)."""
    total = Tally()
    breakdowns: dict[str, dict[str, Tally]] = {name: {} for name in DIMENSIONS}
    counts, durations = _per_seeker_figures(seekers)
    for segments, seeker_count, steps, both, network in counts:
        for tally in _tallies(total, breakdowns, segments):
            tally.add(seeker_count, steps, both, network)
    for segments, days in durations:
        for tally in _tallies(total, breakdowns, segments):
            tally.days.append(days)
    sectors = _hire_sectors(seekers) if hire_sectors else []
    return Figures(total, breakdowns, sectors)


def _tallies(total: Tally, breakdowns: dict[str, dict[str, Tally]], segments: tuple[str, ...]) -> Iterable[Tally]:
    yield total
    for name, value in zip(DIMENSIONS, segments, strict=True):
        yield breakdowns[name].setdefault(value or NOT_GIVEN, Tally())


# 1. One row per seeker, in SQL, grouped by segment.


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _parts(seekers: QuerySet[User]) -> list[tuple[str, str, QuerySet]]:
    """The per-seeker pieces as ORM querysets: (CTE name, its columns, the query).

    Each piece is filtered on the scope's own query, not on the `scope_seeker` CTE: PostgreSQL has
    no statistics for a CTE, and joins on one are misestimated by orders of magnitude (which, on
    100,000 outcomes, made it spend seconds compiling the query with JIT)."""
    in_scope = seekers.order_by().values("pk")
    scope = seekers.order_by().values_list(
        "pk", *(f"seeker_profile__{field_name}" for field_name, _choices in DIMENSIONS.values())
    )
    net = (
        MeetingRequest.objects.filter(seeker__in=in_scope, first_sent__isnull=False)
        .order_by()
        .values("seeker")
        .annotate(
            step=Max(
                Case(
                    When(state__in=HELD, then=Value(3)),
                    When(reached_person__isnull=False, then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ),
            first_coffee=Min("starts", filter=Q(state__in=HELD)),
        )
        .values_list("seeker", "step", "first_coffee")
    )
    passed = (
        MeetingOutcome.objects.filter(kind=MeetingOutcomeKind.NAME_PASSED_ON, request__seeker__in=in_scope)
        .order_by()
        .values_list("request__seeker")
        .union(
            Suggestion.objects.filter(seeker__in=in_scope)
            .exclude(state__in=SUGGESTION_NOT_SENT)
            .order_by()
            .values_list("seeker")
        )
    )
    job = (
        Outcome.objects.filter(seeker__in=in_scope, kind__in=list(JOB_RANK))
        .order_by()
        .values("seeker")
        .annotate(
            step=Max(
                Case(
                    *(When(kind=kind, then=Value(rank)) for kind, rank in JOB_RANK.items()),
                    output_field=IntegerField(),
                )
            ),
            network=Max(
                Case(
                    When(Q(kind=OutcomeKind.HIRED) & ~Q(credit=Credit.ADVERTISED), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            first_hire=Min("date", filter=Q(kind=OutcomeKind.HIRED)),
        )
        .values_list("seeker", "step", "network", "first_hire")
    )
    return [
        ("scope_seeker", "id, industry, sector_background, employment_form, gender", scope),
        ("net_step", "seeker_id, step, first_coffee", net),
        ("name_passed", "seeker_id", passed),
        ("job_step", "seeker_id, step, network, first_hire", job),
    ]


SEGMENT_COLUMNS = "industry, sector_background, employment_form, gender"
FACTS = """
facts AS (
  SELECT COALESCE(s.industry, '') AS industry, COALESCE(s.sector_background, '') AS sector_background,
         COALESCE(s.employment_form, '') AS employment_form, COALESCE(s.gender, '') AS gender,
         COALESCE(n.step, 0) AS net, CASE WHEN p.seeker_id IS NULL THEN 0 ELSE 1 END AS passed,
         COALESCE(j.step, 0) AS job, COALESCE(j.network, 0) AS network, n.first_coffee, j.first_hire
  FROM scope_seeker s
  LEFT JOIN net_step n ON n.seeker_id = s.id
  LEFT JOIN name_passed p ON p.seeker_id = s.id
  LEFT JOIN job_step j ON j.seeker_id = s.id
)"""
COUNTS, DURATION = 0, 1  # the two kinds of rows the query answers


def _select_sql() -> str:
    """Rows of counts per combination of segments, then a row per seeker with a meeting held and a hire."""

    def seekers_where(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    columns = [seekers_where(STEP_SQL[step]) for step in STEPS]
    columns += [seekers_where(f"{STEP_SQL[before]} AND {STEP_SQL[step]}") for before, step in _pairs()]
    columns.append(seekers_where(f"{STEP_SQL['hired']} AND network = 1"))
    nulls = ", ".join(["NULL"] * (len(columns) + 1))
    return (
        f"SELECT {COUNTS}, {SEGMENT_COLUMNS}, COUNT(*), {', '.join(columns)}, NULL, NULL "
        f"FROM facts GROUP BY {SEGMENT_COLUMNS} "
        f"UNION ALL SELECT {DURATION}, {SEGMENT_COLUMNS}, {nulls}, first_coffee, first_hire "
        "FROM facts WHERE first_coffee IS NOT NULL AND first_hire IS NOT NULL"
    )


def _pairs() -> list[tuple[str, str]]:
    return list(itertools.pairwise(STEPS))


CountRow = tuple[tuple[str, ...], int, dict[str, int], dict[str, int], int]
DurationRow = tuple[tuple[str, ...], int]


def _per_seeker_figures(seekers: QuerySet[User]) -> tuple[list[CountRow], list[DurationRow]]:
    """One query: per combination of segments, the seekers, the seekers at each step and the hired through the
    network; and, for each hired seeker with a meeting held, her segments and the days from that first meeting to
    her first hire (a seeker hired before her first coffee meeting has no such figure)."""
    ctes: list[str] = []
    params: list[Any] = []
    for name, columns, queryset in _parts(seekers):
        sql, part_params = _sql(queryset)
        ctes.append(f"{name}({columns}) AS ({sql})")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)}, {FACTS} {_select_sql()}", params)
        rows = cursor.fetchall()
    counts: list[CountRow] = []
    durations: list[DurationRow] = []
    pairs = _pairs()
    for row in rows:
        kind, segments, (seeker_count, *numbers, first_coffee, first_hire) = row[0], tuple(row[1:5]), row[5:]
        if kind == DURATION:
            days = (_date(first_hire) - _local_date(first_coffee)).days
            if days >= 0:
                durations.append((segments, days))
            continue
        numbers = [int(number or 0) for number in numbers]
        steps = dict(zip(STEPS, numbers[: len(STEPS)], strict=True))
        both = {step: value for (_before, step), value in zip(pairs, numbers[len(STEPS) : -1], strict=True)}
        counts.append((segments, int(seeker_count), steps, both, numbers[-1]))
    return counts, durations


def _date(value: datetime.date | str) -> datetime.date:
    """A date column as the driver returns it: a date (PostgreSQL) or ISO text (SQLite)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _local_date(value: datetime.datetime | str) -> datetime.date:
    """The Danish date of a moment the driver returns as an aware datetime (PostgreSQL) or UTC text (SQLite)."""
    moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return timezone.localdate(moment)


# 2. Hired seekers by the sector of the hiring organisation.


def _hire_sectors(seekers: QuerySet[User]) -> list[SectorTally]:
    """A seeker hired in two sectors counts in each; one hired twice in the same sector counts once. The jobs app
    stores the organisation of every outcome it knows the place of; a job field has none ("")."""
    rows = (
        Outcome.objects.filter(kind=OutcomeKind.HIRED, seeker__in=seekers.order_by().values("pk"))
        .order_by()
        .values(hiring_sector=Coalesce("organisation__sector", Value("")))
        .annotate(
            hired=Count("seeker", distinct=True),
            network=Count("seeker", distinct=True, filter=~Q(credit=Credit.ADVERTISED)),
        )
        .values_list("hiring_sector", "hired", "network")
    )
    return [SectorTally(sector, hired, network) for sector, hired, network in rows]


# The connector's own impact.


@dataclass(frozen=True)
class Impact:
    meetings: int  # coffee meetings held after the connector introduced someone
    hires: int  # hires credited to the connector

    @property
    def text(self) -> str:
        """ "Your introductions led to 6 coffee meetings and 1 hire", in the member's language."""
        if not (self.meetings or self.hires):
            return gettext("Your introductions have not led to a coffee meeting yet.")
        meetings = ngettext("%(count)s coffee meeting", "%(count)s coffee meetings", self.meetings) % {
            "count": self.meetings
        }
        hires = ngettext("%(count)s hire", "%(count)s hires", self.hires) % {"count": self.hires}
        return gettext("Your introductions led to %(meetings)s and %(hires)s.") % {"meetings": meetings, "hires": hires}


def connector_impact(user: User) -> Impact:
    """What the member's own introductions led to: counts only, never who."""
    return Impact(
        meetings=MeetingRequest.objects.filter(connector=user, state__in=HELD).count(),
        hires=Outcome.objects.filter(connector=user, kind=OutcomeKind.HIRED).count(),
    )
