"""The group rule: no figure about fewer than five people is shown, or can be worked out by subtraction.

Proved three ways: the rule itself on small grids; every breakdown and the funnel on real data with
groups of 4 and 5 (a group of 5 is shown, a group of 4 is "too few to show", and so is the next
smallest group, which would give it away); and, with Hypothesis, any dataset at all.
"""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kaffebro.accounts.models import User
from kaffebro.insights import access
from kaffebro.insights.figures import DIMENSIONS, NOT_GIVEN, STEPS, Figures, SectorTally, Tally
from kaffebro.insights.report import Grid, group_report, report_for
from kaffebro.insights.suppression import Sum, check_minimum, hidden_cells
from kaffebro.jobs.models import Credit, OutcomeKind
from kaffebro.meetings.models import RequestState
from kaffebro.network.models import Organisation, Sector
from tests.insights.conftest import follow

TOO_FEW = "too few to show"


# The rule on small grids.


class TestTheRule:
    def test_a_count_under_the_minimum_is_hidden_and_zero_is_under_it(self):
        values = {("a", "n"): 5, ("b", "n"): 4, ("c", "n"): 0}
        assert hidden_cells(values, [], {}, 5) == {("b", "n"), ("c", "n")}

    def test_one_hidden_part_of_a_sum_hides_the_smallest_other_part(self):
        values = {("all", "n"): 24, ("a", "n"): 4, ("b", "n"): 9, ("c", "n"): 11}
        sums = [Sum(("all", "n"), (("a", "n"), ("b", "n"), ("c", "n")))]
        assert hidden_cells(values, sums, {}, 5) == {("a", "n"), ("b", "n")}

    def test_two_hidden_parts_are_left_alone(self):
        values = {("all", "n"): 27, ("a", "n"): 4, ("b", "n"): 3, ("c", "n"): 20}
        sums = [Sum(("all", "n"), (("a", "n"), ("b", "n"), ("c", "n")))]
        assert hidden_cells(values, sums, {}, 5) == {("a", "n"), ("b", "n")}

    def test_the_total_is_hidden_only_when_no_part_is_left_to_hide(self):
        values = {("all", "n"): 9, ("a", "n"): 9}
        assert hidden_cells(values, [Sum(("all", "n"), (("a", "n"),))], {}, 10) == {("all", "n"), ("a", "n")}
        values = {("all", "n"): 12, ("a", "n"): 3, ("b", "n"): 9}
        assert ("all", "n") not in hidden_cells(values, [Sum(("all", "n"), (("a", "n"), ("b", "n")))], {}, 5)

    def test_a_hidden_group_size_hides_the_whole_row(self):
        # b is too small; a is hidden so b cannot be worked out from the total, and a's figures go with it.
        values = {("all", "seekers"): 10, ("a", "seekers"): 6, ("a", "asked"): 5, ("b", "seekers"): 4}
        sums = [Sum(("all", "seekers"), (("a", "seekers"), ("b", "seekers")))]
        anchors = {"all": "seekers", "a": "seekers", "b": "seekers"}
        assert hidden_cells(values, sums, anchors, 5) == {("a", "seekers"), ("a", "asked"), ("b", "seekers")}

    def test_hiding_goes_on_until_nothing_can_be_worked_out(self):
        # b is hidden for being small; that hides c in the first sum, and c hides d in the second.
        values = {("t", "x"): 20, ("b", "x"): 2, ("c", "x"): 8, ("e", "x"): 10, ("t2", "x"): 30, ("d", "x"): 22}
        sums = [
            Sum(("t", "x"), (("b", "x"), ("c", "x"), ("e", "x"))),
            Sum(("t2", "x"), (("c", "x"), ("d", "x"))),
        ]
        assert hidden_cells(values, sums, {}, 5) == {("b", "x"), ("c", "x"), ("d", "x")}

    def test_the_minimum_may_be_raised_but_never_lowered_below_five(self, settings):
        settings.INSIGHTS_MIN_GROUP = 10
        assert check_minimum() == []
        settings.INSIGHTS_MIN_GROUP = 4
        assert [message.id for message in check_minimum()] == ["insights.E001"]

    def test_no_minimum_hides_nothing(self):
        assert hidden_cells({("a", "n"): 0, ("b", "n"): 1}, [], {}, 0) == frozenset()


# Every breakdown and the funnel on real data.

SEGMENT_FIELDS = {name: field_name for name, (field_name, _choices) in DIMENSIONS.items()}
# Three groups of each breakdown, the last of them "not given" where the choices leave room.
GROUPS = {
    "industry": ("it", "health", NOT_GIVEN),
    "sector": ("public", "private", NOT_GIVEN),
    "employment": ("employee", "self_employed", NOT_GIVEN),
    "gender": ("woman", "man", "other"),
}


def seekers_in(build, dimension: str, sizes: dict[str, int]) -> None:
    for value, size in sizes.items():
        build.seekers(size, **{SEGMENT_FIELDS[dimension]: value})


