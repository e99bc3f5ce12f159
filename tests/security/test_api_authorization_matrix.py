"""The authorization matrix of the REST API (issue 9): every operation, every role, own and foreign objects.

`RULES` says, for every operation of the OpenAPI schema (method and path; an action named in the path, such as
`/requests/{code}/accept/`, is an operation of its own), who passes its gate. The roles and objects are the shared
world's (tests/security/world.py): the "own" object is Mette's side of a kind (her target, her request through
Jonas to Sofie, ...), the "foreign" one someone else's. The conventions of `kaffebro/api/problems.py`:

- no token and no session: 401, as problem+json;
- an object that is not yours to reach (someone else's, or one you are no party to): 404, exactly as if it did
  not exist;
- a role you lack (the caseload without being a coach, a step of a request that is another party's): 403;
- allowed: past the gate. An empty body may then be refused (400, 409, 415, 422): that is the view's own check,
  after the gate. Never a 500.

A refused request writes nothing: no INSERT, UPDATE or DELETE but the token's own `last_used`. Members call as a
client program would, with a personal token; the session gives the same answers (a sample of roles checks it).
An object named in a body (a target, a profile, a helper, an organisation) is judged as one named in the path
(`BODY_REFERENCES`). `test_every_operation_and_url_pattern_has_a_rule` fails for an operation of the schema, or
an `api:` URL pattern, that `RULES` does not cover, so a new endpoint cannot slip past the matrix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from kaffebro.jobs.models import ProfileShare, ShareRecipient
from tests.api.conftest import bearer
from tests.conftest import ONCE_IN_THE_SQLITE_PASS, log_in_with_second_factor
from tests.security.api_world import ApiWorld, build_api_world
from tests.security.world import ANONYMOUS, MEMBER_ROLES, ROLES, SECOND_FACTOR_ROLES, World

pytestmark = ONCE_IN_THE_SQLITE_PASS

P = "/api/v1"
OWN, FOREIGN = "own", "foreign"
ALLOW, DENY, HIDE, ASK_TO_LOG_IN = "allowed", "403", "404", "401"
METHODS = ("get", "post", "put", "patch", "delete")
MEMBERS = frozenset(MEMBER_ROLES)
MANAGERS = frozenset({"sofie", "dorte", "olga"})  # decision-makers (of some unit) and the operator
COACHES = frozenset({"birthe", "kim"})


@dataclass(frozen=True)
class Rule:
    """Who passes an operation's gate. With a `kind`, the operation names an object of that kind (in its path, or
    in the query parameter `query`): the roles in `allow` reach Mette's; a role neither allowed nor denied gets
    404. Without a kind there is nothing to hide, so a role not allowed gets 403 (unless listed in `hide`: "you
    have none yet"). On the foreign object every role gets 404 but those in `foreign_allow` and its own parties."""

    kind: str | None = None
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    hide: frozenset[str] = frozenset()
    foreign_allow: frozenset[str] = frozenset()
    query: str | None = None

    def expect(self, role: str, side: str, foreign_parties: frozenset[str] = frozenset()) -> str:
        if role == ANONYMOUS:
            return ASK_TO_LOG_IN
        if side == FOREIGN:
            return ALLOW if role in self.foreign_allow | foreign_parties else HIDE
        if role in self.allow:
            return ALLOW
        if role in self.deny:
            return DENY
        if role in self.hide or self.kind is not None:
            return HIDE
        return DENY


ANY_MEMBER = Rule(allow=MEMBERS)


def role_only(*roles: str) -> Rule:
    return Rule(allow=frozenset(roles))


def owner_only(kind: str, **more) -> Rule:
    """Mette's own object: nobody else reaches it, whatever their role."""
    return Rule(kind, allow=frozenset({"mette"}), **more)


def parties(kind: str, allowed: set[str], of: set[str] | None = None) -> Rule:
    """An object with several parties (`of`): those `allowed` may, the other parties lack the role (403)."""
    return Rule(kind, allow=frozenset(allowed), deny=frozenset((of or set()) - allowed))


def shared(kind: str, *, foreign_too: bool = False) -> Rule:
    """Reference data every member reads; the foreign one is either just as public or someone's private one."""
    return Rule(kind, allow=MEMBERS, foreign_allow=MEMBERS if foreign_too else frozenset())


def managed_posting() -> Rule:
    """A posting's manager (Sofie for Digitalisering, the operator for all); Dorte manages postings, not this one
    (404); a member who manages none lacks the role (403)."""
    return Rule(
        "posting",
        allow=frozenset({"sofie", "olga"}),
        deny=MEMBERS - MANAGERS,
        foreign_allow=frozenset({"olga"}),
    )


def coach_of_the_case() -> Rule:
    """One seeker of a caseload: her coach Birthe; Kim is a coach she never let in (404); a member who is no coach
    lacks the role (403, docs/api.md)."""
    return Rule("coach_access", allow=frozenset({"birthe"}), deny=MEMBERS - COACHES)


# Mette's request through Jonas to Sofie (an introduction; Sofie is a member): which party may ever take each step
# (`kaffebro/meetings/states.py` and the request page). `send_direct` and `invite` are nobody's here (403 to every
# party): the request is an introduction, and an invitation starts a request of its own.
MEETING_PARTIES = {"mette", "jonas", "sofie"}
BOTH_SIDES = {"mette", "sofie"}
REQUEST_STEPS = {
    "send_to_connector": {"mette"},
    "send_direct": set(),
    "approve_introduction": {"jonas"},
    "ask_for_changes": {"jonas"},
    "decline_introduction": {"jonas"},
    "accept": {"sofie"},
    "decline": {"sofie"},
    "pick_time": BOTH_SIDES,
    "reschedule": BOTH_SIDES,
    "cancel": BOTH_SIDES,
    "withdraw": {"mette"},
    "confirm_held": BOTH_SIDES,
    "not_held": BOTH_SIDES,
    "log_follow_up": {"mette"},
    "invite": set(),
    "propose_times": BOTH_SIDES,
    "record_outcome": {"mette"},
}
SHARE_STEPS = {"consent": {"mette"}, "decline_consent": {"mette"}, "cancel": {"jonas"}}
SUGGESTION_PARTIES = {"mette", "jonas", "sofie"}
SUGGESTION_STEPS = {"consent": {"mette"}, "decline": {"mette"}, "withdraw": {"jonas"}}
INBOX_STEPS = ("invite_to_coffee", "invite_to_apply", "invite_to_interview", "record_hired", "not_a_fit", "archive")

RULES: dict[tuple[str, str], Rule] = {
    # The member's own account, tokens, targets, contacts and imports
    ("GET", f"{P}/me/"): ANY_MEMBER,
    ("PATCH", f"{P}/me/"): ANY_MEMBER,
    ("GET", f"{P}/me/seeker-profile/"): Rule(allow=frozenset({"mette", "nanna"}), hide=MEMBERS),
    ("PATCH", f"{P}/me/seeker-profile/"): ANY_MEMBER,
    ("GET", f"{P}/tokens/"): ANY_MEMBER,
    ("POST", f"{P}/tokens/"): ANY_MEMBER,
    ("DELETE", f"{P}/tokens/{{code}}/"): owner_only("api_token"),
    ("GET", f"{P}/targets/"): ANY_MEMBER,
    ("POST", f"{P}/targets/"): ANY_MEMBER,
    ("GET", f"{P}/targets/{{code}}/"): owner_only("target"),
    ("DELETE", f"{P}/targets/{{code}}/"): owner_only("target"),
    ("POST", f"{P}/targets/{{code}}/move/"): owner_only("target"),
    ("GET", f"{P}/contacts/"): ANY_MEMBER,
    ("POST", f"{P}/contacts/"): ANY_MEMBER,
    ("GET", f"{P}/contacts/{{code}}/"): owner_only("contact_card"),
    ("PATCH", f"{P}/contacts/{{code}}/"): owner_only("contact_card"),
    ("DELETE", f"{P}/contacts/{{code}}/"): owner_only("contact_card"),
    ("GET", f"{P}/imports/"): ANY_MEMBER,
    ("POST", f"{P}/imports/"): ANY_MEMBER,
    ("GET", f"{P}/imports/{{code}}/"): owner_only("import_batch"),
    ("PATCH", f"{P}/imports/{{code}}/"): owner_only("import_batch"),
    **{
        ("POST", f"{P}/imports/{{code}}/{action}/"): owner_only("import_batch")
        for action in ("confirm", "cancel", "retry")
    },
    # Organisations, paths, briefs and requests
    ("GET", f"{P}/organisations/"): ANY_MEMBER,
    ("GET", f"{P}/organisations/{{code}}/"): shared("organisation"),
    ("GET", f"{P}/paths/"): owner_only("target", query="target"),
    ("GET", f"{P}/briefs/"): ANY_MEMBER,
    ("POST", f"{P}/briefs/"): ANY_MEMBER,
    ("POST", f"{P}/briefs/readiness/"): ANY_MEMBER,
    ("GET", f"{P}/briefs/{{code}}/"): owner_only("prep_brief"),
    ("PUT", f"{P}/briefs/{{code}}/"): owner_only("prep_brief"),
    ("GET", f"{P}/requests/"): ANY_MEMBER,
    ("POST", f"{P}/requests/"): ANY_MEMBER,
    ("GET", f"{P}/requests/{{code}}/"): parties("meeting", MEETING_PARTIES),
    **{
        ("POST", f"{P}/requests/{{code}}/{step}/"): parties("meeting", who, of=MEETING_PARTIES)
        for step, who in REQUEST_STEPS.items()
    },
    # Postings
    ("GET", f"{P}/postings/"): role_only(*MANAGERS),
    ("POST", f"{P}/postings/"): role_only(*MANAGERS),
    ("GET", f"{P}/postings/places/"): role_only(*MANAGERS),
    ("POST", f"{P}/postings/import/"): role_only(*MANAGERS),
    ("POST", f"{P}/postings/import/confirm/"): role_only(*MANAGERS),
    ("GET", f"{P}/postings/{{code}}/"): shared("posting", foreign_too=True),
    ("PUT", f"{P}/postings/{{code}}/"): managed_posting(),
    ("POST", f"{P}/postings/{{code}}/close/"): managed_posting(),
    ("POST", f"{P}/postings/{{code}}/reopen/"): managed_posting(),
    ("POST", f"{P}/postings/{{code}}/add_target/"): shared("posting", foreign_too=True),
    # Profiles in play
    ("GET", f"{P}/consents/"): ANY_MEMBER,
    ("POST", f"{P}/consents/"): ANY_MEMBER,
    ("GET", f"{P}/consents/helpers/"): ANY_MEMBER,
    ("POST", f"{P}/consents/{{code}}/withdraw/"): owner_only("consent"),
    ("GET", f"{P}/shares/"): ANY_MEMBER,
    ("POST", f"{P}/shares/"): ANY_MEMBER,
    ("GET", f"{P}/shares/seekers/"): ANY_MEMBER,
    ("GET", f"{P}/shares/seekers/{{code}}/suggested-recipients/"): parties("seeker_profile", {"jonas", "birthe"}),
    ("GET", f"{P}/shares/mine/"): ANY_MEMBER,
    ("GET", f"{P}/shares/{{code}}/"): parties("share", {"jonas"}),
    **{
        ("POST", f"{P}/shares/{{code}}/{step}/"): parties("share", who, of={"mette", "jonas"})
        for step, who in SHARE_STEPS.items()
    },
    ("POST", f"{P}/shares/recipients/{{code}}/record/"): parties("recipient", {"jonas"}),
    ("GET", f"{P}/cards/"): ANY_MEMBER,
    ("GET", f"{P}/cards/{{code}}/"): parties("card", {"sofie"}),
    **{
        ("POST", f"{P}/cards/{{code}}/{answer}/"): parties("card", {"sofie"})
        for answer in ("coffee", "pass_on", "not_now")
    },
    # Suggestions and the decision-maker's inbox
    ("GET", f"{P}/suggestions/"): ANY_MEMBER,
    ("POST", f"{P}/suggestions/"): ANY_MEMBER,
    ("GET", f"{P}/suggestions/{{code}}/"): parties("suggestion", SUGGESTION_PARTIES),
    **{
        ("POST", f"{P}/suggestions/{{code}}/{step}/"): parties("suggestion", who, of=SUGGESTION_PARTIES)
        for step, who in SUGGESTION_STEPS.items()
    },
    ("GET", f"{P}/digest/"): ANY_MEMBER,
    ("GET", f"{P}/inbox/"): ANY_MEMBER,
    ("GET", f"{P}/inbox/shortlist.csv"): ANY_MEMBER,
    **{
        ("POST", f"{P}/inbox/{{code}}/{step}/"): parties("suggestion", {"sofie"}, of=SUGGESTION_PARTIES)
        for step in INBOX_STEPS
    },
    # Outcomes, pipeline, coaching and insights
    ("GET", f"{P}/outcomes/"): ANY_MEMBER,
    ("POST", f"{P}/outcomes/"): ANY_MEMBER,
    ("GET", f"{P}/outcomes/{{code}}/"): owner_only("outcome"),
    ("DELETE", f"{P}/outcomes/{{code}}/"): owner_only("outcome"),
    ("GET", f"{P}/pipeline/"): ANY_MEMBER,
    ("GET", f"{P}/coaching/coaches/"): ANY_MEMBER,
    ("POST", f"{P}/coaching/coaches/"): ANY_MEMBER,
    ("POST", f"{P}/coaching/coaches/{{code}}/withdraw/"): owner_only("coach_access"),
    ("GET", f"{P}/coaching/caseload/"): role_only(*COACHES),
    ("GET", f"{P}/coaching/caseload/{{code}}/"): coach_of_the_case(),
    ("POST", f"{P}/coaching/caseload/{{code}}/notes/"): coach_of_the_case(),
    ("GET", f"{P}/insights/"): role_only("olga"),
    ("GET", f"{P}/insights/caseload/"): role_only(*COACHES),
    ("GET", f"{P}/insights/mine/"): ANY_MEMBER,
}

# The `api:` URL patterns that are no operation of the schema, each with its own test below.
OUTSIDE_THE_SCHEMA = {"schema", "docs", "not_found"}

# Uploads go as multipart/form-data; every other change as JSON.
MULTIPART = {("POST", f"{P}/imports/")}


# The world: built once per module (tests/security/conftest.py), with a token for every role

UNLIMITED = {"read": "100000/minute", "write": "100000/minute", "search": "100000/minute"}


@pytest.fixture(scope="module")
def module_api_world(module_world: World, django_db_blocker, tmp_path_factory):
    """The API world for the whole module. Rate limits are out of the way (each role's token asks far more in a
    minute here than a client may), and path searches share one graph snapshot: the module has one world."""
    with django_db_blocker.unblock():
        api = build_api_world(module_world)
    limits = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNLIMITED}
    with override_settings(REST_FRAMEWORK=limits, GRAPH_SNAPSHOT_DIR=tmp_path_factory.mktemp("graph")):
        yield api


