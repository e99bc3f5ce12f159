"""The seeker's pipeline: each stage read from its facts, the next step, the timeline, and the page.

Mette aims at Digitalisering, where Sofie decides; the best way in goes through Jonas. Each test
puts her search at one stage and checks the stage the pipeline computes and the next step it says.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kaffebro.jobs.actions import outcomes as outcome_actions
from kaffebro.jobs.actions import shares as share_actions
from kaffebro.jobs.models import CoachNote, Credit, Outcome
from kaffebro.jobs.pipeline import pipeline_of
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, PrepBrief, RequestState
from kaffebro.meetings.models import OutcomeKind as MeetingOutcomeKind
from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Person, Position, Target, TargetKind, Unit
from kaffebro.paths.tokens import read_way_in
from tests.jobs.conftest import share_card, suggestion_of
from tests.meetings.conftest import GOOD_EN
from tests.meetings.request_cast import request_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(mette):
    mette.language = "en"
    mette.save(update_fields=["language"])
    return mette


def row_of(seeker, target):
    """The target's row of the seeker's pipeline, in English."""
    with translation.override("en"):
        return next(row for row in pipeline_of(seeker).rows if row.placed.target == target)


def outcome(mette, target, kind, days_ago=0, **options):
    options.setdefault("credit", Credit.ADVERTISED)
    date = timezone.localdate() - datetime.timedelta(days=days_ago)
    return outcome_actions.record_outcome(mette, mette, kind, date=date, target=target, **options)


@pytest.fixture
def karen(region_h, digitalisering):
    """Karen works in Digitalisering and is not a member."""
    person = Person.objects.create(name="Karen Vestergaard")
    Position.objects.create(person=person, organisation=region_h, unit=digitalisering, title="Dataarkitekt")
    return person


class TestStages:
    def test_no_way_in_yet(self, english, lars):
        far = Organisation.objects.create(name="Fjernt Firma")
        target = Target.objects.create(seeker=english, kind=TargetKind.ORGANISATION, organisation=far)
        row = row_of(english, target)
        assert row.stage is None
        assert row.next_step.text == "Add people you know who work there, or ask your contacts whom they know"
        assert row.next_step.url == reverse("paths:target", args=[target.code])

    def test_ways_in_found_asks_for_the_brief_first(self, english, target):
        row = row_of(english, target)
        assert row.stage == "ways_in" and row.ways.count == 1
        assert row.next_step.text == "Write your preparation brief"
        assert row.next_step.url == reverse("meetings:brief", args=[target.code])

    def test_a_brief_that_is_not_ready_still_asks_for_the_brief(self, english, target):
        PrepBrief.objects.create(seeker=english, target=target, knowledge="TODO")
        assert row_of(english, target).next_step.text == "Write your preparation brief"

    def test_with_a_ready_brief_ask_the_first_person_on_the_best_way_in(self, english, target, brief, jonas, sofie):
        row = row_of(english, target)
        assert row.next_step.text == "Ask Jonas Berg for an introduction"
        url = urlsplit(row.next_step.url)
        assert url.path == reverse("meetings:start")
        _spec, persons = read_way_in(english.pk, parse_qs(url.query)["way"][0])
        assert persons == (jonas.person.pk, sofie.person.pk)

    def test_a_draft_never_sent_is_to_be_sent(self, english, jonas, sofie, brief, target):
        draft = request_in(RequestState.DRAFT, english, jonas, sofie, brief)
        row = row_of(english, target)
        assert row.stage == "ways_in"
        assert row.next_step.url == reverse("meetings:request", args=[draft.code])
        assert row.next_step.text.startswith("Send your request to")

    def test_intro_asked_waits_for_the_connector(self, english, jonas, sofie, brief, target):
        request_in(RequestState.WITH_CONNECTOR, english, jonas, sofie, brief)
        row = row_of(english, target)
        assert row.stage == "intro_asked"
        assert row.next_step.text == "Wait for Jonas Berg to answer your request"

    def test_a_meeting_that_has_begun_asks_how_it_went(self, english, jonas, sofie, brief, target):
        meeting = request_in(RequestState.SCHEDULED, english, jonas, sofie, brief)
        row = row_of(english, target)
        assert row.stage == "intro_asked"
        assert (row.next_step.text, row.next_step.url) == (
            "Record how the meeting went",
            reverse("meetings:request", args=[meeting.code]),
        )

    def test_a_meeting_to_come_says_when(self, english, jonas, sofie, brief, target):
        meeting = request_in(RequestState.SCHEDULED, english, jonas, sofie, brief)
        later = timezone.now() + datetime.timedelta(days=3)
        MeetingRequest.objects.filter(pk=meeting.pk).update(starts=later, ends=later + datetime.timedelta(hours=1))
        assert row_of(english, target).next_step.text.startswith("Meet Sofie Holm on ")

    def test_coffee_held_asks_for_the_follow_up(self, english, jonas, sofie, brief, target):
        meeting = request_in(RequestState.HELD, english, jonas, sofie, brief)
        row = row_of(english, target)
        assert row.stage == "coffee_held" and row.stages >= {"ways_in", "intro_asked", "coffee_held"}
        assert (row.next_step.text, row.next_step.url) == (
            "Record how the meeting went",
            reverse("meetings:request", args=[meeting.code]),
        )

    def test_coffee_followed_up_for_a_unit_asks_what_came_of_it(self, english, jonas, sofie, brief, target):
        request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, brief)
        assert row_of(english, target).next_step.text == "Record what came of your meeting with Sofie Holm"

    def test_coffee_held_for_a_posting_asks_for_the_application(self, english, jonas, sofie, posting_target):
        posting_brief = PrepBrief.objects.create(seeker=english, target=posting_target, **GOOD_EN)
        request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, posting_brief)
        row = row_of(english, posting_target)
        assert row.stage == "coffee_held"
        assert row.next_step.text == "Record your application"
        assert row.next_step.url == reverse("jobs:outcome_record", args=[posting_target.code])

    def test_name_passed_on_after_the_meeting(self, english, jonas, sofie, brief, target):
        meeting = request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, brief)
        MeetingOutcome.objects.create(request=meeting, kind=MeetingOutcomeKind.NAME_PASSED_ON)
        row = row_of(english, target)
        assert row.stage == "name_passed_on"
        assert row.next_step.text == "Record your application"

    @pytest.mark.parametrize(("answer", "passed"), [("pass_on", True), ("coffee", True), ("not_now", False)])
    def test_name_passed_on_by_a_profile_card_in_the_targets_organisation(
        self, english, jonas, karen, target, answer, passed
    ):
        share_card(english, jonas, karen, answer)
        assert (row_of(english, target).stage == "name_passed_on") is passed

    def test_a_profile_card_elsewhere_passes_nothing_on_here(self, english, jonas, target):
        elsewhere = Person.objects.create(name="Per Andersen")
        Position.objects.create(person=elsewhere, organisation=Organisation.objects.create(name="Andet A/S"))
        share_card(english, jonas, elsewhere)
        assert row_of(english, target).stage == "ways_in"

    @pytest.mark.parametrize(("state", "passed"), [("new", True), ("not_a_fit", True), ("awaiting_consent", False)])
    def test_name_passed_on_by_a_suggestion(self, english, jonas, sofie, digitalisering, target, state, passed):
        suggestion_of(english, jonas, sofie, unit=digitalisering, state=state)
        assert (row_of(english, target).stage == "name_passed_on") is passed

    @pytest.mark.parametrize(
        ("kind", "text"),
        [
            ("applied", "Record the invitation to an interview when it comes"),
            ("interview", "Prepare for the interview, then record the offer or how it ended"),
            ("offer", "Record whether you took the job"),
            ("hired", "Congratulations! Thank the people who helped you on the way"),
        ],
    )
    def test_outcomes_move_the_stage(self, english, target, kind, text):
        outcome(english, target, kind)
        row = row_of(english, target)
        assert row.stage == kind and row.next_step.text == text

    def test_a_hire_recorded_without_the_steps_before_is_a_hire(self, english, target):
        outcome(english, target, "hired")
        row = row_of(english, target)
        assert row.stage == "hired"
        statuses = {stage.name: stage.status for stage in row.stage_list}
        assert statuses["hired"] == "current" and statuses["applied"] == "open" and statuses["ways_in"] == "done"

    def test_a_decline_recorded_last_closes_the_target(self, english, target):
        outcome(english, target, "interview", days_ago=10)
        declined = outcome(english, target, "declined", days_ago=2)
        row = row_of(english, target)
        assert row.ended == declined and row.stage == "interview"
        assert row.next_step.text.startswith("This target is closed.")

    def test_an_outcome_for_a_posting_not_targeted_is_elsewhere(self, english, other_posting):
        recorded = outcome_actions.record_outcome(
            english, english, "applied", date=timezone.localdate(), credit=Credit.ADVERTISED, posting=other_posting
        )
        assert pipeline_of(english).elsewhere == [recorded]


def test_the_timeline_lists_what_happened_oldest_first(english, jonas, sofie, brief, target):
    meeting = request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, brief)
    MeetingOutcome.objects.create(request=meeting, kind=MeetingOutcomeKind.NAME_PASSED_ON)
    outcome(english, target, "applied", credit=Credit.MEETING, meeting=meeting)
    texts = [entry.text for entry in row_of(english, target).timeline]
    assert texts == [
        "Asked Jonas Berg for an introduction",
        "Coffee meeting with Sofie Holm",
        "Your name was passed on after meeting Sofie Holm",
        "Application sent (A coffee meeting: Jonas Berg)",
    ]
    days = [entry.day for entry in row_of(english, target).timeline]
    assert days == sorted(days)


def test_a_yes_to_coffee_on_her_card_is_an_invitation_to_arrange_before_applying(english, jonas, sofie, target):
    card = share_card(english, jonas, member_person(sofie), "pending")
    share_actions.answer_card(sofie, card, "coffee")
    meeting = MeetingRequest.objects.get(seeker=english, person_member=sofie)
    row = row_of(english, target)
    assert row.stage == "name_passed_on"
    assert (row.next_step.text, row.next_step.url) == (
        "Agree a time with Sofie Holm",
        reverse("meetings:request", args=[meeting.code]),
    )
    assert "Sofie Holm invited you to a coffee meeting" in [entry.text for entry in row.timeline]


def test_the_person_behind_an_introduction_not_yet_approved_stays_unnamed(english, jonas, karen, brief, target):
    request_in(RequestState.WITH_CONNECTOR, english, jonas, None, brief, person=karen)
    row = row_of(english, target)
    assert "Karen" not in " ".join(entry.text for entry in row.timeline) + row.next_step.text


# The pages


def test_the_pipeline_page_shows_each_target_its_stage_and_next_step(client, english, target, brief):
    client.force_login(english)
    response = client.get(reverse("jobs:pipeline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="target-{target.code}"' in page
    assert "Ask Jonas Berg for an introduction" in page
    assert 'aria-current="step"' in page
    assert 'href="/jobs/pipeline/"' in page and "My pipeline" in page  # the main navigation


def test_a_coachs_notes_are_on_the_seekers_pipeline(client, english, target):
    from tests.conftest import make_member

    coach = make_member("coach@example.org", "Birgitte Coach", is_coach=True)
    CoachNote.objects.create(seeker=english, coach=coach, text="Ring Jonas i denne uge.")
    client.force_login(english)
    page = client.get(reverse("jobs:pipeline")).content.decode()
    assert "Ring Jonas i denne uge." in page and "Birgitte Coach" in page


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("jobs:pipeline"))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_lars_sees_nothing_of_mette(client, lars, english, target, brief):
    outcome(english, target, "applied")
    client.force_login(lars)
    page = client.get(reverse("jobs:pipeline")).content.decode()
    assert "Digitalisering" not in page and "Mette" not in page


class TestRecording:
    def url(self, target):
        return reverse("jobs:outcome_record", args=[target.code])

    def test_the_form_offers_her_own_meetings_cards_suggestions_and_the_advertised_channel(
        self, client, english, jonas, sofie, brief, target, karen, digitalisering
    ):
        meeting = request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, brief)
        card = share_card(english, jonas, karen)
        suggestion = suggestion_of(english, jonas, sofie, unit=digitalisering)
        client.force_login(english)
        form = client.get(self.url(target)).context["form"]
        values = [value for value, _label in form.fields["credit"].choices]
        assert values == [
            f"meeting:{meeting.code}",
            f"share:{card.code}",
            f"suggestion:{suggestion.code}",
            "advertised",
        ]

    def test_recording_from_the_form(self, client, english, jonas, sofie, brief, target):
        meeting = request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, brief)
        client.force_login(english)
        response = client.post(
            self.url(target),
            {"kind": "interview", "date": "2026-01-15", "credit": f"meeting:{meeting.code}", "note": ""},
        )
        assert response.status_code == 302 and response["Location"].endswith(f"#target-{target.code}")
        recorded = Outcome.objects.get()
        assert (recorded.kind, recorded.date, recorded.meeting, recorded.connector, recorded.target) == (
            "interview",
            datetime.date(2026, 1, 15),
            meeting,
            jonas,
            target,
        )

    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "applied", "date": "not a date", "credit": "advertised"},
            {"kind": "applied", "date": "2999-01-01", "credit": "advertised"},
            {"kind": "applied", "date": "2026-01-01", "credit": "meeting:nope"},
            {"kind": "promoted", "date": "2026-01-01", "credit": "advertised"},
        ],
    )
    def test_bad_input_shows_a_message_and_records_nothing(self, client, english, target, data):
        client.force_login(english)
        response = client.post(self.url(target), data)
        assert response.status_code == 200 and response.context["form"].errors
        assert not Outcome.objects.exists()

    def test_a_duplicate_shows_why(self, client, english, target):
        outcome(english, target, "applied")
        client.force_login(english)
        response = client.post(self.url(target), {"kind": "applied", "date": "2026-01-01", "credit": "advertised"})
        assert "already recorded" in str(response.context["form"].errors["kind"])
        assert Outcome.objects.count() == 1

    def test_lars_gets_404_on_mettes_target_and_her_outcome(self, client, lars, english, target):
        recorded = outcome(english, target, "applied")
        client.force_login(lars)
        assert client.get(self.url(target)).status_code == 404
        assert (
            client.post(self.url(target), {"kind": "hired", "date": "2026-01-01", "credit": "advertised"}).status_code
            == 404
        )
        assert client.post(reverse("jobs:outcome_delete", args=[recorded.code])).status_code == 404
        assert Outcome.objects.get() == recorded

    def test_she_removes_an_outcome_from_the_page(self, client, english, target):
        recorded = outcome(english, target, "applied")
        client.force_login(english)
        assert client.get(reverse("jobs:outcome_delete", args=[recorded.code])).status_code == 405
        response = client.post(reverse("jobs:outcome_delete", args=[recorded.code]))
        assert response.status_code == 302 and not Outcome.objects.exists()


def _more_targets(seeker, count: int, jonas, sofie) -> None:
    """`count` more unit targets, each with a sent request, a held meeting and an outcome."""
    organisation = Organisation.objects.get(name="Region Hovedstaden")
    for number in range(count):
        unit = Unit.objects.create(organisation=organisation, name=f"Afdeling {number}")
        target = Target.objects.create(seeker=seeker, kind=TargetKind.UNIT, unit=unit, priority=number + 2)
        brief = PrepBrief.objects.create(seeker=seeker, target=target, **GOOD_EN)
        person = Person.objects.create(name=f"Kollega {number}")
        request_in(RequestState.FOLLOWED_UP, seeker, jonas, sofie, brief, person=person)
        outcome(seeker, target, "applied")


def _pipeline_queries(client, url: str) -> int:
    client.get(url)  # the first search publishes the graph snapshot
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pipeline_costs_the_same_queries_for_one_target_as_for_many(client, english, jonas, sofie, brief, target):
    request_in(RequestState.FOLLOWED_UP, english, jonas, sofie, brief)
    outcome(english, target, "applied")
    client.force_login(english)
    url = reverse("jobs:pipeline")
    one = _pipeline_queries(client, url)
    _more_targets(english, 5, jonas, sofie)
    assert _pipeline_queries(client, url) == one
    assert one <= 22, one
