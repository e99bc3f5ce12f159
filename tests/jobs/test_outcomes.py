"""Recording outcomes: who may, what may be credited, which dates, duplicates, and who hears of it.

Mette records her own outcomes, credited to her meeting through Jonas, a profile Jonas put in play,
a suggestion to Sofie, or the advertised channel. Sofie, who decides on hiring in Digitalisering,
may record outcomes on her own posting (or on a suggestion made to her); on anyone else's posting
she is refused, and so is Lars everywhere.
"""

import datetime

import pytest
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.jobs.actions import outcomes as actions
from kaffebro.jobs.models import Credit, Outcome, OutcomeKind
from kaffebro.jobs.notices.outcomes import recipients, render
from kaffebro.meetings.models import PrepBrief, RequestKind, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import Person, Position, Target
from kaffebro.notifications.models import Notification
from tests.conftest import make_member
from tests.jobs.conftest import share_card, suggestion_of
from tests.meetings.conftest import GOOD_EN
from tests.meetings.request_cast import request_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def record(by, seeker, kind="applied", **options):
    options.setdefault("date", TODAY())
    options.setdefault("credit", Credit.ADVERTISED)
    return actions.record_outcome(by, seeker, kind, **options)


@pytest.fixture
def held(mette, jonas, sofie, brief):
    """Mette's coffee meeting with Sofie, introduced by Jonas, held and followed up."""
    return request_in(RequestState.FOLLOWED_UP, mette, jonas, sofie, brief)


@pytest.fixture
def lars_meeting(lars, jonas, sofie, digitalisering):
    """Lars's own sent request, toward his own target."""
    target = Target.objects.create(seeker=lars, kind="unit", unit=digitalisering, priority=1)
    lars_brief = PrepBrief.objects.create(seeker=lars, target=target, **GOOD_EN)
    return request_in(RequestState.WITH_PERSON, lars, jonas, sofie, lars_brief, kind=RequestKind.DIRECT)


