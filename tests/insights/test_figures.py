"""The raw figures on a small hand-made dataset, number by number (before the group rule hides anything).

Six seekers, each telling one part of the story:

- Anna (IT, private, employee, woman): a meeting held on 10 January and her name passed on, a second
  request that reached the person; applied, interview, hired on 19 February through the meeting.
- Bo (IT, public, employee, man): a meeting held on 1 March; hired on 31 March through the advertised
  channel without recording an application.
- Cecilie (health, public, self-employed, woman): a request still with the connector; applied.
- Dorte (health, no sector or gender given, employee): a draft never sent; suggested to a decision-maker;
  an offer.
- Erik (nothing given): no activity at all.
- Frida (finance, private, employee, woman): hired on 1 April through a path, then a meeting held on 1 May.

Lars has outcomes but no seeker profile: he is in no scope but his own.
"""

import datetime

import pytest
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.insights import access, figures
from kaffebro.jobs.models import Credit, OutcomeKind, SuggestionState
from kaffebro.meetings.models import RequestState
from kaffebro.network.models import Organisation, Sector
from tests.insights.conftest import follow

pytestmark = pytest.mark.django_db
S = RequestState
K = OutcomeKind


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def story(build, lars, jonas):
    private = Organisation.objects.create(name="Privat ApS", sector=Sector.PRIVATE)
    public = Organisation.objects.create(name="Kommunen", sector=Sector.PUBLIC)
    anna = build.seeker("Anna", industry="it", sector_background="private", employment_form="employee", gender="woman")
    bo = build.seeker("Bo", industry="it", sector_background="public", employment_form="employee", gender="man")
    cecilie = build.seeker(
        "Cecilie", industry="health", sector_background="public", employment_form="self_employed", gender="woman"
    )
    dorte = build.seeker("Dorte", industry="health", employment_form="employee")
    erik = build.seeker("Erik")
    frida = build.seeker(
        "Frida", industry="finance", sector_background="private", employment_form="employee", gender="woman"
    )

    build.passed_on(build.meeting(anna, S.FOLLOWED_UP, starts=at(2026, 1, 10), connector=jonas))
    build.meeting(anna, S.SCHEDULING)
    build.outcome(anna, K.APPLIED, datetime.date(2026, 1, 20), credit=Credit.MEETING)
    build.outcome(anna, K.INTERVIEW, datetime.date(2026, 2, 1), credit=Credit.MEETING)
    build.outcome(
        anna, K.HIRED, datetime.date(2026, 2, 19), credit=Credit.MEETING, organisation=private, connector=jonas
    )

    build.meeting(bo, S.HELD, starts=at(2026, 3, 1))
    build.outcome(bo, K.HIRED, datetime.date(2026, 3, 31), organisation=public)

    build.meeting(cecilie, S.WITH_CONNECTOR, connector=jonas)
    build.outcome(cecilie, K.APPLIED, datetime.date(2026, 2, 2))
    build.outcome(cecilie, K.DECLINED, datetime.date(2026, 2, 20))

    build.meeting(dorte, S.DRAFT)
    build.suggestion(dorte)
    build.suggestion(erik, SuggestionState.AWAITING_CONSENT)  # never reached the decision-maker
    build.outcome(dorte, K.OFFER, datetime.date(2026, 3, 3), credit=Credit.SUGGESTION)

    build.outcome(frida, K.HIRED, datetime.date(2026, 4, 1), credit=Credit.PATH)
    build.meeting(frida, S.HELD, starts=at(2026, 5, 1))

    build.outcome(lars, K.HIRED, datetime.date(2026, 1, 1))
    return {"anna": anna, "bo": bo, "cecilie": cecilie, "dorte": dorte, "erik": erik, "frida": frida}


def all_seekers():
    return User.objects.filter(seeker_profile__isnull=False)


class TestFunnel:
    def test_every_step_counts_the_seekers_who_reached_it(self, story):
        total = figures.compute(all_seekers()).total
        assert total.seekers == 6
        assert dict(total.steps) == {
            "asked": 4,  # Anna, Bo, Cecilie, Frida (Dorte's draft was never sent)
            "made": 3,  # Anna, Bo, Frida (Cecilie's request is still with the connector)
            "held": 3,
            "passed_on": 2,  # Anna after her meeting, Dorte by a suggestion
            "applied": 5,  # a later step counts as an application too: Bo and Frida were hired, Dorte has an offer
            "interview": 4,
            "offer": 4,
            "hired": 3,
        }

    def test_conversion_counts_who_reached_both_a_step_and_the_one_before(self, story):
        both = figures.compute(all_seekers()).total.both
        assert dict(both) == {
            "made": 3,
            "held": 3,
            "passed_on": 1,  # only Anna had both a meeting held and her name passed on
            "applied": 2,  # Anna and Dorte
            "interview": 4,
            "offer": 4,
            "hired": 3,
        }

    def test_hires_through_the_network_and_the_advertised_channel(self, story):
        total = figures.compute(all_seekers()).total
        assert (total.network, total.advertised) == (2, 1)  # Anna and Frida; Bo

    def test_days_from_the_first_meeting_held_to_the_hire(self, story):
        total = figures.compute(all_seekers()).total
        # Anna 40 days, Bo 30; Frida was hired before her first meeting and has no such figure.
        assert sorted(total.days) == [30, 40]
        assert total.median_days == 35

    def test_the_median_of_an_odd_number_is_the_middle_one(self, build):
        for days in (3, 10, 50):
            seeker = build.seeker()
            build.meeting(seeker, S.HELD, starts=at(2026, 1, 1))
            build.outcome(seeker, K.HIRED, datetime.date(2026, 1, 1) + datetime.timedelta(days=days))
        assert figures.compute(all_seekers()).total.median_days == 10

    def test_the_first_meeting_and_the_first_hire_count(self, build):
        seeker = build.seeker()
        build.meeting(seeker, S.HELD, starts=at(2026, 1, 5))
        build.meeting(seeker, S.HELD, starts=at(2026, 1, 1))
        build.outcome(seeker, K.HIRED, datetime.date(2026, 2, 1))
        build.outcome(seeker, K.HIRED, datetime.date(2026, 1, 11))
        assert figures.compute(all_seekers()).total.days == [10]

    def test_a_meeting_late_in_the_evening_counts_on_its_danish_date(self, build):
        seeker = build.seeker()
        build.meeting(seeker, S.HELD, starts=timezone.make_aware(datetime.datetime(2026, 1, 1, 23, 30)))
        build.outcome(seeker, K.HIRED, datetime.date(2026, 1, 2))
        assert figures.compute(all_seekers()).total.days == [1]


