"""Suggesting a candidate, her consent, and the decision-maker's answers (kaffebro.jobs.actions.suggestions).

Mette is the seeker; Jonas (her connector) has her standing consent, Birthe coaches her without one;
Sofie decides in Digitalisering, Dorte in Drift; Lars is a stranger.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.actions.outcomes import record_outcome
from kaffebro.jobs.actions.shares import text_digest, withdraw_consent
from kaffebro.jobs.models import ConsentScope, Credit, Outcome, OutcomeKind, ShareConsent, Suggestion
from kaffebro.jobs.models import SuggestionState as S
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.network.actions import Refused
from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Person, Position, Unit
from kaffebro.notifications.models import Notification
from tests.conftest import make_member
from tests.jobs.conftest import give_consent, suggestion_of

HOW = "We worked together at Gentofte Kommune for three years."
WHY = "She turns messy data into decisions people trust."


def suggest(suggester, seeker, **place):
    return actions.suggest(suggester, seeker, how_known=HOW, why_fit=WHY, **place)


def consent_to(suggestion):
    return actions.consent(suggestion.seeker, suggestion, shown=text_digest(actions.consent_text(suggestion)))


@pytest.fixture
def standing(mette, jonas):
    return give_consent(mette, jonas)


class TestSuggest:
    def test_with_a_standing_consent_it_reaches_the_decision_maker_at_once(
        self, mette, jonas, sofie, standing, opening
    ):
        suggestion = suggest(jonas, mette, posting=opening)
        assert suggestion.state == S.NEW
        assert suggestion.decision_maker == sofie
        assert suggestion.consent == standing
        assert (suggestion.posting, suggestion.unit, suggestion.organisation) == (
            opening,
            opening.unit,
            opening.organisation,
        )
        event = Event.objects.get(kind="suggestion.made")
        assert event.data == {"suggestion": suggestion.pk, "moved": [suggestion.pk], "state": "new"}
        assert HOW not in str(event.data)

    def test_without_one_it_waits_for_her_consent(self, mette, birthe, sofie, coached, digitalisering):
        suggestion = suggest(birthe, mette, unit=digitalisering)
        assert suggestion.state == S.AWAITING_CONSENT
        assert suggestion.consent is None
        assert suggestion.decision_maker == sofie

    def test_a_withdrawn_standing_consent_takes_effect_on_the_next_suggestion(
        self, mette, jonas, sofie, dorte, standing, digitalisering, drift
    ):
        first = suggest(jonas, mette, unit=digitalisering)
        assert first.state == S.NEW
        withdraw_consent(mette, standing)
        second = suggest(jonas, mette, unit=drift)
        assert second.state == S.AWAITING_CONSENT
        assert second.consent is None
        first.refresh_from_db()
        assert first.state == S.NEW  # what was already passed on stays with the decision-maker

    def test_the_seeker_is_asked_and_the_decision_maker_hears_only_once_she_agrees(
        self, mette, birthe, sofie, coached, digitalisering, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            suggestion = suggest(birthe, mette, unit=digitalisering)
        assert set(Notification.objects.values_list("recipient", flat=True)) == {mette.pk}
        with django_capture_on_commit_callbacks(execute=True):
            consent_to(suggestion)
        consent_event = Event.objects.get(kind="suggestion.consent")
        assert set(Notification.objects.filter(event=consent_event).values_list("recipient", flat=True)) == {
            sofie.pk,
            birthe.pk,
        }

    def test_with_a_standing_consent_both_the_decision_maker_and_the_seeker_hear_of_it(
        self, mette, jonas, sofie, standing, digitalisering, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            suggest(jonas, mette, unit=digitalisering)
        assert set(Notification.objects.values_list("recipient", flat=True)) == {mette.pk, sofie.pk}


class TestWhoDecides:
    def test_the_postings_named_decision_maker_comes_first(self, mette, jonas, standing, opening, dorte):
        opening.decision_maker = member_person(dorte)
        opening.save()
        assert suggest(jonas, mette, posting=opening).decision_maker == dorte

    def test_a_unit_without_one_is_decided_in_the_unit_above(self, mette, jonas, sofie, standing, digitalisering):
        team = Unit.objects.create(organisation=digitalisering.organisation, name="Dataplatform", parent=digitalisering)
        assert suggest(jonas, mette, unit=team).decision_maker == sofie

    def test_a_position_from_someone_elses_contact_card_routes_nothing(self, mette, jonas, lars, standing):
        organisation = Organisation.objects.create(name="Lars' firma")
        unit = Unit.objects.create(organisation=organisation, name="Salg")
        Position.objects.create(
            person=member_person(jonas), organisation=organisation, unit=unit, is_decision_maker=True, recorded_by=lars
        )
        with pytest.raises(Refused, match="never writes to anyone who is not"):
            suggest(jonas, mette, unit=unit)

    def test_nobody_who_decides_is_a_member(self, mette, jonas, standing):
        organisation = Organisation.objects.create(name="Novo Nordisk")
        unit = Unit.objects.create(organisation=organisation, name="Data Science")
        person = Person.objects.create(name="Henrik Juul")
        Position.objects.create(person=person, organisation=organisation, unit=unit, is_decision_maker=True)
        with pytest.raises(Refused) as refused:
            suggest(jonas, mette, unit=unit)
        assert "pass Mette Kristensen's name on by hand" in refused.value.message
        assert not Suggestion.objects.exists()


class TestRefused:
    def test_a_stranger_may_not_suggest_her(self, mette, lars, sofie, digitalisering):
        with pytest.raises(Refused, match="given you their consent"):
            suggest(lars, mette, unit=digitalisering)

    def test_yourself(self, mette, digitalisering, sofie):
        with pytest.raises(Refused, match="yourself"):
            suggest(mette, mette, unit=digitalisering)

    def test_the_decision_maker_herself_suggesting(self, mette, sofie, digitalisering):
        ShareConsent.objects.create(seeker=mette, helper=sofie, scope=ConsentScope.STANDING, text="t")
        with pytest.raises(Refused, match="decide on hiring there yourself"):
            suggest(sofie, mette, unit=digitalisering)

    def test_someone_who_is_not_looking(self, jonas, sofie, digitalisering):
        member = make_member("per@example.org", "Per Holm")
        with pytest.raises(Refused, match="not looking"):
            suggest(jonas, member, unit=digitalisering)

    def test_a_closed_or_past_posting(self, mette, jonas, sofie, standing, opening):
        opening.deadline = timezone.localdate() - datetime.timedelta(days=1)
        opening.save()
        with pytest.raises(Refused, match="deadline"):
            suggest(jonas, mette, posting=opening)
        opening.deadline, opening.closed = None, timezone.now()
        opening.save()
        with pytest.raises(Refused, match="closed"):
            suggest(jonas, mette, posting=opening)

    def test_neither_or_both_places(self, mette, jonas, sofie, standing, opening, digitalisering):
        with pytest.raises(Refused, match="either"):
            suggest(jonas, mette)
        with pytest.raises(Refused, match="either"):
            suggest(jonas, mette, posting=opening, unit=digitalisering)

    def test_the_same_suggestion_twice_while_open(self, mette, jonas, sofie, standing, opening, digitalisering):
        suggest(jonas, mette, unit=digitalisering)
        with pytest.raises(Refused, match="already suggested"):
            suggest(jonas, mette, posting=opening)
        assert Suggestion.objects.count() == 1

    @pytest.mark.parametrize(
        ("how", "why", "field"),
        [("", WHY, "how_known"), (HOW, "  ", "why_fit"), ("x" * 1001, WHY, "how_known"), (HOW, "a\x00b", "why_fit")],
    )
    def test_bad_text_changes_nothing(self, mette, jonas, sofie, standing, digitalisering, how, why, field):
        with pytest.raises(Refused) as refused:
            actions.suggest(jonas, mette, unit=digitalisering, how_known=how, why_fit=why)
        assert refused.value.field == field
        assert not Suggestion.objects.exists()
        assert not Event.objects.filter(kind__startswith="suggestion.").exists()

    def test_a_daily_limit(self, mette, jonas, sofie, standing, digitalisering, monkeypatch):
        monkeypatch.setattr(actions, "SUGGESTIONS_PER_DAY", 1)
        suggest(jonas, mette, unit=digitalisering)
        Suggestion.objects.update(state=S.ARCHIVED)
        with pytest.raises(Refused, match="today"):
            suggest(jonas, mette, unit=digitalisering)


class TestConsent:
    def test_she_consents_to_this_one_suggestion_with_the_text_she_was_shown(
        self, mette, birthe, sofie, coached, digitalisering
    ):
        suggestion = suggest(birthe, mette, unit=digitalisering)
        shown = actions.consent_text(suggestion)
        assert "Birthe Madsen" in shown and "Sofie Holm" in shown and HOW in shown and WHY in shown
        moved = consent_to(suggestion)
        assert moved.state == S.NEW
        consent = ShareConsent.objects.get(suggestions=moved)
        assert (consent.scope, consent.helper, consent.text, consent.language) == (
            ConsentScope.ONE,
            birthe,
            shown,
            "da",
        )

    def test_a_text_that_changed_since_she_read_it_is_refused(self, mette, birthe, sofie, coached, digitalisering):
        suggestion = suggest(birthe, mette, unit=digitalisering)
        with pytest.raises(Refused, match="changed"):
            actions.consent(mette, suggestion, shown=text_digest("something else"))
        assert not ShareConsent.objects.filter(scope=ConsentScope.ONE).exists()

    def test_she_declines_and_it_never_reaches_the_decision_maker(
        self, mette, birthe, sofie, coached, digitalisering, django_capture_on_commit_callbacks
    ):
        suggestion = suggest(birthe, mette, unit=digitalisering)
        with django_capture_on_commit_callbacks(execute=True):
            declined = actions.decline(mette, suggestion)
        assert declined.state == S.CANCELLED
        assert list(Notification.objects.values_list("recipient", flat=True)) == [birthe.pk]

    def test_only_she_answers(self, mette, birthe, sofie, lars, coached, digitalisering):
        suggestion = suggest(birthe, mette, unit=digitalisering)
        for other in (birthe, sofie, lars):
            with pytest.raises(Refused):
                actions.consent(other, suggestion, shown=text_digest(actions.consent_text(suggestion)))
            with pytest.raises(Refused):
                actions.decline(other, suggestion)
        suggestion.refresh_from_db()
        assert suggestion.state == S.AWAITING_CONSENT


class TestAnswers:
    @pytest.fixture
    def two(self, mette, jonas, birthe, sofie, opening):
        """Jonas and Birthe both vouch for Mette for the posting."""
        return [
            suggestion_of(mette, jonas, sofie, posting=opening),
            suggestion_of(mette, birthe, sofie, posting=opening),
        ]

    def test_an_answer_moves_every_endorsement_of_the_candidate_and_tells_each_suggester(
        self, two, mette, jonas, birthe, sofie, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actions.invite_to_apply(sofie, two[0])
        assert set(Suggestion.objects.values_list("state", flat=True)) == {S.APPLY}
        event = Event.objects.get(kind="suggestion.invite_to_apply")
        assert sorted(event.data["moved"]) == sorted(s.pk for s in two)
        assert set(Notification.objects.filter(event=event).values_list("recipient", flat=True)) == {
            mette.pk,
            jonas.pk,
            birthe.pk,
        }

    def test_an_interview_records_one_outcome_credited_to_the_first_suggester(self, two, mette, jonas, sofie, opening):
        actions.invite_to_interview(sofie, two[0])
        outcome = Outcome.objects.get()
        assert (outcome.kind, outcome.credit, outcome.suggestion, outcome.connector, outcome.recorded_by) == (
            OutcomeKind.INTERVIEW,
            Credit.SUGGESTION,
            two[0],
            jonas,
            sofie,
        )
        assert (outcome.seeker, outcome.posting, outcome.organisation) == (mette, opening, opening.organisation)
        assert outcome.date == timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Copenhagen"))

    def test_a_hire_records_an_outcome_too(self, two, sofie, jonas):
        actions.invite_to_interview(sofie, two[0])
        actions.record_hired(sofie, Suggestion.objects.get(pk=two[0].pk))
        assert list(Outcome.objects.order_by("kind").values_list("kind", "connector")) == [
            (OutcomeKind.HIRED, jonas.pk),
            (OutcomeKind.INTERVIEW, jonas.pk),
        ]

    def test_an_interview_she_recorded_herself_is_kept_as_it_is(self, two, mette, sofie, opening):
        record_outcome(
            mette, mette, OutcomeKind.INTERVIEW, date=timezone.localdate(), credit=Credit.ADVERTISED, posting=opening
        )
        moved = actions.invite_to_interview(sofie, two[0])
        assert moved.state == S.INTERVIEW
        assert Outcome.objects.get().recorded_by == mette
        assert Event.objects.get(kind="suggestion.invite_to_interview").data["outcome"] is None

    def test_the_credited_suggester_hears_of_the_interview_through_the_outcome_only(
        self, two, mette, jonas, birthe, sofie, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actions.invite_to_interview(sofie, two[0])
        heard = list(Notification.objects.values_list("recipient", "kind"))
        assert heard.count((jonas.pk, "outcome.recorded")) == 1
        assert (jonas.pk, "suggestion.invite_to_interview") not in heard
        assert (birthe.pk, "suggestion.invite_to_interview") in heard
        assert (mette.pk, "suggestion.invite_to_interview") in heard

    def test_coffee_opens_a_meeting_request_from_the_decision_maker(self, two, mette, sofie, opening):
        moved = actions.invite_to_coffee(sofie, two[0], "Shall we meet at the canteen?")
        meeting = MeetingRequest.objects.get()
        assert (meeting.seeker, meeting.person_member, meeting.state) == (mette, sofie, RequestState.SCHEDULING)
        assert moved.meeting == meeting
        assert set(Suggestion.objects.values_list("meeting", flat=True)) == {meeting.pk}

    def test_not_a_fit_sends_a_kind_word_to_the_suggesters_only(
        self, two, mette, jonas, sofie, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actions.not_a_fit(sofie, two[0], "Lovely profile, but we need a Java developer.")
        assert set(Suggestion.objects.values_list("reason_back", flat=True)) == {
            "Lovely profile, but we need a Java developer."
        }
        from kaffebro.notifications.registry import render_for

        event = Event.objects.get(kind="suggestion.not_a_fit")
        assert "Java" in render_for(event, jonas).text
        assert "Java" not in render_for(event, mette).text
        assert "Java" not in str(event.data)

    def test_archive_tells_nobody(self, two, sofie, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            actions.archive(sofie, two[0])
        assert not Notification.objects.exists()

    def test_a_stale_click_is_refused(self, two, sofie):
        actions.invite_to_apply(sofie, two[0])
        with pytest.raises(Refused, match="moved on"):
            actions.invite_to_apply(sofie, two[0])  # the page still showed "new"

    def test_only_the_decision_maker_answers(self, two, mette, jonas, dorte, lars):
        for other in (mette, jonas, dorte, lars):
            with pytest.raises(Refused):
                actions.invite_to_interview(other, two[0])
        assert set(Suggestion.objects.values_list("state", flat=True)) == {S.NEW}
        assert not Outcome.objects.exists()

    def test_not_before_she_consented(self, mette, birthe, sofie, digitalisering):
        waiting = suggestion_of(mette, birthe, sofie, unit=digitalisering, state=S.AWAITING_CONSENT)
        with pytest.raises(Refused):
            actions.invite_to_interview(sofie, waiting)

    def test_the_suggester_withdraws(
        self, mette, jonas, sofie, standing, digitalisering, django_capture_on_commit_callbacks
    ):
        suggestion = suggest(jonas, mette, unit=digitalisering)
        with django_capture_on_commit_callbacks(execute=True):
            withdrawn = actions.withdraw(jonas, suggestion)
        assert withdrawn.state == S.CANCELLED
        event = Event.objects.get(kind="suggestion.withdraw")
        assert list(Notification.objects.filter(event=event).values_list("recipient", flat=True)) == [mette.pk]


def test_every_notice_reads_in_both_languages(
    mette, jonas, birthe, sofie, coached, standing, opening, digitalisering, django_capture_on_commit_callbacks
):
    """The whole story, every notice rendered for its recipient in Danish and English: never empty, never a crash."""
    from django.utils import translation

    from kaffebro.notifications.registry import render_for

    with django_capture_on_commit_callbacks(execute=True):
        first = suggest(jonas, mette, posting=opening)
        waiting = suggest(birthe, mette, posting=opening)
        consent_to(waiting)
        actions.invite_to_coffee(sofie, first)
        actions.invite_to_apply(sofie, Suggestion.objects.get(pk=first.pk))
        actions.invite_to_interview(sofie, Suggestion.objects.get(pk=first.pk))
        actions.record_hired(sofie, Suggestion.objects.get(pk=first.pk))
        other = suggest(jonas, mette, unit=digitalisering)
        actions.withdraw(jonas, other)
    notifications = list(Notification.objects.filter(kind__startswith="suggestion.").select_related("event"))
    assert {n.kind for n in notifications} >= {
        "suggestion.made",
        "suggestion.consent",
        "suggestion.invite_to_coffee",
        "suggestion.invite_to_apply",
        "suggestion.invite_to_interview",
        "suggestion.withdraw",
    }
    for notification in notifications:
        for language in ("da", "en"):
            notification.recipient.language = language
            with translation.override(language):
                rendered = render_for(notification.event, notification.recipient)
            if notification.event.subject == other.code and notification.recipient == sofie:
                assert rendered is None  # withdrawn: gone from her inbox, a neutral line
                continue
            assert rendered is not None, (notification.kind, notification.recipient)
            assert rendered.subject and rendered.text
            assert rendered.link.startswith("/jobs/suggestions/")
