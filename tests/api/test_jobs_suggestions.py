"""/suggestions and /inbox: candidate suggestions for each party, every row of the table allowed and refused.

Jonas (with Mette's standing consent) suggests Mette to Sofie, who decides in Digitalisering; Birthe
coaches Mette without one, so her suggestion waits for Mette's consent. Dorte decides elsewhere and
Lars is a stranger: both get 404 and empty lists.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaffebro.core.models import AccessKind, AccessLog
from kaffebro.jobs.models import Suggestion
from kaffebro.jobs.models import SuggestionState as S
from kaffebro.jobs.suggestions_states import TRANSITIONS
from tests.conftest import make_member
from tests.jobs.conftest import give_consent, suggestion_of

pytestmark = pytest.mark.django_db

WHO = {"seeker": "mette", "suggester": "jonas", "decision_maker": "sofie"}
BODY = {"not_a_fit": {"reason": "Not now, thank you."}, "invite_to_coffee": {"message": "Kaffe?"}}


@pytest.fixture
def suggestion(mette, jonas, sofie, opening):
    return suggestion_of(mette, jonas, sofie, posting=opening)


@pytest.fixture
def clients(mette, jonas, sofie, birthe, dorte, lars, as_member):
    people = {"mette": mette, "jonas": jonas, "sofie": sofie, "birthe": birthe, "dorte": dorte, "lars": lars}
    return {name: as_member(user) for name, user in people.items()}


def path_of(action: str) -> str:
    return "inbox" if TRANSITIONS[action].who == "decision_maker" else "suggestions"


def test_a_suggestion_with_her_consent_goes_straight_to_the_decision_maker(mette, jonas, opening, region_h, clients):
    give_consent(mette, jonas)
    body = {
        "seeker": mette.code,
        "organisation": region_h.code,
        "place": f"posting:{opening.code}",
        "how_known": "We worked together for three years.",
        "why_fit": "She knows data and people.",
    }
    made = clients["jonas"].post("/api/v1/suggestions/", body, HTTP_IDEMPOTENCY_KEY="sg-1")
    assert made.status_code == 201, made.json()
    assert clients["jonas"].post("/api/v1/suggestions/", body, HTTP_IDEMPOTENCY_KEY="sg-1").json() == made.json()
    assert Suggestion.objects.count() == 1
    shown = made.json()
    assert (shown["role"], shown["state"], shown["actions"]) == ("suggester", "new", ["withdraw"])
    mine = clients["jonas"].get("/api/v1/suggestions/", {"role": "suggester"}).json()["results"]
    assert [row["code"] for row in mine] == [shown["code"]]
    about = clients["mette"].get("/api/v1/suggestions/").json()["results"]
    assert about[0]["role"] == "seeker" and about[0]["reason_back"] is None
    assert clients["mette"].get("/api/v1/suggestions/", {"role": "boss"}).status_code == 400


def test_bad_suggestions_are_refused(mette, lars, jonas, opening, region_h, clients):
    body = {"seeker": mette.code, "organisation": region_h.code, "place": f"posting:{opening.code}"}
    body |= {"how_known": "x", "why_fit": "y"}
    assert clients["lars"].post("/api/v1/suggestions/", body).status_code == 400  # she is not his to suggest
    assert clients["jonas"].post("/api/v1/suggestions/", {**body, "organisation": "zzzzzzzz"}).status_code == 404
    assert not Suggestion.objects.exists()


def test_she_consents_to_a_waiting_suggestion(mette, birthe, sofie, digitalisering, coached, clients):
    waiting = suggestion_of(mette, birthe, sofie, unit=digitalisering, state=S.AWAITING_CONSENT)
    assert clients["sofie"].get(f"/api/v1/suggestions/{waiting.code}/").status_code == 404
    asked = clients["mette"].get(f"/api/v1/suggestions/{waiting.code}/").json()
    assert asked["actions"] == ["consent", "decline"] and asked["consent_text"]
    wrong = clients["mette"].post(f"/api/v1/suggestions/{waiting.code}/consent/", {"shown": "0" * 64})
    assert wrong.status_code in (409, 422)
    given = clients["mette"].post(f"/api/v1/suggestions/{waiting.code}/consent/", {"shown": asked["shown"]})
    assert given.status_code == 200, given.json()
    assert given.json()["state"] == "new"
    assert clients["sofie"].get(f"/api/v1/suggestions/{waiting.code}/").status_code == 200


@pytest.mark.parametrize("state", [state.value for state in S])
@pytest.mark.parametrize("action", [name for name in TRANSITIONS if name != "consent"])
def test_every_row_is_allowed_only_from_its_sources(action, state, mette, jonas, sofie, opening, clients):
    suggestion = suggestion_of(mette, jonas, sofie, posting=opening, state=state)
    who = TRANSITIONS[action].who
    response = clients[WHO[who]].post(f"/api/v1/{path_of(action)}/{suggestion.code}/{action}/", BODY.get(action, {}))
    now = Suggestion.objects.get(pk=suggestion.pk).state
    if who == "decision_maker" and state in (S.AWAITING_CONSENT, S.CANCELLED):
        assert response.status_code == 404  # it never reached her
    elif state in TRANSITIONS[action].sources:
        assert response.status_code == 200, response.json()
        assert now == TRANSITIONS[action].target == response.json()["state"]
    else:
        assert response.status_code == 409, response.json()
        assert now == state


def test_a_party_taking_another_partys_step_is_refused_403(suggestion, clients):
    assert clients["jonas"].post(f"/api/v1/inbox/{suggestion.code}/invite_to_apply/").status_code == 403
    assert clients["sofie"].post(f"/api/v1/suggestions/{suggestion.code}/withdraw/").status_code == 403
    assert clients["mette"].post(f"/api/v1/suggestions/{suggestion.code}/withdraw/").status_code == 403
    assert clients["sofie"].post(f"/api/v1/suggestions/{suggestion.code}/archive/").status_code == 404  # inbox's
    assert Suggestion.objects.get().state == S.NEW


def test_everyone_else_gets_404_and_empty_lists(suggestion, clients, anonymous_api):
    for name in ("dorte", "lars"):
        client = clients[name]
        assert client.get(f"/api/v1/suggestions/{suggestion.code}/").status_code == 404
        assert client.post(f"/api/v1/inbox/{suggestion.code}/archive/").status_code == 404
        assert client.post(f"/api/v1/suggestions/{suggestion.code}/withdraw/").status_code == 404
        assert client.get("/api/v1/inbox/").json() == []
        assert client.get("/api/v1/suggestions/").json()["results"] == []
    for path in ("/api/v1/suggestions/", "/api/v1/inbox/", "/api/v1/inbox/shortlist.csv"):
        assert anonymous_api.get(path).status_code == 401
    assert Suggestion.objects.get().state == S.NEW


def test_the_inbox_groups_filters_and_logs_the_reads(mette, jonas, birthe, sofie, opening, suggestion, clients):
    suggestion_of(mette, birthe, sofie, posting=opening)
    inbox = clients["sofie"].get("/api/v1/inbox/").json()
    assert len(inbox) == 1 and len(inbox[0]["endorsements"]) == 2
    assert inbox[0]["code"] == suggestion.code and "invite_to_coffee" in inbox[0]["actions"]
    assert AccessLog.objects.filter(subject=mette, kind=AccessKind.DECISION_MAKER_OPENED_CANDIDATE).count() == 1
    assert clients["sofie"].get("/api/v1/inbox/", {"state": "hired"}).json() == []
    assert clients["sofie"].get("/api/v1/inbox/", {"posting": opening.code}).json()[0]["code"] == suggestion.code
    assert clients["sofie"].get("/api/v1/inbox/", {"state": "nonsense"}).status_code == 400


def test_the_shortlist_csv(suggestion, clients, mette):
    response = clients["sofie"].get("/api/v1/inbox/shortlist.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == mette.display_name and len(rows) == 2
    assert AccessLog.objects.filter(kind=AccessKind.DECISION_MAKER_EXPORTED_SHORTLIST).count() == 1


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_lists_read_a_fixed_number_of_queries(mette, jonas, sofie, opening, clients):
    suggestion_of(mette, jonas, sofie, posting=opening)
    paths = {"sofie": "/api/v1/inbox/", "jonas": "/api/v1/suggestions/?role=suggester", "mette": "/api/v1/suggestions/"}
    warm = {name: queries(clients[name], path) for name, path in paths.items()}  # the token's use, the log's rows
    before = {name: queries(clients[name], path) for name, path in paths.items()}
    for number in range(3):
        other = make_member(f"seeker{number}@example.org", f"Søger {number}")
        suggestion_of(other, jonas, sofie, posting=opening)
        suggestion_of(mette, jonas, sofie, posting=opening, state=S.ARCHIVED)
    warm = {name: queries(clients[name], path) for name, path in paths.items()}
    assert {name: queries(clients[name], path) for name, path in paths.items()} == before
    assert warm["sofie"] == before["sofie"] + 1  # the new candidates' first read is logged: one insert for all