@pytest.fixture(autouse=True)
def _own_graph_snapshot():
    """Replaces the suite's snapshot directory per test (tests/conftest.py): `module_api_world` sets one for the
    module's single world, and a thousand small tests are spared making a directory each."""


@pytest.fixture
def api(module_api_world: ApiWorld, db) -> ApiWorld:
    """The API world inside this test's savepoint (the `db` fixture): what a request changes is undone after it."""
    return module_api_world


def token_client(api: ApiWorld, role: str) -> APIClient:
    client = APIClient()
    if role != ANONYMOUS:
        client.credentials(**bearer(api.tokens[role]))
    return client


def session_client(api: ApiWorld, role: str) -> APIClient:
    """Logged in on the web session (past the second factor where the role needs it), with no token."""
    client = APIClient()
    user = api.user(role)
    if role in SECOND_FACTOR_ROLES:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    return client


# Asking and judging


def address(api: ApiWorld, method: str, path: str, side: str) -> str:
    rule = RULES[(method, path)]
    if rule.kind is None:
        return path
    code = (api.own if side == OWN else api.foreign)[rule.kind]
    if rule.query:
        return f"{path}?{rule.query}={code}"
    return path.replace("{code}", code)


def ask(client: APIClient, method: str, path: str, url: str):
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    if (method, path) in MULTIPART:
        return client.generic(method, url, *_multipart_empty())
    return client.generic(method, url, json.dumps({}), content_type="application/json")