def rows_of(section) -> dict[str, list[str]]:
    return {label: [str(cell) for cell in cells] for label, cells in section.table.rows}


def label(dimension: str, value: str) -> str:
    return "Not given" if value == NOT_GIVEN else str(dict(DIMENSIONS[dimension][1].choices)[value])


@pytest.fixture
def operator_report(olga):
    def report():
        with translation.override("en"):
            return report_for(access.all_seekers(olga))

    return report


@pytest.mark.django_db
@pytest.mark.parametrize("dimension", list(DIMENSIONS))
class TestEveryBreakdown:
    def test_a_group_of_five_is_shown(self, build, operator_report, dimension):
        small, large, _rest = GROUPS[dimension]
        seekers_in(build, dimension, {small: 5, large: 6})
        with translation.override("en"):
            rows = rows_of(operator_report().section(dimension))
            assert rows[label(dimension, small)][0] == "5"
            assert rows[label(dimension, large)][0] == "6"

    def test_a_group_of_four_is_too_few_and_hides_the_next_smallest_too(self, build, operator_report, dimension):
        small, middle, large = GROUPS[dimension]
        seekers_in(build, dimension, {small: 4, middle: 6, large: 7})
        with translation.override("en"):
            report = operator_report()
            rows = rows_of(report.section(dimension))
            csv_text = report.section(dimension).table.csv().decode("utf-8-sig")
            # The group of 4 and, so that it cannot be worked out from the total of 17, the group of 6.
            assert set(rows[label(dimension, small)]) == {TOO_FEW}
            assert set(rows[label(dimension, middle)]) == {TOO_FEW}
            assert rows[label(dimension, large)][0] == "7"
            assert f"{label(dimension, small)};{TOO_FEW};" in csv_text
            assert f"{label(dimension, large)};7;" in csv_text
            assert "4" not in {cell for cells in rows.values() for cell in cells}

    def test_a_step_count_of_four_in_a_group_is_hidden_with_its_complement(self, build, operator_report, dimension):
        small, middle, large = GROUPS[dimension]
        seekers_in(build, dimension, {small: 6, middle: 7, large: 8})
        hires = {small: 4, middle: 5, large: 6}
        for value, count in hires.items():
            profile_field = f"seeker_profile__{SEGMENT_FIELDS[dimension]}"
            for seeker in build_seekers_where(profile_field, value)[:count]:
                build.outcome(seeker, OutcomeKind.HIRED, credit=Credit.MEETING)
        with translation.override("en"):
            rows = rows_of(operator_report().section(dimension))
            hired = 1 + STEPS.index("hired")
            assert rows[label(dimension, small)][hired] == TOO_FEW  # 4 hired
            assert rows[label(dimension, middle)][hired] == TOO_FEW  # 5, but 15 - 6 - 5 would give the 4 away
            assert rows[label(dimension, large)][hired] == "6"
            assert rows[label(dimension, large)][0] == "8"  # the group itself is large enough


def build_seekers_where(profile_field: str, value: str) -> list[User]:
    return list(User.objects.filter(**{profile_field: value}).order_by("pk"))


@pytest.mark.django_db
class TestTheFunnel:
    def test_a_step_of_five_is_shown_and_a_step_of_four_is_not(self, build, operator_report):
        seekers = build.seekers(9)
        for seeker in seekers[:5]:
            meeting = build.meeting(seeker, RequestState.HELD)
            if seeker in seekers[:4]:
                build.passed_on(meeting)
        with translation.override("en"):
            rows = rows_of(operator_report().section("funnel"))
            assert rows["Coffee meeting held"] == ["5", "100 %"]
            assert rows["Name passed on"] == [TOO_FEW, TOO_FEW]
            assert rows["Hired"] == [TOO_FEW, TOO_FEW]  # nobody: zero is fewer than five too

    def test_a_conversion_is_hidden_when_fewer_than_five_took_both_steps(self, build, operator_report):
        seekers = build.seekers(12)
        for seeker in seekers[:6]:  # six had their name passed on ...
            build.suggestion(seeker)
        for seeker in [*seekers[:4], *seekers[6:12]]:  # ... ten applied, four of them after that
            build.outcome(seeker, OutcomeKind.APPLIED)
        with translation.override("en"):
            rows = rows_of(operator_report().section("funnel"))
            assert rows["Name passed on"][0] == "6"
            assert rows["Application sent"] == ["10", TOO_FEW]

    def test_a_channel_of_four_hides_the_other_channel_and_the_share(self, build, operator_report):
        seekers = build.seekers(10)
        for index, seeker in enumerate(seekers):
            build.outcome(seeker, OutcomeKind.HIRED, credit=Credit.ADVERTISED if index < 4 else Credit.PATH)
        with translation.override("en"):
            report = operator_report()
            rows = rows_of(report.section("channel"))
            assert rows["All hired seekers"][0] == "10"
            assert rows["Through the network"] == [TOO_FEW, TOO_FEW]
            assert rows["The advertised channel"] == [TOO_FEW, TOO_FEW]
            assert {figure.text for figure in report.key_figures if figure.label == "Hires through the network"} == {
                TOO_FEW
            }

    def test_the_median_needs_five_hired_seekers(self, build, operator_report):
        def hire_twelve_days_after_coffee(count: int) -> None:
            for seeker in build.seekers(count):
                build.meeting(seeker, RequestState.HELD, starts=timezone.make_aware(datetime.datetime(2026, 1, 1, 10)))
                build.outcome(seeker, OutcomeKind.HIRED, datetime.date(2026, 1, 13))

        def median() -> str:
            with translation.override("en"):
                figures = {figure.label: figure.text for figure in operator_report().key_figures}
            return figures["Median days from the first coffee meeting to the hire"]

        hire_twelve_days_after_coffee(4)
        assert median() == TOO_FEW
        hire_twelve_days_after_coffee(1)
        assert median() == "12"

    def test_the_sectors_of_hires_follow_the_rule(self, build, operator_report):
        public = Organisation.objects.create(name="Styrelsen", sector=Sector.PUBLIC)
        private = Organisation.objects.create(name="Firmaet", sector=Sector.PRIVATE)
        for index, seeker in enumerate(build.seekers(14)):
            organisation = public if index < 4 else private
            build.outcome(seeker, OutcomeKind.HIRED, organisation=organisation, credit=Credit.PATH)
        with translation.override("en"):
            rows = rows_of(operator_report().section("hire-sector"))
            assert rows["Public"] == [TOO_FEW] * 4
            assert rows["Private"][0] == TOO_FEW  # 10, but 14 - 10 would give the 4 away