class TestTheSeeker:
    def test_records_an_application_credited_to_her_meeting_and_the_connector_is_read_from_it(
        self, mette, jonas, target, held
    ):
        outcome = record(mette, mette, target=target, credit=Credit.MEETING, meeting=held, note=" Sent today ")
        assert (outcome.kind, outcome.credit, outcome.connector, outcome.meeting) == (
            OutcomeKind.APPLIED,
            Credit.MEETING,
            jonas,
            held,
        )
        assert outcome.organisation == target.unit.organisation and outcome.note == "Sent today"
        event = Event.objects.get(kind="outcome.recorded")
        assert event.subject == outcome.code and event.actor == mette
        assert event.data == {
            "outcome": outcome.pk,
            "seeker": mette.pk,
            "outcome_kind": "applied",
            "credit": "meeting",
            "connector": jonas.pk,
        }

    def test_the_credited_connector_is_told_their_introduction_led_somewhere(
        self, mette, jonas, target, held, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = record(mette, mette, "interview", target=target, credit=Credit.MEETING, meeting=held)
        notification = Notification.objects.get()
        assert notification.recipient == jonas
        with translation.override("en"):
            rendered = render(notification.event, jonas)
        assert rendered.subject == "Your introduction of Mette Kristensen led to an invitation to an interview"
        assert "at Region Hovedstaden" in rendered.text
        assert rendered.link == f"/meetings/{held.code}/"
        assert outcome.connector == jonas

    @pytest.mark.parametrize("kind", [OutcomeKind.DECLINED, OutcomeKind.WITHDRAWN])
    def test_a_decline_or_withdrawal_tells_the_connector_nothing(self, mette, target, held, kind):
        outcome = record(mette, mette, kind, target=target, credit=Credit.MEETING, meeting=held)
        event = Event.objects.get(kind="outcome.recorded", subject=outcome.code)
        assert recipients(event) == []

    def test_the_advertised_channel_credits_nobody_and_tells_nobody(
        self, mette, target, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = record(mette, mette, "hired", target=target)
        assert outcome.connector is None and outcome.credit == Credit.ADVERTISED
        assert not Notification.objects.exists()

    def test_a_profile_in_play_credits_its_helper(self, mette, jonas, target, karen_person):
        card = share_card(mette, jonas, karen_person)
        outcome = record(mette, mette, target=target, credit=Credit.SHARE, share_recipient=card)
        assert outcome.connector == jonas and outcome.share_recipient == card
        with translation.override("en"):
            text = render(Event.objects.get(kind="outcome.recorded"), jonas).subject
        assert text == "Putting Mette Kristensen's profile in play led to an application"

    def test_a_suggestion_credits_who_suggested(self, mette, jonas, sofie, target, digitalisering):
        suggestion = suggestion_of(mette, jonas, sofie, unit=digitalisering)
        outcome = record(mette, mette, target=target, credit=Credit.SUGGESTION, suggestion=suggestion)
        assert outcome.connector == jonas and outcome.suggestion == suggestion

    def test_a_path_credits_a_connector_she_knows(self, mette, jonas, target):
        outcome = record(mette, mette, target=target, credit=Credit.PATH, connector=jonas)
        assert outcome.connector == jonas

    def test_a_path_through_a_stranger_is_refused(self, mette, lars, target):
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, target=target, credit=Credit.PATH, connector=lars)
        assert refused.value.field == "connector"
        assert not Outcome.objects.exists()

    def test_the_target_is_found_from_the_posting(self, mette, posting, posting_target):
        outcome = record(mette, mette, posting=posting)
        assert outcome.target == posting_target and outcome.organisation == posting.organisation

    def test_an_organisation_alone_is_enough(self, mette, region_h):
        outcome = record(mette, mette, organisation=region_h)
        assert outcome.organisation == region_h and outcome.posting is None

    def test_people_record_late_and_out_of_order(self, mette, target):
        hired = record(mette, mette, "hired", target=target, date=TODAY() - datetime.timedelta(days=2))
        applied = record(mette, mette, "applied", target=target, date=TODAY() - datetime.timedelta(days=60))
        assert {hired.kind, applied.kind} == {"hired", "applied"}

    def test_the_same_outcome_twice_is_refused(self, mette, target):
        record(mette, mette, target=target)
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, target=target, date=TODAY() - datetime.timedelta(days=1))
        assert refused.value.field == "kind"
        assert Outcome.objects.count() == 1

    def test_the_same_kind_for_another_target_is_not_a_duplicate(self, mette, target, posting_target):
        record(mette, mette, target=target)
        record(mette, mette, target=posting_target)
        assert Outcome.objects.count() == 2

    def test_the_same_posting_through_the_target_or_directly_is_a_duplicate(self, mette, posting, posting_target):
        record(mette, mette, target=posting_target)
        with pytest.raises(actions.Refused):
            record(mette, mette, posting=posting)