def _multipart_empty() -> tuple[bytes, str]:
    boundary = "matrix-boundary"
    return f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def judged(response, expected: str, where: str) -> None:
    status = response.status_code
    shown = f"{where}: expected {expected}, got {status}: {response.content[:300]!r}"
    assert status < 500, shown
    if expected == ALLOW:
        assert status not in (401, 403, 404), shown
        return
    assert status == int(expected), shown
    assert response["Content-Type"].startswith("application/problem+json"), shown
    assert response.json()["status"] == status, shown
    if expected == ASK_TO_LOG_IN:
        assert response["WWW-Authenticate"].startswith("Bearer"), shown


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TOKEN_USE = re.compile(r'^UPDATE "api_apitoken" SET "last_used" = ', re.IGNORECASE)


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements of a request that change rows, but the token's `last_used` (its authentication writes it)."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if WRITE.match(query["sql"]) and not TOKEN_USE.match(query["sql"])
    ]


def cases() -> list:
    """Every operation for every role on the own object, and for each role allowed there, on the foreign one."""
    found = []
    for (method, path), rule in RULES.items():
        for role in ROLES:
            found.append(pytest.param(method, path, role, OWN, id=f"{method} {path} {role}"))
        if rule.kind is not None:
            for role in sorted(rule.allow):
                found.append(pytest.param(method, path, role, FOREIGN, id=f"{method} {path} {role} foreign"))
    return found


