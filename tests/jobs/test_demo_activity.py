"""The demo's activity: the story played through the actions, and a year of history the insights can show.

`manage.py demo` writes the network, then `network.demo.demo_loaded` lets the jobs app add its activity in the
same transaction (kaffebro/jobs/demo.py).
"""

import contextlib
import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.insights import access as insights_access
from kaffebro.insights.report import report_for, too_few
from kaffebro.jobs import demo as jobs_demo
from kaffebro.jobs.demo import MAX_HISTORY_SEEKERS, MIN_HISTORY_SEEKERS, history_size, login
from kaffebro.jobs.models import (
    CoachAccess,
    ConsentScope,
    Credit,
    Outcome,
    OutcomeKind,
    ProfileShare,
    ShareAnswer,
    ShareConsent,
    ShareState,
    Suggestion,
    SuggestionState,
)
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.network.demo.build import build_demo
from kaffebro.network.models import Organisation, Person, SeekerProfile, Visibility

pytestmark = pytest.mark.django_db

SYNTHETIC = "@members.kaffebro.example"


@pytest.fixture(autouse=True)
def development_server(settings):
    """pytest-django runs tests with DEBUG off; the demo logins are for development servers."""
    settings.DEBUG = True


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())


def kinds(actor_short: str) -> Counter:
    return Counter(Event.objects.filter(actor=login(actor_short)).values_list("kind", flat=True))


def test_coaching_coffee_and_consent_come_through_the_actions(demo):
    mette, henrik, birthe = login("mette"), login("henrik"), login("birthe")

    coached = CoachAccess.objects.filter(coach=birthe, withdrawn__isnull=True)
    assert {mette, henrik} <= {access.seeker for access in coached}
    coffee = MeetingRequest.objects.get(seeker=henrik, person_member=birthe)
    assert coffee.state == RequestState.FOLLOWED_UP
    assert (coffee.seeker_says_held, coffee.other_says_held) == (True, True)
    assert coffee.outcomes.filter(kind="name_passed_on").exists()
    consent = ShareConsent.objects.get(seeker=henrik, helper=birthe)
    assert consent.scope == ConsentScope.STANDING and consent.withdrawn is None
    assert kinds("henrik")["coaching.grant"] == 1
    assert kinds("henrik")["share.consent_granted"] == 1
    assert kinds("henrik")["meeting.confirm_held"] == 1 and kinds("birthe")["meeting.confirm_held"] == 1


def test_henriks_profile_is_in_play_toward_three_and_jonas_said_yes_to_coffee(demo):
    henrik, birthe, jonas = login("henrik"), login("birthe"), login("jonas")

    share = ProfileShare.objects.get(seeker=henrik, helper=birthe)
    assert share.state == ShareState.SENT
    recipients = list(share.recipients.all())
    assert len(recipients) == 3
    (member,) = [row for row in recipients if row.member is not None]
    assert member.member == jonas and member.answer == ShareAnswer.COFFEE
    assert member.meeting.seeker == henrik and member.meeting.person_member == jonas
    assert member.meeting.state == RequestState.SCHEDULING
    assert {row.answer for row in recipients if row.member is None} == {ShareAnswer.PENDING}
    assert kinds("birthe")["share.sent"] == 1 and kinds("jonas")["share.answered"] == 1


def test_jonas_suggestion_of_mette_waits_new_in_signes_inbox(demo):
    suggestion = Suggestion.objects.get(seeker=login("mette"), suggested_by=login("jonas"))

    assert suggestion.decision_maker == login("signe")
    assert suggestion.state == SuggestionState.NEW
    assert suggestion.posting.unit.name == "Digitalisering"
    assert kinds("jonas")["suggestion.made"] == 1


def test_henrik_has_an_application_and_an_interview_credited_to_ali(demo):
    henrik = login("henrik")

    recorded = Outcome.objects.filter(seeker=henrik).order_by("date")
    assert [outcome.kind for outcome in recorded] == [OutcomeKind.APPLIED, OutcomeKind.APPLIED, OutcomeKind.INTERVIEW]
    interview = recorded.last()
    assert (interview.credit, interview.connector) == (Credit.PATH, login("ali"))
    assert interview.target is not None and interview.target.organisation.name == "Vestenvind Energi A/S"
    assert kinds("henrik")["outcome.recorded"] == 3