@pytest.mark.django_db
def test_a_coach_with_four_seekers_sees_no_figure(build, birthe):
    seekers = build.seekers(4, gender="woman")
    follow(birthe, *seekers)
    for seeker in seekers:
        build.outcome(seeker, OutcomeKind.HIRED)
    with translation.override("en"):
        report = report_for(access.caseload(birthe))
        for section in report.sections:
            assert all(cell.hidden for _label, cells in section.table.rows for cell in cells), section.slug
        assert {figure.text for figure in report.key_figures} == {TOO_FEW}


# Any dataset at all.


def random_figures(seed: int, seekers: int) -> Figures:
    """Figures as the database would give them, from random seekers (each step implies the ones before it on
    its side, as in STEP_SQL), so every breakdown adds up to the total."""
    rng = random.Random(seed)
    total = Tally()
    breakdowns: dict[str, dict[str, Tally]] = {name: {} for name in DIMENSIONS}
    sectors: dict[str, list[int]] = {}
    for _ in range(seekers):
        segments = [rng.choice([NOT_GIVEN, *choices.values[:3]]) for _field, choices in DIMENSIONS.values()]
        net, passed, job = rng.choice([0, 0, 1, 2, 3]), rng.random() < 0.3, rng.choice([0, 0, 1, 2, 3, 4])
        reached = {
            "asked": net >= 1,
            "made": net >= 2,
            "held": net >= 3,
            "passed_on": passed,
            "applied": job >= 1,
            "interview": job >= 2,
            "offer": job >= 3,
            "hired": job >= 4,
        }
        steps = {step: int(reached[step]) for step in STEPS}
        both = {step: int(reached[step] and reached[before]) for before, step in itertools.pairwise(STEPS)}
        network = int(job >= 4 and rng.random() < 0.6)
        groups = [breakdowns[name].setdefault(value, Tally()) for name, value in zip(DIMENSIONS, segments, strict=True)]
        tallies = [total, *groups]
        for tally in tallies:
            tally.add(1, steps, both, network)
            if job >= 4 and net >= 3:
                tally.days.append(rng.randrange(100))
        if job >= 4:
            counts = sectors.setdefault(rng.choice(["", *Sector.values]), [0, 0])
            counts[0] += 1
            counts[1] += network
    hire_sectors = [SectorTally(sector, hired, network) for sector, (hired, network) in sectors.items()]
    return Figures(total, breakdowns, hire_sectors)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), seekers=st.integers(0, 120), minimum=st.integers(2, 8))
def test_no_shown_figure_counts_too_few_and_none_can_be_worked_out(seed, seekers, minimum):
    grid = Grid(random_figures(seed, seekers), minimum)
    shown = {cell: value for cell, value in grid.values.items() if cell not in grid.hidden}
    assert all(value >= minimum for value in shown.values())
    for item in grid.sums:
        cells = (item.total, *item.parts)
        assert sum(cell in grid.hidden for cell in cells) != 1, item
    for row, anchor in grid.anchors.items():
        if (row, anchor) in grid.hidden:
            assert all(cell in grid.hidden for cell in grid.values if cell[0] == row)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), seekers=st.integers(0, 120))
def test_the_report_never_shows_a_count_under_five(seed, seekers):
    report = group_report(random_figures(seed, seekers), 5, scope_name="all")
    for section in report.sections:
        for _label, cells in section.table.rows:
            assert all(cell.value >= 5 for cell in cells if cell.unit == "count" and not cell.hidden)