@pytest.mark.parametrize(("method", "path", "role", "side"), cases())
def test_the_gate_answers_every_role_as_the_table_says(api, method, path, role, side):
    rule = RULES[(method, path)]
    expected = rule.expect(role, side, api.foreign_parties(rule.kind) if rule.kind else frozenset())
    url = address(api, method, path, side)
    with CaptureQueriesContext(connection) as queries:
        response = ask(token_client(api, role), method, path, url)
    judged(response, expected, f"{role} {method} {url}")
    if expected != ALLOW:
        written = writes(queries)
        assert not written, f"{role} {method} {url} was refused ({response.status_code}) yet wrote: {written}"


SESSION_ROLES = ("jonas", "kim")


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        pytest.param(method, path, role, id=f"{method} {path} {role}")
        for (method, path) in RULES
        for role in SESSION_ROLES
    ],
)
def test_the_session_gets_the_same_answers_as_a_token(api, method, path, role):
    """A page calling the API with its session (Jonas, and Kim past his second factor) is judged as his token."""
    rule = RULES[(method, path)]
    url = address(api, method, path, OWN)
    response = ask(session_client(api, role), method, path, url)
    judged(response, rule.expect(role, OWN), f"{role} (session) {method} {url}")


# Objects named in a body: the body is complete, so only whether the named object is the caller's decides


