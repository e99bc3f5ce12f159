"""/consents, /shares and /cards: profiles in play, for each role.

Mette (seeker) gives Jonas (her connector) a standing consent; Jonas puts her profile in play toward
Sofie (a member), Karin (not a member: never named to Mette) and Per (a member). Birthe coaches Mette
without a standing consent, so her shares wait for Mette's. Lars sees nothing (404, empty lists).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaffebro.core.models import AccessLog
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import ProfileShare, ShareAnswer, ShareConsent, ShareRecipient, ShareState
from kaffebro.jobs.shares_states import TRANSITIONS
from kaffebro.meetings.models import MeetingRequest
from kaffebro.network.members import member_person
from tests.conftest import know
from tests.jobs.conftest import SHARE_NOTE as NOTE
from tests.jobs.conftest import cards_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(mette, birthe, coached, in_play_cast):
    """Birthe's share of Mette toward Sofie, waiting for Mette's consent."""
    know(birthe, in_play_cast["sofie"])
    return actions.send_share(birthe, mette, cards_of(birthe, in_play_cast["sofie"]), NOTE)


def test_she_reads_the_text_then_gives_and_withdraws_a_standing_consent(mette, jonas, as_member):
    client = as_member(mette)
    offers = client.get("/api/v1/consents/helpers/").json()
    offer = next(row for row in offers if row["name"] == jonas.display_name)
    assert offer["text"]
    tampered = client.post("/api/v1/consents/", {"helper": offer["helper"], "shown": "0" * 64})
    assert tampered.status_code in (409, 422) and not ShareConsent.objects.exists()
    body = {"helper": offer["helper"], "shown": offer["shown"]}
    given = client.post("/api/v1/consents/", body, HTTP_IDEMPOTENCY_KEY="c-1")
    assert given.status_code == 201, given.json()
    assert client.post("/api/v1/consents/", body, HTTP_IDEMPOTENCY_KEY="c-1").json() == given.json()
    assert ShareConsent.objects.count() == 1 and given.json()["text"] == offer["text"]
    code = given.json()["code"]
    assert [row["code"] for row in client.get("/api/v1/consents/").json()["results"]] == [code]
    withdrawn = client.post(f"/api/v1/consents/{code}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is not None
    assert client.post(f"/api/v1/consents/{code}/withdraw/").status_code == 409


def test_a_consent_to_someone_she_may_not_choose_or_of_someone_else(consent, mette, lars, as_member):
    assert (
        as_member(mette).post("/api/v1/consents/", {"helper": member_person(lars).code, "shown": "x"}).status_code
        == 404
    )
    assert as_member(lars).post(f"/api/v1/consents/{consent.code}/withdraw/").status_code == 404
    assert as_member(lars).get("/api/v1/consents/").json()["results"] == []
    assert ShareConsent.objects.get().withdrawn is None


def test_the_helper_puts_her_in_play_and_sees_the_text_for_a_non_member(mette, jonas, consent, in_play_cast, as_member):
    client = as_member(jonas)
    seekers = client.get("/api/v1/shares/seekers/").json()
    assert seekers == [{"seeker": mette.seeker_profile.code, "name": mette.display_name, "standing_consent": True}]
    body = {
        "seeker": mette.seeker_profile.code,
        "recipients": cards_of(jonas, in_play_cast["sofie"], in_play_cast["karin"]),
        "note": NOTE,
    }
    created = client.post("/api/v1/shares/", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert created.status_code == 201, created.json()
    assert client.post("/api/v1/shares/", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1").json() == created.json()
    assert ProfileShare.objects.count() == 1
    shown = created.json()
    assert shown["state"] == "sent"
    karin = next(row for row in shown["recipients"] if not row["is_member"])
    assert karin["name"] == "Karin Vestergaard" and "Karin Vestergaard" in karin["text_to_send"]
    listed = client.get("/api/v1/shares/").json()["results"]
    assert [row["code"] for row in listed] == [shown["code"]] and listed[0]["recipients"][0]["text_to_send"] == ""


def test_bad_shares_are_refused(mette, jonas, lars, consent, in_play_cast, as_member):
    code = mette.seeker_profile.code
    no_note = {"seeker": code, "recipients": cards_of(jonas, in_play_cast["sofie"]), "note": ""}
    assert as_member(jonas).post("/api/v1/shares/", no_note, format="json").status_code == 400
    stranger = {"seeker": code, "recipients": ["abcdefgh"], "note": NOTE}
    assert as_member(lars).post("/api/v1/shares/", stranger, format="json").status_code == 404
    assert not ProfileShare.objects.exists()


def test_her_list_names_members_and_never_a_non_member(mette, rows, as_member):
    results = as_member(mette).get("/api/v1/shares/mine/").json()["results"]
    shown = {row["shown_as"] for row in results[0]["recipients"]}
    assert "Sofie Holm" in shown and "Per Dahl" in shown
    assert not any("Karin" in name for name in shown)
    assert "Karin" not in str(results)


def test_a_waiting_share_is_consented_by_her_only(mette, birthe, waiting, as_member):
    mine = as_member(mette).get("/api/v1/shares/mine/").json()["results"]
    row = next(row for row in mine if row["code"] == waiting.code)
    assert row["state"] == "awaiting_consent" and row["consent_text"]
    assert as_member(birthe).post(f"/api/v1/shares/{waiting.code}/consent/", {"shown": row["shown"]}).status_code == 403
    consented = as_member(mette).post(f"/api/v1/shares/{waiting.code}/consent/", {"shown": row["shown"]})
    assert consented.status_code == 200, consented.json()
    assert consented.json()["state"] == "sent"
    assert as_member(mette).post(f"/api/v1/shares/{waiting.code}/decline_consent/").status_code == 409


@pytest.mark.parametrize("action", ["consent", "decline_consent", "cancel"])
@pytest.mark.parametrize("state", [ShareState.AWAITING_CONSENT, ShareState.SENT, ShareState.CANCELLED])
def test_every_share_step_from_its_sources_only(action, state, mette, birthe, waiting, as_member):
    ProfileShare.objects.filter(pk=waiting.pk).update(state=state)
    party = {"seeker": mette, "helper": birthe}[TRANSITIONS[action].who]
    shown = as_member(mette).get("/api/v1/shares/mine/").json()["results"][0]["shown"]
    response = as_member(party).post(f"/api/v1/shares/{waiting.code}/{action}/", {"shown": shown or ""})
    now = ProfileShare.objects.get(pk=waiting.pk).state
    if state in TRANSITIONS[action].sources:
        assert response.status_code == 200, response.json()
        assert now == TRANSITIONS[action].target
    else:
        assert response.status_code == 409, response.json()
        assert now == state


def test_the_helper_cannot_consent_and_the_seeker_cannot_cancel(mette, birthe, waiting, as_member):
    assert as_member(mette).post(f"/api/v1/shares/{waiting.code}/cancel/").status_code == 403
    assert as_member(birthe).post(f"/api/v1/shares/{waiting.code}/decline_consent/").status_code == 403
    assert ProfileShare.objects.get().state == ShareState.AWAITING_CONSENT


def test_the_stranger_sees_nothing(share, rows, lars, as_member, anonymous_api):
    client = as_member(lars)
    assert client.get(f"/api/v1/shares/{share.code}/").status_code == 404
    for action in ("consent", "decline_consent", "cancel", "nope"):
        assert client.post(f"/api/v1/shares/{share.code}/{action}/").status_code == 404
    assert client.get(f"/api/v1/cards/{rows['sofie'].code}/").status_code == 404
    assert client.post(f"/api/v1/cards/{rows['sofie'].code}/coffee/").status_code == 404
    assert (
        client.post(f"/api/v1/shares/recipients/{rows['karin'].code}/record/", {"answer": "coffee"}).status_code == 404
    )
    for path in ("/api/v1/shares/", "/api/v1/shares/mine/", "/api/v1/cards/"):
        assert client.get(path).json()["results"] == []
        assert anonymous_api.get(path).status_code == 401
    assert not ShareRecipient.objects.exclude(answer=ShareAnswer.PENDING).exists()


def test_reading_a_card_is_in_her_access_log(mette, sofie, rows, as_member):
    listed = as_member(sofie).get("/api/v1/cards/").json()["results"]
    assert [row["code"] for row in listed] == [rows["sofie"].code]
    assert not AccessLog.objects.exists()
    card = as_member(sofie).get(f"/api/v1/cards/{rows['sofie'].code}/").json()
    assert card["note"] == NOTE and card["open_answers"] == ["coffee", "pass_on", "not_now"]
    assert AccessLog.objects.filter(subject=mette).count() == 1


@pytest.mark.parametrize("answer", ["coffee", "not_now", "pass_on"])
def test_a_card_is_answered_once(answer, mette, sofie, rows, in_play_cast, as_member):
    know(sofie, in_play_cast["ulla"], title="Udviklingschef")
    body = {"recipient": cards_of(sofie, in_play_cast["ulla"])[0], "note": NOTE} if answer == "pass_on" else {}
    code = rows["sofie"].code
    answered = as_member(sofie).post(f"/api/v1/cards/{code}/{answer}/", body, HTTP_IDEMPOTENCY_KEY=f"a-{answer}")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["answer"] == answer and answered.json()["open_answers"] == []
    assert (answered.json()["meeting"] is not None) == (answer == "coffee")
    assert as_member(sofie).post(f"/api/v1/cards/{code}/not_now/").status_code == 409
    assert ShareRecipient.objects.get(pk=rows["sofie"].pk).answer == answer
    if answer == "coffee":
        assert MeetingRequest.objects.count() == 1


def test_pass_on_needs_a_contact(sofie, rows, as_member):
    assert as_member(sofie).post(f"/api/v1/cards/{rows['sofie'].code}/pass_on/", {"note": NOTE}).status_code == 400
    assert as_member(sofie).post(f"/api/v1/cards/{rows['sofie'].code}/maybe/").status_code == 404


def test_the_helper_records_a_non_members_answer_once(jonas, rows, as_member):
    url = f"/api/v1/shares/recipients/{rows['karin'].code}/record/"
    recorded = as_member(jonas).post(url, {"answer": "coffee"})
    assert recorded.status_code == 200, recorded.json()
    assert as_member(jonas).post(url, {"answer": "not_now"}).status_code == 409
    assert (
        as_member(jonas)
        .post(f"/api/v1/shares/recipients/{rows['sofie'].code}/record/", {"answer": "coffee"})
        .status_code
        == 404
    )
    assert ShareRecipient.objects.get(pk=rows["karin"].pk).answer == ShareAnswer.COFFEE


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("who", "path"), [("jonas", "/api/v1/shares/"), ("mette", "/api/v1/shares/mine/"), ("sofie", "/api/v1/cards/")]
)
def test_the_lists_read_a_fixed_number_of_queries(
    who, path, mette, jonas, sofie, consent, in_play_cast, per, as_member
):
    people = (in_play_cast["sofie"], in_play_cast["karin"], member_person(per))
    actions.send_share(jonas, mette, cards_of(jonas, *people), NOTE)
    client = as_member({"jonas": jonas, "mette": mette, "sofie": sofie}[who])
    queries(client, path)
    few = queries(client, path)
    for _ in range(3):
        actions.send_share(jonas, mette, cards_of(jonas, *people), NOTE)
    assert queries(client, path) == few
    assert len(client.get(path).json()["results"]) == 4
