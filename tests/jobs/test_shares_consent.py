"""Consent to put a profile in play: who may be given one, what is recorded, withdrawal, and that withdrawal
takes effect on the next request (the helper's next share, and a recipient's passing it on, ask her again)."""

import pytest
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.jobs.access import shares as access
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import CoachAccess, ConsentScope, ProfileShare, ShareConsent, ShareRecipient, ShareState
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import SeekerProfile, Target
from kaffebro.notifications.models import Notification
from tests.jobs.conftest import cards_of, give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages and reasons in the active language: English, whatever the Danish catalogue says."""
    with translation.override("en"):
        yield


NOTE = "Mette and I worked together for three years; she is the one to talk to about data."


def standing_text(seeker, helper):
    return actions.consent_text(seeker, helper, scope=ConsentScope.STANDING)


class TestWhoMayBeGivenConsent:
    def test_a_member_among_her_contacts(self, mette, jonas):
        assert list(access.eligible_helpers(mette)) == [jonas]

    def test_her_coach_while_the_access_is_open(self, mette, jonas, birthe):
        access_row = CoachAccess.objects.create(seeker=mette, coach=birthe)
        assert set(access.eligible_helpers(mette)) == {jonas, birthe}
        access_row.withdrawn = timezone.now()
        access_row.save()
        assert set(access.eligible_helpers(mette)) == {jonas}

    def test_a_member_she_met_over_coffee(self, mette, jonas, sofie, target):
        meeting = MeetingRequest.objects.create(
            seeker=mette,
            brief=PrepBrief.objects.create(seeker=mette, target=target),
            kind=RequestKind.DIRECT,
            person=member_person(sofie),
            person_member=sofie,
            state=RequestState.SCHEDULED,
        )
        assert sofie not in access.eligible_helpers(mette)
        MeetingRequest.objects.filter(pk=meeting.pk).update(state=RequestState.HELD)
        assert sofie in access.eligible_helpers(mette)

    def test_never_a_stranger(self, mette, lars):
        with pytest.raises(actions.Refused, match="Choose one of the people listed"):
            actions.grant_consent(mette, lars, shown=actions.text_digest(standing_text(mette, lars)))
        assert not ShareConsent.objects.exists()


class TestGranting:
    def test_time_scope_language_and_the_exact_text_are_recorded(self, mette, jonas):
        before = timezone.now()
        consent = give_consent(mette, jonas)
        assert (consent.seeker, consent.helper, consent.scope) == (mette, jonas, ConsentScope.STANDING)
        assert consent.language == "da" and consent.granted >= before and consent.withdrawn is None
        assert consent.text == standing_text(mette, jonas)
        with translation.override("da"):
            assert "Mette Kristensen" in consent.text and "Jonas Berg" in consent.text
        event = Event.objects.get(kind="share.consent_granted")
        assert (event.actor, event.subject, event.data["helper"]) == (mette, consent.code, jonas.pk)

    def test_the_text_is_in_her_language(self, mette, jonas):
        mette.language = "en"
        mette.save(update_fields=["language"])
        assert give_consent(mette, jonas).text.startswith("I, Mette Kristensen, agree that Jonas Berg may")

    def test_a_text_other_than_the_one_shown_is_refused(self, mette, jonas):
        with pytest.raises(actions.Refused, match="changed since you opened the page"):
            actions.grant_consent(mette, jonas, shown=actions.text_digest("another text"))
        assert not ShareConsent.objects.exists()

    def test_twice_is_refused(self, mette, jonas):
        give_consent(mette, jonas)
        with pytest.raises(actions.Refused, match="already has your consent"):
            give_consent(mette, jonas)
        assert ShareConsent.objects.count() == 1

    def test_a_profile_is_needed(self, mette, jonas):
        SeekerProfile.objects.filter(user=mette).delete()
        with pytest.raises(actions.Refused, match="profile first"):
            give_consent(mette, jonas)

    def test_the_helper_is_told(self, mette, jonas, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            give_consent(mette, jonas)
        assert list(Notification.objects.values_list("recipient", flat=True)) == [jonas.pk]


class TestWithdrawing:
    def test_withdrawal_is_a_timestamp_and_happens_once(self, mette, jonas):
        consent = give_consent(mette, jonas)
        actions.withdraw_consent(mette, consent)
        consent.refresh_from_db()
        assert consent.withdrawn is not None and consent.text
        with pytest.raises(actions.Refused, match="already withdrawn"):
            actions.withdraw_consent(mette, consent)
        assert Event.objects.filter(kind="share.consent_withdrawn").count() == 1

    def test_only_she_can_withdraw(self, mette, jonas):
        consent = give_consent(mette, jonas)
        with pytest.raises(actions.Refused):
            actions.withdraw_consent(jonas, consent)
        consent.refresh_from_db()
        assert consent.withdrawn is None

    def test_she_can_consent_again_after_withdrawing(self, mette, jonas):
        actions.withdraw_consent(mette, give_consent(mette, jonas))
        assert give_consent(mette, jonas).withdrawn is None
        assert ShareConsent.objects.filter(seeker=mette, helper=jonas).count() == 2


class TestWithdrawalTakesEffectOnTheNextRequest:
    """Jonas sends one share with her standing consent; she withdraws it; his next share must ask her."""

    def test_the_next_share_waits_for_her_consent_and_she_is_asked(
        self, mette, jonas, in_play_cast, django_capture_on_commit_callbacks
    ):
        consent = give_consent(mette, jonas)
        first = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        assert (first.state, first.consent) == (ShareState.SENT, consent)
        actions.withdraw_consent(mette, consent)
        with django_capture_on_commit_callbacks(execute=True):
            second = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
        assert (second.state, second.consent) == (ShareState.AWAITING_CONSENT, None)
        assert Event.objects.filter(kind="share.consent_asked", subject=second.code).exists()
        assert list(Notification.objects.filter(kind="share.consent_asked").values_list("recipient", flat=True)) == [
            mette.pk
        ]
        assert not Notification.objects.filter(recipient=in_play_cast["sofie"].member).exists()
        # What was sent before the withdrawal stays with its recipients.
        first.refresh_from_db()
        assert first.state == ShareState.SENT

    def test_the_card_of_the_waiting_share_is_nobodys_until_she_consents(self, mette, jonas, sofie, in_play_cast):
        actions.withdraw_consent(mette, give_consent(mette, jonas))
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
        row = share.recipients.get()
        assert not access.cards_for(sofie).exists()
        text = actions.consent_text(mette, jonas, scope=ConsentScope.ONE, recipients=1)
        actions.consent_to_share(mette, share, shown=actions.text_digest(text))
        share.refresh_from_db()
        assert share.state == ShareState.SENT
        assert (share.consent.scope, share.consent.text, share.consent.helper) == (ConsentScope.ONE, text, jonas)
        assert list(access.cards_for(sofie)) == [row]

    def test_she_can_decline_the_next_one(self, mette, jonas, sofie, in_play_cast):
        actions.withdraw_consent(mette, give_consent(mette, jonas))
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
        actions.decline_consent(mette, share)
        share.refresh_from_db()
        assert share.state == ShareState.CANCELLED and share.consent is None
        assert not access.cards_for(sofie).exists()
        assert not ShareConsent.objects.filter(scope=ConsentScope.ONE).exists()

    def test_a_recipient_passing_it_on_after_the_withdrawal_must_ask_her_too(self, mette, jonas, sofie, in_play_cast):
        from tests.conftest import know

        consent = give_consent(mette, jonas)
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
        know(sofie, in_play_cast["peter"])
        actions.withdraw_consent(mette, consent)
        passed = actions.pass_on(sofie, share.recipients.get(), cards_of(sofie, in_play_cast["peter"])[0], NOTE)
        assert (passed.state, passed.consent) == (ShareState.AWAITING_CONSENT, None)

    def test_a_consent_withdrawn_between_two_shares_of_one_day_counts_at_once(self, mette, jonas, in_play_cast):
        """The consent is read when the share is made: not cached from the page Jonas opened earlier."""
        consent = give_consent(mette, jonas)
        playable = access.playable_seeker(jonas, mette.seeker_profile.code)
        assert playable.consent == consent
        actions.withdraw_consent(mette, consent)
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        assert share.state == ShareState.AWAITING_CONSENT
        assert access.playable_seeker(jonas, mette.seeker_profile.code).consent is None

    def test_after_the_withdrawal_her_targets_are_no_longer_read(self, mette, jonas):
        consent = give_consent(mette, jonas)
        assert access.targets_for_helper(jonas, access.playable_seeker(jonas, mette.seeker_profile.code)) == list(
            Target.objects.filter(seeker=mette)
        )
        actions.withdraw_consent(mette, consent)
        assert access.targets_for_helper(jonas, access.playable_seeker(jonas, mette.seeker_profile.code)) == []


class TestOneTimeConsent:
    def test_the_text_shown_must_be_the_text_consented_to(self, mette, jonas, in_play_cast):
        actions.withdraw_consent(mette, give_consent(mette, jonas))
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        stale = actions.consent_text(mette, jonas, scope=ConsentScope.ONE, recipients=3)
        with pytest.raises(actions.Refused, match="changed"):
            actions.consent_to_share(mette, share, shown=actions.text_digest(stale))
        assert ProfileShare.objects.get(pk=share.pk).state == ShareState.AWAITING_CONSENT
        assert not ShareConsent.objects.filter(scope=ConsentScope.ONE).exists()

    def test_only_one_waiting_share_per_helper(self, mette, jonas, in_play_cast):
        actions.withdraw_consent(mette, give_consent(mette, jonas))
        actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        with pytest.raises(actions.Refused, match="already asked"):
            actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)

    def test_her_coach_may_ask_without_a_standing_consent(self, mette, birthe, sofie):
        from tests.conftest import know

        CoachAccess.objects.create(seeker=mette, coach=birthe)
        know(birthe, member_person(sofie))
        share = actions.send_share(birthe, mette, cards_of(birthe, member_person(sofie)), NOTE)
        assert share.state == ShareState.AWAITING_CONSENT

    def test_a_stranger_may_not_even_ask(self, mette, lars):
        with pytest.raises(actions.Refused):
            actions.send_share(lars, mette, cards_of(lars, lars.contact_cards.get().person), NOTE)
        assert not ProfileShare.objects.exists() and not ShareRecipient.objects.exists()

    def test_the_helper_may_call_a_waiting_share_off(self, mette, jonas, in_play_cast):
        actions.withdraw_consent(mette, give_consent(mette, jonas))
        share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        actions.cancel_share(jonas, share)
        assert ProfileShare.objects.get(pk=share.pk).state == ShareState.CANCELLED
        text = actions.consent_text(mette, jonas, scope=ConsentScope.ONE, recipients=1)
        with pytest.raises(actions.Refused, match="moved on"):
            actions.consent_to_share(mette, share, shown=actions.text_digest(text))
        assert ProfileShare.objects.get(pk=share.pk).consent is None

    def test_a_withdrawn_consent_leaves_the_record(self, mette, jonas):
        consent = give_consent(mette, jonas)
        actions.withdraw_consent(mette, consent)
        kept = ShareConsent.objects.get(pk=consent.pk)
        assert kept.withdrawn is not None and (kept.text, kept.granted) == (consent.text, consent.granted)