@dataclass(frozen=True)
class BodyReference:
    method: str
    path: str
    rule: Rule
    body: Callable[[str], dict]


NO_SUCH_CARD = "AAAAAAAAAAAA"
BODY_REFERENCES = {
    "a brief for Mette's target": BodyReference(
        "POST", f"{P}/briefs/", owner_only("target"), lambda code: {"target": code}
    ),
    "the readiness of a brief for Mette's target": BodyReference(
        "POST", f"{P}/briefs/readiness/", owner_only("target"), lambda code: {"target": code, "ask": "Kaffe?"}
    ),
    "an outcome for Mette's target": BodyReference(
        "POST",
        f"{P}/outcomes/",
        owner_only("target"),
        lambda code: {"target": code, "kind": "applied", "date": "2026-02-01", "credit": "advertised"},
    ),
    "an outcome for a candidate suggested to Sofie": BodyReference(
        "POST",
        f"{P}/outcomes/",
        parties("suggestion", {"sofie"}, of=SUGGESTION_PARTIES),
        lambda code: {"suggestion": code, "kind": "interview", "date": "2026-02-01"},
    ),
    "Mette's profile put in play": BodyReference(
        "POST",
        f"{P}/shares/",
        parties("seeker_profile", {"jonas", "birthe"}),
        lambda code: {"seeker": code, "recipients": [NO_SUCH_CARD], "note": ""},
    ),
    "Mette's standing consent to Karl": BodyReference(
        "POST", f"{P}/consents/", owner_only("helper"), lambda code: {"helper": code, "shown": "0" * 64}
    ),
    "a posting for Region Hovedstaden": BodyReference(
        "POST",
        f"{P}/postings/",
        Rule("manageable_organisation", allow=MANAGERS, deny=MEMBERS - MANAGERS, foreign_allow=frozenset({"olga"})),
        lambda code: {"organisation": code, "title": "Dataanalytiker"},
    ),
    "a job ad confirmed for Region Hovedstaden": BodyReference(
        "POST",
        f"{P}/postings/import/confirm/",
        Rule("manageable_organisation", allow=MANAGERS, deny=MEMBERS - MANAGERS, foreign_allow=frozenset({"olga"})),
        lambda code: {"organisation": code, "title": "Dataanalytiker", "matched_by": "name"},
    ),
}


def body_cases() -> list:
    found = []
    for name, reference in BODY_REFERENCES.items():
        found += [pytest.param(name, role, OWN, id=f"{name}: {role}") for role in ROLES]
        found += [
            pytest.param(name, role, FOREIGN, id=f"{name}: {role} foreign") for role in sorted(reference.rule.allow)
        ]
    return found


