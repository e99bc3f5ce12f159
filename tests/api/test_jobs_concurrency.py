"""Sixteen API clients at once on every jobs POST that creates or moves something: exactly one effect.

A creation sent with one Idempotency-Key is made once and answered alike to every client; sent
without one, the action's own lock lets one through and refuses the rest (409, or 422 naming the
field). A step of a state table is taken once; the other fifteen get 409. Never a 500.

Runs on PostgreSQL only (real row locks between connections; SQLite runs one writer at a time):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_ci
"""

import datetime
from collections import Counter

from django.utils import timezone
from rest_framework.test import APIClient

from kaffebro.api.actions import create_token
from kaffebro.core.models import Event
from kaffebro.jobs.actions import shares as share_actions
from kaffebro.jobs.models import (
    Outcome,
    ProfileShare,
    ShareAnswer,
    ShareConsent,
    ShareRecipient,
    ShareState,
    Suggestion,
    SuggestionState,
)
from kaffebro.meetings.models import MeetingRequest
from kaffebro.network.members import member_person
from kaffebro.network.models import Posting
from tests import concurrency
from tests.api.conftest import bearer
from tests.conftest import know
from tests.jobs.conftest import SHARE_NOTE, cards_of, give_consent, suggestion_of

pytestmark = concurrency.POSTGRES_ONLY

THREADS = concurrency.THREADS
REFUSED = {409, 422}


def race_posts(user, path: str, bodies: list[dict], *, key: str = "") -> list:
    """Each body posted by its own client of the member, all released at once; the answers."""
    credentials = bearer(create_token(user, "race").value)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    sends = [lambda body=body: APIClient().post(path, body, format="json", **credentials, **headers) for body in bodies]
    answers, refused = concurrency.race(_one_each(sends), threads=len(sends))
    assert refused == []
    return answers


def _one_each(sends: list):
    """One callable for `race` that gives each thread the next send (the threads start together)."""
    remaining = list(sends)

    def send():
        return remaining.pop()()

    return send


def same(body: dict) -> list[dict]:
    return [body] * THREADS


def statuses(answers) -> Counter:
    return Counter(answer.status_code for answer in answers)


def exactly_one(answers, success: int = 200) -> None:
    counted = statuses(answers)
    assert counted[success] == 1 and sum(counted[code] for code in REFUSED) == THREADS - 1, counted


def one_replayed(answers, success: int = 201) -> str:
    """Every client got the one creation's answer; its code."""
    assert statuses(answers) == Counter({success: THREADS}), [answer.json() for answer in answers]
    codes = {answer.json()["code"] for answer in answers}
    assert len(codes) == 1
    return codes.pop()


def yesterday() -> str:
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


# Consents


def test_sixteen_standing_consents_to_the_same_helper_make_one(mette, jonas):
    text = share_actions.consent_text(mette, jonas, scope="standing")
    body = {"helper": member_person(jonas).code, "shown": share_actions.text_digest(text)}
    exactly_one(race_posts(mette, "/api/v1/consents/", same(body)), success=201)
    assert ShareConsent.objects.count() == 1
    assert Event.objects.filter(kind="share.consent_granted").count() == 1


def test_sixteen_withdrawals_withdraw_once(mette, jonas):
    consent = give_consent(mette, jonas)
    exactly_one(race_posts(mette, f"/api/v1/consents/{consent.code}/withdraw/", same({})))
    assert ShareConsent.objects.get().withdrawn is not None
    assert Event.objects.filter(kind="share.consent_withdrawn").count() == 1


# Shares and cards


def test_sixteen_shares_with_one_key_make_one(mette, jonas, consent, in_play_cast):
    body = {"seeker": mette.seeker_profile.code, "recipients": cards_of(jonas, in_play_cast["sofie"]), "note": "Hi."}
    one_replayed(race_posts(jonas, "/api/v1/shares/", same(body), key="share-race-1"))
    assert ProfileShare.objects.count() == 1 and ShareRecipient.objects.count() == 1


def test_sixteen_consents_to_a_waiting_share_send_it_once(mette, birthe, coached, in_play_cast):
    know(birthe, in_play_cast["sofie"])
    share = share_actions.send_share(birthe, mette, cards_of(birthe, in_play_cast["sofie"]), SHARE_NOTE)
    text = share_actions.consent_text(mette, birthe, scope="one", recipients=1)
    body = {"shown": share_actions.text_digest(text)}
    exactly_one(race_posts(mette, f"/api/v1/shares/{share.code}/consent/", same(body)))
    assert ProfileShare.objects.get().state == ShareState.SENT
    assert Event.objects.filter(kind="share.consented").count() == 1


