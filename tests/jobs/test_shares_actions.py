"""Putting Mette's profile in play: sending (all or nothing, with limits), each answer exactly once, "yes, coffee"
as an invitation, passing it on with her consent carried along, and a non-member's answer recorded by hand."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import ConsentScope, ProfileShare, ShareAnswer, ShareConsent, ShareRecipient, ShareState
from kaffebro.meetings.models import MeetingRequest, RequestKind, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import Position
from kaffebro.notifications import registry
from kaffebro.notifications.models import Notification
from tests.conftest import know, make_member
from tests.jobs.conftest import cards_of, give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages and reasons in the active language: English, whatever the Danish catalogue says."""
    with translation.override("en"):
        yield


NOTE = "Mette and I worked together for three years; she is the one to talk to about data."


@pytest.fixture
def consent(mette, jonas):
    return give_consent(mette, jonas)


@pytest.fixture
def share(mette, jonas, consent, in_play_cast):
    """Jonas puts Mette in play toward Sofie (a member) and Karin (not a member)."""
    return actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"], in_play_cast["karin"]), NOTE)


def row_for(share, person):
    return share.recipients.get(person=person)


class TestSending:
    def test_a_share_and_its_recipients(self, share, mette, jonas, sofie, consent, in_play_cast):
        assert (share.seeker, share.helper, share.consent, share.state) == (mette, jonas, consent, ShareState.SENT)
        sofie_row, karin_row = row_for(share, in_play_cast["sofie"]), row_for(share, in_play_cast["karin"])
        assert (sofie_row.member, karin_row.member) == (sofie, None)
        assert {sofie_row.answer, karin_row.answer} == {ShareAnswer.PENDING}
        event = Event.objects.get(kind="share.sent")
        assert (event.actor, event.subject, event.data["recipients"]) == (jonas, share.code, 2)
        assert NOTE not in str(event.data)

    def test_an_inactive_member_is_treated_as_a_non_member(self, mette, jonas, consent, in_play_cast, sofie):
        sofie.is_active = False
        sofie.save(update_fields=["is_active"])
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
        assert share.recipients.get().member is None

    def test_all_or_nothing_when_one_is_not_his_contact(self, mette, jonas, lars, consent, in_play_cast):
        codes = [*cards_of(jonas, in_play_cast["karin"]), lars.contact_cards.get().code]
        with pytest.raises(actions.Refused, match="your own contacts"):
            actions.send_share(jonas, mette, codes, NOTE)
        assert not ProfileShare.objects.exists() and not ShareRecipient.objects.exists()

    def test_a_note_is_required_and_kept_short(self, mette, jonas, consent, in_play_cast):
        codes = cards_of(jonas, in_play_cast["karin"])
        with pytest.raises(actions.Refused, match="write something"):
            actions.send_share(jonas, mette, codes, "   ")
        with pytest.raises(actions.Refused, match="under 1000 characters"):
            actions.send_share(jonas, mette, codes, "x" * 1001)
        with pytest.raises(actions.Refused):
            actions.send_share(jonas, mette, codes, "Nul\x00byte")
        assert not ProfileShare.objects.exists()

    def test_at_least_one_and_at_most_ten_recipients(self, mette, jonas, consent, region_h):
        with pytest.raises(actions.Refused, match="at least one"):
            actions.send_share(jonas, mette, [], NOTE)
        people = []
        for number in range(actions.MAX_RECIPIENTS + 1):
            people.append(make_member(f"kollega{number}@example.org", f"Kollega {number}").person)
            know(jonas, people[-1])
        with pytest.raises(actions.Refused, match="at most 10"):
            actions.send_share(jonas, mette, cards_of(jonas, *people), NOTE)
        assert actions.send_share(jonas, mette, cards_of(jonas, *people[:10]), NOTE).recipients.count() == 10

    def test_a_code_of_the_wrong_shape_changes_nothing(self, mette, jonas, consent):
        with pytest.raises(actions.Refused):
            actions.send_share(jonas, mette, ["'; DROP TABLE"], NOTE)
        assert not ProfileShare.objects.exists()

    def test_at_most_five_shares_a_day(self, mette, jonas, consent, in_play_cast):
        for _ in range(actions.MAX_SHARES_PER_DAY):
            actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["bo"]), NOTE)
        with pytest.raises(actions.Refused, match="in the last day"):
            actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["bo"]), NOTE)
        ProfileShare.objects.update(created=timezone.now() - datetime.timedelta(days=1, minutes=1))
        actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["bo"]), NOTE)

    def test_the_member_recipient_gets_a_card_in_the_app_and_by_mail_in_her_language(
        self, mette, jonas, sofie, consent, in_play_cast, django_capture_on_commit_callbacks
    ):
        sofie.language = "en"
        sofie.save(update_fields=["language"])
        with django_capture_on_commit_callbacks(execute=True):
            share = actions.send_share(
                jonas, mette, cards_of(jonas, in_play_cast["sofie"], in_play_cast["karin"]), NOTE
            )
        assert list(Notification.objects.values_list("recipient", flat=True)) == [sofie.pk]
        assert [message.to for message in mail.outbox] == [[sofie.email]]
        assert mail.outbox[0].subject == "Jonas Berg thinks you should meet Mette Kristensen"
        assert NOTE in mail.outbox[0].body and "Karin" not in mail.outbox[0].body
        rendered = registry.render_for(Event.objects.get(kind="share.sent"), sofie)
        assert rendered.link == f"/jobs/in-play/card/{row_for(share, in_play_cast['sofie']).code}/"
        assert registry.render_for(Event.objects.get(kind="share.sent"), mette) is None