class TestBreakdowns:
    def test_by_industry(self, story):
        groups = figures.compute(all_seekers()).breakdowns["industry"]
        assert {value: tally.seekers for value, tally in groups.items()} == {"it": 2, "health": 2, "finance": 1, "": 1}
        assert groups["it"].steps["hired"] == 2
        assert (groups["it"].network, groups["it"].advertised) == (1, 1)
        assert sorted(groups["it"].days) == [30, 40]
        assert groups["health"].steps["passed_on"] == 1  # Dorte; Anna is in IT
        assert groups["health"].both["applied"] == 1  # Dorte: name passed on and (an offer, so) applied

    def test_by_sector_background(self, story):
        groups = figures.compute(all_seekers()).breakdowns["sector"]
        assert {value: tally.seekers for value, tally in groups.items()} == {"private": 2, "public": 2, "": 2}
        assert groups["private"].steps["hired"] == 2
        assert groups["public"].steps["applied"] == 2

    def test_by_employment_form(self, story):
        groups = figures.compute(all_seekers()).breakdowns["employment"]
        assert {value: tally.seekers for value, tally in groups.items()} == {"employee": 4, "self_employed": 1, "": 1}
        assert groups["employee"].steps["asked"] == 3

    def test_by_gender(self, story):
        groups = figures.compute(all_seekers()).breakdowns["gender"]
        assert {value: tally.seekers for value, tally in groups.items()} == {"woman": 3, "man": 1, "": 2}
        assert groups["woman"].steps["hired"] == 2
        assert groups["woman"].network == 2

    def test_every_breakdown_adds_up_to_the_total(self, story):
        result = figures.compute(all_seekers())
        for groups in result.breakdowns.values():
            assert sum(tally.seekers for tally in groups.values()) == result.total.seekers
            for step in figures.STEPS:
                assert sum(tally.steps[step] for tally in groups.values()) == result.total.steps[step]

    def test_by_the_sector_of_the_hiring_organisation(self, story):
        sectors = {row.sector: (row.hired, row.network) for row in figures.compute(all_seekers()).hire_sectors}
        assert sectors == {"private": (1, 1), "public": (1, 0), "": (1, 1)}


class TestScopes:
    def test_a_coach_sees_only_the_seekers_who_let_her_follow_them(self, story, birthe):
        follow(birthe, story["anna"], story["bo"])
        follow(birthe, story["cecilie"], withdrawn=True)
        total = figures.compute(access.caseload(birthe).seekers).total
        assert total.seekers == 2
        assert total.steps["hired"] == 2
        assert total.steps["applied"] == 2  # not Cecilie's application: she took the access back

    def test_a_seeker_sees_herself(self, story):
        total = figures.compute(access.own(story["anna"]).seekers, hire_sectors=False).total
        assert total.seekers == 1
        assert all(total.steps[step] == 1 for step in figures.STEPS if step != "offer")
        assert total.steps["offer"] == 1  # the hire implies the offer
        assert total.days == [40]

    def test_a_member_without_a_seeker_profile_is_not_among_all_seekers(self, story, lars):
        assert figures.compute(all_seekers()).total.steps["hired"] == 3
        assert figures.compute(access.own(lars).seekers).total.steps["hired"] == 1

    def test_the_figures_take_two_queries(self, story, django_assert_num_queries):
        with django_assert_num_queries(2):
            figures.compute(all_seekers())
        with django_assert_num_queries(1):
            figures.compute(access.own(story["anna"]).seekers, hire_sectors=False)


class TestConnectorImpact:
    def test_counts_the_meetings_held_and_the_hires_credited(self, story, jonas):
        impact = figures.connector_impact(jonas)
        # Anna's meeting was held; Cecilie's request is still with Jonas and does not count.
        assert (impact.meetings, impact.hires) == (1, 1)

    def test_a_stranger_has_no_impact(self, story, lars):
        assert figures.connector_impact(lars) == figures.Impact(0, 0)