def test_sixteen_answers_of_every_kind_to_one_card_count_once(mette, sofie, rows, in_play_cast):
    card = rows["sofie"]
    know(sofie, in_play_cast["peter"])
    pass_on = {"recipient": cards_of(sofie, in_play_cast["peter"])[0], "note": "Meet her."}
    credentials = bearer(create_token(sofie, "race").value)
    kinds = [("coffee", {"message": "Gerne."}), ("not_now", {}), ("pass_on", pass_on)]
    sends = [
        lambda answer=answer, body=body: APIClient().post(
            f"/api/v1/cards/{card.code}/{answer}/", body, format="json", **credentials
        )
        for answer, body in (kinds[number % 3] for number in range(THREADS))
    ]
    answers, refused = concurrency.race(_one_each(sends))
    assert refused == []
    exactly_one(answers)
    assert ShareRecipient.objects.get(pk=card.pk).answer != ShareAnswer.PENDING
    assert Event.objects.filter(kind="share.answered").count() == 1
    assert MeetingRequest.objects.count() + ProfileShare.objects.filter(helper=sofie).count() <= 1


# Suggestions and the inbox


def test_sixteen_suggestions_of_her_to_the_same_place_make_one(mette, jonas, region_h, opening):
    give_consent(mette, jonas)
    body = {
        "seeker": mette.code,
        "organisation": region_h.code,
        "place": f"posting:{opening.code}",
        "how_known": "We worked together for three years.",
        "why_fit": "She knows data and people.",
    }
    exactly_one(race_posts(jonas, "/api/v1/suggestions/", same(body)), success=201)
    assert Suggestion.objects.count() == 1
    assert Event.objects.filter(kind="suggestion.made").count() == 1


def test_sixteen_consents_to_a_suggestion_pass_it_on_once(mette, birthe, sofie, coached, opening):
    suggestion = suggestion_of(mette, birthe, sofie, posting=opening, state=SuggestionState.AWAITING_CONSENT)
    text = mette_consent_text(suggestion)
    exactly_one(race_posts(mette, f"/api/v1/suggestions/{suggestion.code}/consent/", same({"shown": text})))
    assert Suggestion.objects.get().state == SuggestionState.NEW
    assert Event.objects.filter(kind="suggestion.consent").count() == 1


def mette_consent_text(suggestion) -> str:
    from kaffebro.jobs.actions import suggestions as suggestion_actions

    return share_actions.text_digest(suggestion_actions.consent_text(suggestion))


def test_sixteen_invitations_to_coffee_make_one_meeting(mette, jonas, sofie, opening):
    suggestion = suggestion_of(mette, jonas, sofie, posting=opening)
    body = {"message": "Kom forbi til en kaffe."}
    exactly_one(race_posts(sofie, f"/api/v1/inbox/{suggestion.code}/invite_to_coffee/", same(body)))
    assert Suggestion.objects.get().state == SuggestionState.COFFEE
    assert MeetingRequest.objects.count() == 1
    assert Event.objects.filter(kind="suggestion.invite_to_coffee").count() == 1


# Outcomes


def test_sixteen_records_of_the_same_outcome_make_one(mette, target):
    body = {"target": target.code, "kind": "applied", "date": yesterday(), "credit": "advertised"}
    exactly_one(race_posts(mette, "/api/v1/outcomes/", same(body)), success=201)
    assert Outcome.objects.count() == 1


# Postings


def test_sixteen_postings_with_one_key_make_one(sofie, region_h, digitalisering):
    body = {"organisation": region_h.code, "title": "Dataanalytiker", "unit": digitalisering.code}
    code = one_replayed(race_posts(sofie, "/api/v1/postings/", same(body), key="posting-race-1"))
    assert list(Posting.objects.values_list("code", flat=True)) == [code]


def test_sixteen_closes_close_once(sofie, opening):
    exactly_one(race_posts(sofie, f"/api/v1/postings/{opening.code}/close/", same({})))
    assert Posting.objects.get().closed is not None
    assert Event.objects.filter(kind="posting.closed").count() == 1