def describe_history() -> dict:
    """What the history holds, by ids (the same in an empty database) and values, never codes."""
    synthetic = Person.objects.filter(member__email__endswith=SYNTHETIC).values("member")
    return {
        "profiles": list(
            SeekerProfile.objects.filter(user__in=synthetic)
            .order_by("user_id")
            .values_list("user_id", "industry", "sector_background", "employment_form", "gender")
        ),
        "meetings": list(
            MeetingRequest.objects.filter(seeker__in=synthetic)
            .order_by("seeker_id", "first_sent", "person_id")
            .values_list("seeker_id", "person_id", "connector_id", "state", "first_sent", "starts")
        ),
        "outcomes": list(
            Outcome.objects.filter(seeker__in=synthetic)
            .order_by("seeker_id", "date", "kind")
            .values_list("seeker_id", "kind", "date", "credit", "connector_id", "organisation_id")
        ),
    }


class _Rollback(Exception):
    pass


def history_of(seed: int) -> dict:
    with contextlib.suppress(_Rollback), transaction.atomic():
        build_demo(seed=seed)
        described = describe_history()
        raise _Rollback
    return described


def test_the_history_is_the_same_for_the_same_seed_and_differs_for_another():
    first, again, other = history_of(1), history_of(1), history_of(2)

    assert first == again
    assert first["outcomes"] and first["meetings"]
    assert first["outcomes"] != other["outcomes"]


def test_the_history_lies_in_the_past_year_and_keeps_the_rules_of_the_actions(demo):
    history = Outcome.objects.filter(seeker__email__endswith=SYNTHETIC)
    today = timezone.localdate()
    dates = list(history.values_list("date", flat=True))
    assert today - datetime.timedelta(days=365) <= min(dates) and max(dates) < today
    assert set(history.values_list("kind", flat=True)) >= {"applied", "interview", "offer", "hired"}
    assert not history.exclude(recorded_by=F("seeker")).exists()
    for outcome in history.exclude(credit=Credit.ADVERTISED).select_related("meeting"):
        assert outcome.meeting.seeker_id == outcome.seeker_id
        assert outcome.meeting.state in (RequestState.HELD, RequestState.FOLLOWED_UP)
        assert outcome.connector_id == outcome.meeting.connector_id
    assert not history.values("seeker", "kind").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert max(history.values("seeker").annotate(n=Count("id")).values_list("n", flat=True)) <= 4
    # The network's synthetic seekers are "på udkig"; the members who looked during the year are not shown as looking.
    synthetic_profiles = SeekerProfile.objects.filter(user__email__endswith=SYNTHETIC)
    looked = synthetic_profiles.exclude(headline__endswith="på udkig efter nye udfordringer")
    assert looked.count() >= MIN_HISTORY_SEEKERS // 2
    assert not looked.exclude(looking_visibility=Visibility.PRIVATE).exists()


def test_the_insights_of_all_seekers_show_groups_of_at_least_five(demo):
    report = report_for(insights_access.all_seekers(login("olga")))

    figures = {figure.label: figure.text for figure in report.key_figures}
    assert report.seekers.value >= MIN_HISTORY_SEEKERS
    funnel = report.section("funnel").table.rows
    shown = [cells[0].value for _label, cells in funnel]
    assert all(value is not None and value >= 5 for value in shown), funnel
    assert figures and all(text != too_few() for text in figures.values()), figures
    for breakdown in ("sector", "gender", "hire-sector"):
        rows = report.section(breakdown).table.rows
        assert any(cells[0].value is not None for _label, cells in rows), breakdown


def test_birthes_caseload_has_enough_people_for_its_insights(demo):
    report = report_for(insights_access.caseload(login("birthe")))

    assert report.seekers.value is not None and report.seekers.value >= 5


def test_the_history_grows_with_the_network_and_stops_at_the_cap():
    assert history_size(200) == MIN_HISTORY_SEEKERS
    assert history_size(10) == 10  # never more seekers than members
    assert history_size(10_000) == 3_000
    assert history_size(100_000) == MAX_HISTORY_SEEKERS
    assert MAX_HISTORY_SEEKERS * 4 <= 20_000  # at most four outcomes each


def test_a_failing_story_leaves_no_demo_behind(monkeypatch):
    def fail():
        raise RuntimeError("the story broke")

    monkeypatch.setattr(jobs_demo, "play_story", fail)
    with pytest.raises(RuntimeError, match="the story broke"):
        build_demo()

    assert not Organisation.objects.exists()
    assert not CoachAccess.objects.exists()


def test_demo_logins_says_what_to_try(demo):
    out = io.StringIO()
    with translation.override("en"):
        call_command("demo_logins", stdout=out)
    printed = out.getvalue()

    for hint in ("inbox", "caseload", "insights", "pipeline"):
        assert hint in printed.lower(), hint
