"""The notices of profiles in play: every kind registered, rendered for each of its readers in Danish and English,
gone once it is no longer theirs to act on, and never addressed to the one who acted."""

import pytest

from kaffebro.core.models import Event
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import ConsentScope, ShareAnswer
from kaffebro.jobs.notices import shares as notices
from kaffebro.notifications import registry
from tests.conftest import know
from tests.jobs.conftest import cards_of, give_consent

pytestmark = pytest.mark.django_db

NOTE = "Worth a coffee."


@pytest.fixture
def story(mette, jonas, sofie, in_play_cast):
    """Every event kind once: a consent, a share sent, answered and passed on, one asked for and declined,
    one asked for and consented to."""
    consent = give_consent(mette, jonas)
    share = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"], in_play_cast["karin"]), NOTE)
    actions.record_answer(jonas, share.recipients.get(person=in_play_cast["karin"]), ShareAnswer.NOT_NOW)
    know(sofie, in_play_cast["peter"])
    actions.pass_on(sofie, share.recipients.get(member=sofie), cards_of(sofie, in_play_cast["peter"])[0], NOTE)
    actions.withdraw_consent(mette, consent)
    declined = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
    actions.decline_consent(mette, declined)
    asked = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
    text = actions.consent_text(mette, jonas, scope=ConsentScope.ONE, recipients=1)
    actions.consent_to_share(mette, asked, shown=actions.text_digest(text))


def test_every_kind_that_tells_someone_is_registered():
    for name in notices.WRITERS:
        registration = registry.registration_for(f"share.{name}")
        assert registration is not None and registration.render is notices.render and registration.email
    assert registry.registration_for("share.consent_withdrawn") is None


def test_every_notice_renders_for_its_readers_in_both_languages(story, mette, jonas, sofie):
    seen = set()
    for event in Event.objects.filter(kind__startswith="share."):
        for member_id in notices.recipients(event):
            assert member_id != event.actor_id
            member = {user.pk: user for user in (mette, jonas, sofie)}[member_id]
            for language in ("da", "en"):
                member.language = language
                rendered = registry.render_for(event, member)
                if rendered is None:
                    continue  # gone: no longer theirs to act on (a request for consent already answered)
                assert rendered.subject and rendered.text and rendered.link.startswith("/jobs/in-play/")
                assert "%(" not in rendered.subject + rendered.text
                seen.add(event.kind)
    # The consent was withdrawn and each request for consent answered since: those two are gone (below).
    assert seen == {f"share.{name}" for name in notices.WRITERS} - {"share.consent_granted", "share.consent_asked"}


def test_the_consent_and_the_request_for_one_render_while_they_stand(mette, jonas, in_play_cast):
    consent = give_consent(mette, jonas)
    actions.withdraw_consent(mette, consent)
    give_consent(mette, jonas)
    actions.withdraw_consent(mette, mette.consents_given.get(withdrawn__isnull=True))
    actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
    for language in ("da", "en"):
        mette.language = jonas.language = language
        granted = registry.render_for(Event.objects.filter(kind="share.consent_granted").order_by("-id").first(), jonas)
        asked = registry.render_for(Event.objects.get(kind="share.consent_asked"), mette)
        assert granted is None  # both consents are withdrawn now
        assert asked is not None and "Jonas Berg" in asked.subject and "%(" not in asked.text
    give_consent(mette, jonas)
    granted = registry.render_for(Event.objects.filter(kind="share.consent_granted").order_by("-id").first(), jonas)
    assert granted is not None and "Mette Kristensen" in granted.subject
    assert granted.link == f"/jobs/in-play/seeker/{mette.seeker_profile.code}/"


def test_a_request_for_consent_already_answered_is_gone(story, mette):
    asked = Event.objects.filter(kind="share.consent_asked")
    assert asked.count() == 2
    assert all(registry.render_for(event, mette) is None for event in asked)


def test_a_stranger_reads_nothing(story, lars):
    assert all(registry.render_for(event, lars) is None for event in Event.objects.filter(kind__startswith="share."))