@pytest.mark.parametrize(("name", "role", "side"), body_cases())
def test_an_object_named_in_the_body_is_judged_as_one_in_the_path(api, name, role, side):
    reference = BODY_REFERENCES[name]
    rule = reference.rule
    expected = rule.expect(role, side, api.foreign_parties(rule.kind or ""))
    body = reference.body((api.own if side == OWN else api.foreign)[rule.kind or ""])
    where = f"{role} {reference.method} {reference.path} {body}"
    with CaptureQueriesContext(connection) as queries:
        response = token_client(api, role).generic(
            reference.method, reference.path, json.dumps(body), content_type="application/json"
        )
    judged(response, expected, where)
    if expected != ALLOW:
        assert not writes(queries), f"{where} was refused ({response.status_code}) yet wrote: {writes(queries)}"


def test_a_card_is_passed_on_only_to_ones_own_contact(api):
    """Sofie may answer her card, but not pass it on to a contact card of Mette's (or to one that does not exist).
    The action answers the card first and rolls back on the refusal, so the rows are compared, not the statements."""
    url = f"{P}/cards/{api.own['card']}/pass_on/"
    card = ShareRecipient.objects.get(code=api.own["card"])
    shares = ProfileShare.objects.count()
    for recipient in (api.own["contact_card"], NO_SUCH_CARD):
        response = token_client(api, "sofie").post(url, {"recipient": recipient, "note": "Mød hende"})
        assert response.status_code in (400, 404, 422), response.content
        assert ShareRecipient.objects.get(pk=card.pk).answer == card.answer
        assert ProfileShare.objects.count() == shares


# Addresses outside the schema


# The schema is built afresh for each request (a second or so): a visitor, a member without a role, the operator.
SCHEMA_ROLES = (ANONYMOUS, "lars", "olga")


@pytest.mark.parametrize("role", SCHEMA_ROLES)
def test_the_schema_is_for_members_only(api, role):
    response = token_client(api, role).get(f"{P}/schema/")
    judged(response, ASK_TO_LOG_IN if role == ANONYMOUS else ALLOW, f"{role} GET {P}/schema/")


@pytest.mark.parametrize("role", SCHEMA_ROLES)
def test_the_documentation_page_is_for_logged_in_members(api, role):
    """A page of the site: a visitor is sent to log in; every member reads it."""
    client = APIClient() if role == ANONYMOUS else session_client(api, role)
    response = client.get(f"{P}/docs/")
    if role == ANONYMOUS:
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_any_other_address_is_a_problem_never_a_page(api, role, method):
    """Unknown paths (and Mette's codes in made-up places) answer 401 to a visitor and 404 to every member."""
    url = f"{P}/targets/{api.own['target']}/nothing-here/"
    response = ask(token_client(api, role), method, "", url)
    judged(response, ASK_TO_LOG_IN if role == ANONYMOUS else HIDE, f"{role} {method} {url}")


# Coverage: nothing of the API without a rule


def schema_operations() -> dict[tuple[str, str], str]:
    """Every operation of the OpenAPI schema, with the path it is written under; a path parameter with an enum (an
    action) is spelled out: `/requests/{code}/{action}/` is `/requests/{code}/accept/`, ... each its own."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for template, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            paths = [template]
            for parameter in operation.get("parameters", []):
                values = parameter.get("schema", {}).get("enum")
                if parameter["in"] == "path" and values:
                    name = "{" + parameter["name"] + "}"
                    paths = [path.replace(name, value) for path in paths for value in values]
            found.update({(method.upper(), path): template for path in paths})
    return found


def api_url_patterns() -> list[tuple[str, str]]:
    """The `api:` URL patterns: (name, path as the schema writes it)."""
    prefix, resolver = get_resolver().namespace_dict["api"]
    return [
        (pattern.name, "/" + prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern)))
        for pattern in resolver.url_patterns
    ]


def test_every_operation_and_url_pattern_has_a_rule():
    operations = schema_operations()
    missing = sorted(operations.keys() - RULES.keys())
    assert not missing, (
        "These API operations have no rule in RULES of tests/security/test_api_authorization_matrix.py; say who "
        f"passes their gate, and who gets 403 or 404: {missing}"
    )
    stale = sorted(RULES.keys() - operations.keys())
    assert not stale, f"RULES names operations the API no longer has: {stale}"
    templates = set(operations.values())
    uncovered = [
        (name, path) for name, path in api_url_patterns() if name not in OUTSIDE_THE_SCHEMA and path not in templates
    ]
    assert not uncovered, (
        f"These api: URL patterns are in neither the schema nor OUTSIDE_THE_SCHEMA (each with a test): {uncovered}"
    )