class TestRefusedInput:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"kind": "promoted"}, "kind"),
            ({"credit": "luck"}, "credit"),
            ({"date": TODAY() + datetime.timedelta(days=1)}, "date"),
            ({"date": datetime.date(1999, 12, 31)}, "date"),
            ({"date": "2026-01-01"}, "date"),
            ({"date": timezone.now()}, "date"),
            ({"note": "x" * 501}, "note"),
            ({"note": "nul\x00byte"}, "note"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, mette, target, changes, field):
        options = {"kind": "applied", "target": target, **changes}
        kind = options.pop("kind")
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, kind, **options)
        assert refused.value.field == field and refused.value.message
        assert not Outcome.objects.exists() and not Event.objects.filter(kind="outcome.recorded").exists()

    def test_nowhere_is_refused(self, mette):
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette)
        assert refused.value.field == "target"

    def test_a_credit_without_its_object_is_refused(self, mette, target):
        for credit in (Credit.MEETING, Credit.SHARE, Credit.SUGGESTION, Credit.PATH):
            with pytest.raises(actions.Refused):
                record(mette, mette, target=target, credit=credit)
        assert not Outcome.objects.exists()

    def test_an_object_that_does_not_match_the_credit_is_refused(self, mette, target, held):
        with pytest.raises(actions.Refused):
            record(mette, mette, target=target, credit=Credit.ADVERTISED, meeting=held)

    def test_another_connector_than_the_meetings_is_refused(self, mette, lars, target, held):
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, target=target, credit=Credit.MEETING, meeting=held, connector=lars)
        assert refused.value.field == "connector"

    def test_a_direct_meeting_credits_no_connector_and_none_may_be_added(self, mette, jonas, sofie, brief, target):
        direct = request_in(RequestState.HELD, mette, jonas, sofie, brief, kind=RequestKind.DIRECT)
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, target=target, credit=Credit.MEETING, meeting=direct, connector=jonas)
        assert refused.value.field == "connector"
        assert record(mette, mette, target=target, credit=Credit.MEETING, meeting=direct).connector is None

    def test_a_request_never_sent_is_refused(self, mette, jonas, sofie, brief, target):
        draft = request_in(RequestState.DRAFT, mette, jonas, sofie, brief)
        with pytest.raises(actions.Refused):
            record(mette, mette, target=target, credit=Credit.MEETING, meeting=draft)

    def test_someone_elses_target_is_refused(self, mette, lars, digitalisering):
        lars_target = Target.objects.create(seeker=lars, kind="unit", unit=digitalisering)
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, target=lars_target)
        assert refused.value.field == "target"


class TestForeignCredits:
    """Crediting someone else's meeting, profile card or suggestion is refused."""

    def test_another_seekers_meeting(self, mette, target, lars_meeting):
        with pytest.raises(actions.Refused) as refused:
            record(mette, mette, target=target, credit=Credit.MEETING, meeting=lars_meeting)
        assert refused.value.field == "credit"

    def test_another_seekers_profile_card(self, mette, lars, jonas, target, karen_person):
        card = share_card(lars, jonas, karen_person)
        with pytest.raises(actions.Refused):
            record(mette, mette, target=target, credit=Credit.SHARE, share_recipient=card)

    def test_another_seekers_suggestion(self, mette, lars, jonas, sofie, target, digitalisering):
        suggestion = suggestion_of(lars, jonas, sofie, unit=digitalisering)
        with pytest.raises(actions.Refused):
            record(mette, mette, target=target, credit=Credit.SUGGESTION, suggestion=suggestion)

    def test_a_suggestion_that_never_reached_the_decision_maker(self, mette, jonas, sofie, target, digitalisering):
        suggestion = suggestion_of(mette, jonas, sofie, unit=digitalisering, state="awaiting_consent")
        with pytest.raises(actions.Refused):
            record(mette, mette, target=target, credit=Credit.SUGGESTION, suggestion=suggestion)
        assert not Outcome.objects.exists()