class TestAnswers:
    def test_yes_coffee_invites_her_and_links_the_meeting(self, share, mette, jonas, sofie, in_play_cast):
        row = row_for(share, in_play_cast["sofie"])
        actions.answer_card(sofie, row, ShareAnswer.COFFEE, "Gerne en kop kaffe i næste uge.")
        row.refresh_from_db()
        assert (row.answer, row.answer_recorded_by) == (ShareAnswer.COFFEE, sofie) and row.answered
        meeting = row.meeting
        assert (meeting.seeker, meeting.person_member, meeting.kind) == (mette, sofie, RequestKind.DIRECT)
        assert meeting.state == RequestState.SCHEDULING and meeting.message == "Gerne en kop kaffe i næste uge."
        assert meeting.brief.target.unit.name == "Digitalisering"
        assert Event.objects.get(kind="share.answered").data["meeting"] == meeting.pk

    def test_yes_coffee_uses_an_open_request_the_two_already_have(self, share, mette, sofie, in_play_cast):
        from kaffebro.meetings import actions as meeting_actions

        existing = meeting_actions.invite_to_coffee(
            sofie, mette, organisation=in_play_cast["karin"].positions.get().organisation
        )
        row = row_for(share, in_play_cast["sofie"])
        actions.answer_card(sofie, row, ShareAnswer.COFFEE)
        row.refresh_from_db()
        assert row.meeting == existing and MeetingRequest.objects.count() == 1

    def test_yes_coffee_needs_to_know_where_the_member_works(self, share, sofie, in_play_cast):
        Position.objects.filter(person=member_person(sofie)).delete()
        row = row_for(share, in_play_cast["sofie"])
        with pytest.raises(actions.Refused, match="where you work"):
            actions.answer_card(sofie, row, ShareAnswer.COFFEE)
        row.refresh_from_db()
        assert row.answer == ShareAnswer.PENDING and not MeetingRequest.objects.exists()

    @pytest.mark.parametrize("first", [ShareAnswer.COFFEE, ShareAnswer.NOT_NOW, ShareAnswer.PASS_ON])
    def test_each_card_is_answered_exactly_once(self, first, share, sofie, in_play_cast):
        row = row_for(share, in_play_cast["sofie"])
        know(sofie, in_play_cast["peter"])
        peter = cards_of(sofie, in_play_cast["peter"])[0]
        answer = {
            ShareAnswer.COFFEE: lambda: actions.answer_card(sofie, row, ShareAnswer.COFFEE),
            ShareAnswer.NOT_NOW: lambda: actions.answer_card(sofie, row, ShareAnswer.NOT_NOW),
            ShareAnswer.PASS_ON: lambda: actions.pass_on(sofie, row, peter, NOTE),
        }
        answer[first]()
        for again in answer.values():
            with pytest.raises(actions.Refused, match="already been answered"):
                again()
        row.refresh_from_db()
        assert row.answer == first
        assert Event.objects.filter(kind="share.answered").count() == 1
        assert MeetingRequest.objects.count() == (1 if first == ShareAnswer.COFFEE else 0)
        assert ProfileShare.objects.count() == (2 if first == ShareAnswer.PASS_ON else 1)

    def test_only_the_recipient_answers_their_card(self, share, jonas, lars, mette, in_play_cast):
        row = row_for(share, in_play_cast["sofie"])
        for someone in (jonas, lars, mette):
            with pytest.raises(actions.Refused):
                actions.answer_card(someone, row, ShareAnswer.NOT_NOW)
        assert ShareRecipient.objects.get(pk=row.pk).answer == ShareAnswer.PENDING

    def test_a_pending_answer_is_not_an_answer(self, share, sofie, in_play_cast):
        with pytest.raises(actions.Refused, match="Choose one of the answers"):
            actions.answer_card(sofie, row_for(share, in_play_cast["sofie"]), ShareAnswer.PENDING)

    def test_the_helper_and_the_seeker_hear_of_an_answer(
        self, share, mette, jonas, sofie, in_play_cast, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actions.answer_card(sofie, row_for(share, in_play_cast["sofie"]), ShareAnswer.NOT_NOW)
        told = set(Notification.objects.filter(kind="share.answered").values_list("recipient", flat=True))
        assert told == {mette.pk, jonas.pk}
        event = Event.objects.get(kind="share.answered")
        assert "Sofie Holm" in registry.render_for(event, jonas).subject
        assert registry.render_for(event, sofie) is None

    def test_after_a_yes_coffee_the_seeker_reads_the_invitation_not_the_answer(
        self, share, mette, jonas, sofie, in_play_cast, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actions.answer_card(sofie, row_for(share, in_play_cast["sofie"]), ShareAnswer.COFFEE)
        assert set(Notification.objects.filter(recipient=mette).values_list("kind", flat=True)) == {"meeting.invited"}
        assert set(Notification.objects.filter(recipient=jonas).values_list("kind", flat=True)) == {"share.answered"}


class TestPassingOn:
    @pytest.fixture
    def passed(self, share, sofie, in_play_cast):
        know(sofie, in_play_cast["peter"])
        return actions.pass_on(
            sofie, row_for(share, in_play_cast["sofie"]), cards_of(sofie, in_play_cast["peter"])[0], NOTE
        )

    def test_a_new_share_from_the_recipient_with_her_consent_carried_along(
        self, passed, share, mette, sofie, consent, in_play_cast
    ):
        assert (passed.seeker, passed.helper, passed.state) == (mette, sofie, ShareState.SENT)
        assert passed.passed_on_from == row_for(share, in_play_cast["sofie"])
        carried = passed.consent
        assert (carried.carried_from, carried.helper, carried.scope) == (consent, sofie, ConsentScope.ONE)
        assert (carried.text, carried.language) == (consent.text, consent.language)
        assert passed.recipients.get().person == in_play_cast["peter"]

    def test_the_seeker_is_told(self, share, mette, jonas, sofie, in_play_cast, django_capture_on_commit_callbacks):
        know(sofie, in_play_cast["peter"])
        with django_capture_on_commit_callbacks(execute=True):
            actions.pass_on(
                sofie, row_for(share, in_play_cast["sofie"]), cards_of(sofie, in_play_cast["peter"])[0], NOTE
            )
        told = set(Notification.objects.filter(kind="share.answered").values_list("recipient", flat=True))
        assert told == {mette.pk, jonas.pk}
        rendered = registry.render_for(Event.objects.get(kind="share.answered"), mette)
        assert "giver den videre" in rendered.text and "Peter" not in rendered.text

    def test_only_to_the_recipients_own_contacts(self, share, sofie, in_play_cast):
        row = row_for(share, in_play_cast["sofie"])
        jonas_card = cards_of(share.helper, in_play_cast["peter"])[0]
        with pytest.raises(actions.Refused, match="your own contacts"):
            actions.pass_on(sofie, row, jonas_card, NOTE)
        row.refresh_from_db()
        assert row.answer == ShareAnswer.PENDING and ProfileShare.objects.count() == 1

    def test_a_consent_is_carried_along_three_times_then_she_is_asked(self, share, mette, sofie, in_play_cast):
        row = row_for(share, in_play_cast["sofie"])
        passer = sofie
        for number in range(actions.MAX_CARRIED + 1):
            nxt = make_member(f"videre{number}@example.org", f"Videre {number}")
            know(passer, member_person(nxt))
            passed = actions.pass_on(passer, row, cards_of(passer, member_person(nxt))[0], NOTE)
            expected = ShareState.SENT if number < actions.MAX_CARRIED else ShareState.AWAITING_CONSENT
            assert passed.state == expected, number
            row, passer = passed.recipients.get(), nxt
        assert ShareConsent.objects.filter(carried_from__isnull=False).count() == actions.MAX_CARRIED


class TestNonMembers:
    def test_the_helper_gets_a_text_to_send_by_hand_in_his_language(self, share, jonas, in_play_cast):
        jonas.language = "en"
        jonas.save(update_fields=["language"])
        share = ProfileShare.objects.select_related("seeker", "helper").get(pk=share.pk)
        text = actions.text_for_non_member(share, person="Karin Vestergaard", headline="Udviklingskonsulent")
        assert text.startswith("Dear Karin Vestergaard,")
        assert "> Udviklingskonsulent" in text and NOTE in text and "Mette Kristensen" in text
        assert "coffee meeting" in text and "/privacy/object/" in text and text.rstrip().endswith("/privacy/object/")

    def test_nobody_is_ever_notified_about_a_non_member(self, share, jonas, in_play_cast):
        karin = row_for(share, in_play_cast["karin"])
        event = Event.objects.get(kind="share.sent")
        from kaffebro.jobs.notices import shares as notices

        assert karin.member_id is None and karin.member_id not in notices.recipients(event)

    @pytest.mark.parametrize("answer", [ShareAnswer.COFFEE, ShareAnswer.PASS_ON, ShareAnswer.NOT_NOW])
    def test_the_helper_records_the_answer_once(self, answer, share, jonas, in_play_cast):
        row = row_for(share, in_play_cast["karin"])
        actions.record_answer(jonas, row, answer)
        row.refresh_from_db()
        assert (row.answer, row.answer_recorded_by, row.meeting) == (answer, jonas, None)
        with pytest.raises(actions.Refused, match="already been answered"):
            actions.record_answer(jonas, row, ShareAnswer.NOT_NOW)
        assert not MeetingRequest.objects.exists() and ProfileShare.objects.count() == 1

    def test_only_the_helper_records_and_only_for_a_non_member(self, share, jonas, sofie, mette, in_play_cast):
        karin, sofie_row = row_for(share, in_play_cast["karin"]), row_for(share, in_play_cast["sofie"])
        for someone in (sofie, mette):
            with pytest.raises(actions.Refused):
                actions.record_answer(someone, karin, ShareAnswer.COFFEE)
        with pytest.raises(actions.Refused):
            actions.record_answer(jonas, sofie_row, ShareAnswer.COFFEE)
        assert set(ShareRecipient.objects.values_list("answer", flat=True)) == {ShareAnswer.PENDING}

    def test_no_answer_while_the_share_waits_for_consent(self, mette, jonas, consent, in_play_cast):
        actions.withdraw_consent(mette, consent)
        waiting = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        with pytest.raises(actions.Refused):
            actions.record_answer(jonas, waiting.recipients.get(), ShareAnswer.COFFEE)