class TestTheDecisionMaker:
    def test_sofie_records_an_interview_on_her_own_posting_and_mette_is_told(
        self, mette, sofie, posting, posting_target, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = record(sofie, mette, "interview", posting=posting)
        assert outcome.recorded_by == sofie and outcome.target == posting_target
        notification = Notification.objects.get()
        assert notification.recipient == mette
        with translation.override("en"):
            rendered = render(notification.event, mette)
        assert rendered.subject == "Sofie Holm recorded “Invited to an interview” for you"
        assert rendered.link == "/jobs/pipeline/"

    def test_the_postings_named_decision_maker_may_record_without_a_unit(self, mette, sofie, region_h):
        posting = region_h.postings.create(title="Chefkonsulent", decision_maker=member_person(sofie))
        assert record(sofie, mette, "hired", posting=posting).posting == posting

    def test_a_decision_maker_of_another_posting_is_refused(self, mette, sofie, other_posting):
        with pytest.raises(actions.Refused):
            record(sofie, mette, "interview", posting=other_posting)
        assert not Outcome.objects.exists()

    def test_a_former_decision_maker_is_refused(self, mette, sofie, posting):
        member_person(sofie).positions.update(end_date=datetime.date(2025, 1, 1))
        with pytest.raises(actions.Refused):
            record(sofie, mette, "interview", posting=posting)

    def test_sofie_records_a_hire_on_a_suggestion_made_to_her_without_a_posting(
        self, mette, jonas, sofie, target, digitalisering
    ):
        suggestion = suggestion_of(mette, jonas, sofie, unit=digitalisering, state="interview")
        outcome = record(sofie, mette, "hired", credit=Credit.SUGGESTION, suggestion=suggestion)
        assert (
            outcome.target == target and outcome.connector == jonas and outcome.organisation == target.unit.organisation
        )

    def test_she_may_not_name_the_seekers_target(self, mette, sofie, posting, posting_target):
        with pytest.raises(actions.Refused):
            record(sofie, mette, "interview", posting=posting, target=posting_target)

    def test_she_may_not_credit_a_path_or_a_meeting_she_had_no_part_in(
        self, mette, jonas, sofie, posting, held, karen_person
    ):
        with pytest.raises(actions.Refused):
            record(sofie, mette, posting=posting, credit=Credit.PATH, connector=jonas)
        card = share_card(mette, jonas, karen_person)
        with pytest.raises(actions.Refused):
            record(sofie, mette, posting=posting, credit=Credit.SHARE, share_recipient=card)
        assert record(sofie, mette, posting=posting, credit=Credit.MEETING, meeting=held).meeting == held

    def test_lars_and_jonas_may_not_record_for_mette(self, mette, lars, jonas, posting, target):
        for someone in (lars, jonas):
            with pytest.raises(actions.Refused):
                record(someone, mette, posting=posting)
        assert not Outcome.objects.exists()


class TestRemoving:
    def test_the_seeker_removes_her_own_outcome(self, mette, target):
        outcome = record(mette, mette, target=target)
        actions.delete_outcome(mette, outcome)
        assert not Outcome.objects.exists()
        assert Event.objects.get(kind="outcome.deleted").subject == outcome.code

    def test_removing_twice_is_refused(self, mette, target):
        outcome = record(mette, mette, target=target)
        actions.delete_outcome(mette, outcome)
        with pytest.raises(actions.Refused):
            actions.delete_outcome(mette, outcome)

    def test_nobody_else_removes_it(self, mette, sofie, lars, posting, posting_target):
        outcome = record(sofie, mette, "interview", posting=posting)
        for someone in (sofie, lars):
            with pytest.raises(actions.Refused):
                actions.delete_outcome(someone, outcome)
        assert Outcome.objects.filter(pk=outcome.pk).exists()
        actions.delete_outcome(mette, outcome)  # recorded by the decision-maker, removed by her
        assert not Outcome.objects.exists()

    def test_a_removed_outcome_is_gone_from_the_connectors_inbox(self, mette, jonas, target, held):
        outcome = record(mette, mette, target=target, credit=Credit.MEETING, meeting=held)
        event = Event.objects.get(kind="outcome.recorded")
        actions.delete_outcome(mette, outcome)
        assert recipients(event) == []


@pytest.fixture
def karen_person(region_h, digitalisering):
    """Karen works in Digitalisering and is not a member."""
    person = Person.objects.create(name="Karen Vestergaard")
    Position.objects.create(person=person, organisation=region_h, unit=digitalisering, title="Dataarkitekt")
    return person


def test_a_seeker_who_is_not_a_member_person_yet_is_no_decision_maker(mette, posting):
    newcomer = make_member("ny@example.org", "Ny Bruger")
    newcomer.person.delete()
    with pytest.raises(actions.Refused):
        record(newcomer, mette, posting=posting)
