"""The authorization matrix: every web address, every role, an own and a foreign object.

Each URL pattern of the site (the REST API has its own matrix, test_api_authorization_matrix.py) has one rule
in `RULES` below saying who may open it; the Django admin under /operator/ is one group with one rule. From the
table the tests ask every role of tests/security/world.py, with the own object (Mette's side) and the foreign
one (Nanna's side), by GET and by an empty POST (an allowed member: GET for a page, POST for an action), and
expect:

- allowed: a page or an answer of the view (a redirect, a form error, 405 for the other method), never a log-in
  redirect, 403, 404 or a crash;
- another member's object: 404, exactly as if it did not exist (AGENTS rule: own data or nothing);
- a page of a role the member lacks: 403, since the page itself is no secret (require_coach, require_manager,
  kaffebro/insights/access.py);
- anonymous: sent to log in (or refused), except on the reviewed public pages of tests/test_url_sweep.py;
- and a refused request writes nothing (every statement it sends is captured; only the session's bookkeeping
  may be written). That is stricter than comparing rows before and after, and costs no extra queries.

A new URL pattern without a rule fails `test_every_address_has_a_rule`: add it to `RULES` (docs/security.md,
"Authorization matrix").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import ONCE_IN_THE_SQLITE_PASS
from tests.security.world import ANONYMOUS, FOREIGN_PARTIES, KINDS, MEMBER_ROLES, ROLES
from tests.test_url_sweep import ENDPOINTS, PUBLIC_PAGES, Endpoint, is_login_redirect

pytestmark = ONCE_IN_THE_SQLITE_PASS

ALL_MEMBERS = frozenset(MEMBER_ROLES)
MANAGERS = frozenset({"sofie", "dorte", "olga"})  # decision-makers post for their units, operators for any
COACHES = frozenset({"birthe", "kim"})
REFUSED_ANONYMOUS = {401, 403, 404, 405}
OWN, FOREIGN, NO_OBJECT = "own", "foreign", "none"


@dataclass(frozen=True)
class Rule:
    """Who may open one address, and with which object.

    `kind` is the object kind of the code in the address (tests/security/world.py KINDS), None for an address
    without an object. `allowed` may open it (with the own object); `allowed_foreign` may open it with the
    foreign one. Every other member gets `refused` (404 for an object; 403 for a page only a role may open), except
    that with `role`, a member outside it (who lacks the capability, such as a coach's) gets 403 on any object.
    """

    allowed: frozenset[str]
    kind: str | None = None
    allowed_foreign: frozenset[str] = frozenset()
    refused: int = 404
    public: bool = False
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""  # the object goes in this query parameter instead of the address
    role: frozenset[str] | None = None


def public() -> Rule:
    """A reviewed public page (tests/test_url_sweep.py PUBLIC_PAGES): anyone, also without an account."""
    return Rule(ALL_MEMBERS, public=True)


def any_member(**kwargs: str) -> Rule:
    """A page of the member's own things without an object in the address: every member, each sees their own."""
    return Rule(ALL_MEMBERS, kwargs=kwargs)


def role_only(roles: frozenset[str], **kwargs: str) -> Rule:
    """A page only a role may open: everyone else 403."""
    return Rule(roles, refused=403, kwargs=kwargs)


def owner_only(kind: str) -> Rule:
    """An object only its owner (Mette) may open."""
    return Rule(frozenset({"mette"}), kind)


def parties(
    kind: str,
    *roles: str,
    foreign: frozenset[str] = frozenset(),
    query: str = "",
    role: frozenset[str] | None = None,
    **kwargs: str,
) -> Rule:
    """An object its parties may open (with the own object: the roles named here); everyone else 404, but 403 for
    a member outside `role` (the capability the page is for)."""
    return Rule(frozenset(roles), kind, allowed_foreign=foreign, kwargs=kwargs, query=query, role=role)


def shared(kind: str) -> Rule:
    """Public reference data (units, postings): every member sees both objects; there is nothing foreign."""
    return Rule(ALL_MEMBERS, kind, allowed_foreign=ALL_MEMBERS)


OPERATORS = frozenset({"olga"})
# The Django admin, as one group: staff past the second factor get in (where Django's model permissions let
# them: a read-only admin answers 403 to an add or delete, an unknown object 404); every other member is sent to
# the admin's log-in or refused, and a visitor to the member log-in. Only `is_staff` decides there, so it is asked
# of one member of each kind instead of every role: the operator, a member with no role, a coach (second factor
# passed, not staff) and a decision-maker.
ADMIN_RULE = Rule(OPERATORS, refused=403)
ADMIN_PREFIX = "operator/"
ADMIN_ROLES = (ANONYMOUS, "olga", "lars", "birthe", "sofie")

RULES: dict[str, Rule] = {
    # Core, objection and account pages: public ones as reviewed in tests/test_url_sweep.py.
    **{name: public() for name in PUBLIC_PAGES},
    "core:access_log": any_member(),
    "accounts:logout": any_member(),
    "accounts:confirm_password": any_member(),
    "accounts:password_change": any_member(),
    "accounts:settings": any_member(),
    "accounts:email_change": any_member(),
    # With a made-up token every member gets the page saying the link is not valid (tests/accounts test the link
    # of one member in another's session).
    "accounts:email_change_confirm": any_member(),
    "accounts:two_factor": any_member(),
    "accounts:two_factor_setup": any_member(),
    "accounts:recovery_codes": any_member(),
    "accounts:new_recovery_codes": any_member(),
    "accounts:disable_two_factor": any_member(),
    "accounts:export": any_member(),
    "accounts:delete": any_member(),
    # The network: every member has one; contacts, imports, duplicates, blocks and tokens are the owner's alone.
    "network:dashboard": any_member(),
    "network:contacts": any_member(),
    "network:add_contact": any_member(),
    "network:contact_suggestions": any_member(),
    "network:import_upload": any_member(),
    **{f"network:import_{step}": owner_only("import_batch") for step in ("preview", "confirm", "cancel", "retry")},
    **{f"network:import_{step}": owner_only("finished_import") for step in ("progress", "summary", "summary_csv")},
    "network:rate_ties": any_member(),
    "network:merge_suggestions": any_member(),
    "network:decide_suggestion": owner_only("merge_suggestion"),
    **{
        f"network:{action}": owner_only("contact_card")
        for action in (
            "edit_contact",
            "rate_contact",
            "set_contact_private",
            "confirm_decision_maker",
            "delete_contact",
        )
    },
    "network:organisations": any_member(),
    "network:organisation_suggestions": any_member(),
    # A public organisation is every member's to look at; a private one (the foreign object) only its owner's.
    "network:organisation": Rule(ALL_MEMBERS, "organisation"),
    "network:profile": any_member(),
    "network:add_target": any_member(),
    "network:remove_target": owner_only("target"),
    "network:move_target": owner_only("target"),
    "network:connector_settings": any_member(),
    "network:block_organisation": any_member(),
    "network:block_person": any_member(),
    "network:unblock": owner_only("block"),
    "api_tokens:list": any_member(),
    # The admin's log-out only ends the member's own session, as the site's does.
    "admin:logout": any_member(),
    "api_tokens:revoke": owner_only("api_token"),
    # Paths: a member's own targets; organisations as above; units and postings are public reference data.
    "paths:targets_best": any_member(),
    "paths:target": owner_only("target"),
    "paths:organisation": Rule(ALL_MEMBERS, "organisation"),
    "paths:organisation_best": Rule(ALL_MEMBERS, "organisation"),
    "paths:unit": shared("unit"),
    "paths:unit_detail": shared("unit"),
    "paths:posting": shared("posting"),
    "postings:detail": shared("posting"),
    "postings:add_target": shared("posting"),
    # Meetings: the brief is the seeker's; a request is its parties' (seeker, connector, person to meet).
    "meetings:brief": owner_only("brief"),
    "meetings:brief_check": owner_only("brief"),
    "meetings:list": any_member(),
    # The way in a path card hands on is signed for its viewer: anyone else's answers 404.
    "meetings:start": parties("way", "mette", query="way"),
    **{
        f"meetings:{action}": parties("meeting", "mette", "jonas", "sofie")
        for action in (
            "request",
            "send",
            "approve",
            "ask_for_changes",
            "decline_introduction",
            "accept",
            "decline",
            "propose_times",
            "pick_time",
            "reschedule",
            "cancel",
            "withdraw",
            "confirm_held",
            "follow_up",
            "record_outcome",
        )
    },
    # The calendar invitation is for the two who meet, not for the connector who introduced them.
    "meetings:invitation": parties("meeting", "mette", "sofie"),
    # Postings, managed by decision-makers (their units) and operators (any): no role 403, another unit's 404.
    "jobs:posting_list": role_only(MANAGERS),
    "jobs:posting_menu": any_member(),
    "jobs:posting_new": role_only(MANAGERS),
    "jobs:posting_import": role_only(MANAGERS),
    **{
        name: parties("manageable_organisation", *MANAGERS, foreign=OPERATORS, role=MANAGERS)
        for name in ("jobs:posting_create", "jobs:posting_import_confirm")
    },
    **{
        f"jobs:posting_{action}": parties("posting", "sofie", "olga", foreign=OPERATORS, role=MANAGERS)
        for action in ("edit", "close", "reopen")
    },
    # Profiles in play: the seeker's consents and shares; the helper's shares; the recipient's card. A helper
    # without Mette's consent, coaching or a meeting with her may not put her in play: 404, as for a stranger.
    "jobs:shares": any_member(),
    "jobs:shares_mine": any_member(),
    "jobs:share_grant": any_member(),
    "jobs:share_withdraw": owner_only("consent"),
    "jobs:share_put": parties("seeker_profile", "jonas", "birthe"),
    "jobs:share_detail": parties("share", "jonas"),
    "jobs:share_cancel": parties("share", "jonas"),
    "jobs:share_consent": owner_only("share"),
    "jobs:share_decline": owner_only("share"),
    "jobs:share_record": parties("recipient", "jonas"),
    "jobs:share_card": parties("card", "sofie"),
    "jobs:share_card_answer": parties("card", "sofie"),
    "jobs:share_pass_on": parties("card", "sofie"),
    # Suggestions: the seeker, the suggester and the decision-maker it is for; nobody else, operators included.
    "jobs:suggestions": any_member(),
    "jobs:suggestion_new": any_member(),
    "jobs:suggestion_inbox": any_member(),
    "jobs:suggestion_shortlist": any_member(),
    "jobs:digest": any_member(),
    "jobs:suggestion": parties("suggestion", "mette", "jonas", "sofie"),
    "jobs:suggestion_act": parties("suggestion", "mette", "jonas", "sofie", action="invite-to-coffee"),
    "jobs:pipeline": any_member(),
    "jobs:outcome_record": owner_only("target"),
    "jobs:outcome_delete": owner_only("outcome"),
    # Coaching: the caseload is for coaches (403 for others); a seeker is only her coach's while access is open.
    "jobs:coaching_caseload": role_only(COACHES),
    "jobs:coaching_mine": any_member(),
    "jobs:coaching_withdraw": owner_only("coach_access"),
    "jobs:coaching_seeker": parties("coach_access", "birthe", role=COACHES),
    "jobs:coaching_note": parties("coach_access", "birthe", role=COACHES),
    # Insights: all seekers for operators, a caseload for coaches (403 for others), one's own for everyone.
    "insights:all": role_only(OPERATORS),
    "insights:all_csv": role_only(OPERATORS, chart="funnel"),
    "insights:caseload": role_only(COACHES),
    "insights:caseload_csv": role_only(COACHES, chart="funnel"),
    "insights:mine": any_member(),
    "insights:mine_csv": any_member(chart="funnel"),
    "insights:impact": any_member(),
    "notifications:inbox": any_member(),
    "notifications:mark_all_read": any_member(),
    "notifications:mark_read": owner_only("notification"),
    "notifications:settings": any_member(),
}

WEB_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if not endpoint.name.startswith("api:")]


def is_admin(endpoint: Endpoint) -> bool:
    return endpoint.route.startswith(ADMIN_PREFIX)


def rule_for(endpoint: Endpoint) -> Rule | None:
    if endpoint.label in RULES:
        return RULES[endpoint.label]
    return ADMIN_RULE if is_admin(endpoint) else None


# Asked the foreign object besides the roles that may open the own one: the member with no role at all.
STRANGER = "lars"


def sides(rule: Rule, role: str) -> list[str]:
    """The objects a role is asked with: none, or the own one and maybe the foreign one.

    The foreign object is asked of every role that may open the own one (the refusal that matters: the same
    capability, someone else's object) and of the stranger; a role already refused the own object is refused
    the foreign one by the same access function, so asking it again would only cost time. A party to the
    foreign object (Nanna for her own things) is not asked it: for her it is not foreign.
    """
    if rule.kind is None:
        return [NO_OBJECT]
    if role == ANONYMOUS or role in FOREIGN_PARTIES[rule.kind]:
        return [OWN]
    if role in rule.allowed or role in rule.allowed_foreign or role == STRANGER:
        return [OWN, FOREIGN]
    return [OWN]


def cases() -> list:
    found = []
    for endpoint in WEB_ENDPOINTS:
        rule = rule_for(endpoint)
        if rule is None:
            continue  # test_every_address_has_a_rule names it
        for role in ADMIN_ROLES if rule is ADMIN_RULE else ROLES:
            for side in sides(rule, role):
                found.append(pytest.param(endpoint, role, side, id=f"{endpoint.label}-{role}-{side}"))
    return found


def object_code(rule: Rule, world, side: str) -> str:
    return (world.own if side == OWN else world.foreign)[rule.kind]


def address(endpoint: Endpoint, rule: Rule, world, side: str) -> str:
    if side == NO_OBJECT and not rule.kwargs:
        return endpoint.path()
    kwargs = dict(rule.kwargs)
    if side == NO_OBJECT:
        return reverse(endpoint.name, kwargs=kwargs)
    code = object_code(rule, world, side)
    if rule.query:
        return f"{reverse(endpoint.name, kwargs=kwargs)}?{urlencode({rule.query: code})}"
    return reverse(endpoint.name, kwargs={**kwargs, "code": code})


def expectation(rule: Rule, role: str, side: str) -> str | int:
    """ "allowed", "log in", or the status a refused member gets."""
    if role == ANONYMOUS:
        return "allowed" if rule.public else "log in"
    allowed = rule.allowed_foreign if side == FOREIGN else rule.allowed
    if role in allowed:
        return "allowed"
    if rule.role is not None and role not in rule.role:
        return 403
    return 404 if side == FOREIGN else rule.refused


def describe(response) -> str:
    return f"{response.status_code} {response.get('Location', '')}".strip()


def check_allowed(answers: dict, endpoint: Endpoint) -> None:
    for method, response in answers.items():
        assert not is_login_redirect(response), f"{method}: sent to log in"
        if is_admin(endpoint):
            continue  # Django's own model permissions and made-up object ids may answer 403 or 404 in there
        assert response.status_code not in {403, 404}, f"{method}: refused ({describe(response)})"
    if endpoint.name == "admin:index":
        index = answers["GET"]
        assert index.status_code == 200, f"GET: the operator does not get the admin ({describe(index)})"
    if not is_admin(endpoint):
        assert any(response.status_code != 405 for response in answers.values()), "neither GET nor POST is answered"


def check_sent_to_log_in(answers: dict) -> None:
    for method, response in answers.items():
        assert is_login_redirect(response) or response.status_code in REFUSED_ANONYMOUS, (
            f"{method}: answered {describe(response)} to a visitor"
        )


def check_refused(answers: dict, status: int, endpoint: Endpoint) -> None:
    if is_admin(endpoint):  # the admin sends a member who is not staff to its log-in
        for method, response in answers.items():
            refused = is_login_redirect(response) or response.status_code in {403, 404, 405}
            assert refused, f"{method}: answered {describe(response)}"
        return
    for method, response in answers.items():
        assert response.status_code in {status, 405}, f"{method}: answered {describe(response)}, not {status}"
    assert any(response.status_code == status for response in answers.values()), f"not refused with {status}"


# What any request writes, refused or not: the session's last activity (kaffebro/accounts/middleware.py) and the
# rate limits' counters (kaffebro/accounts/ratelimit.py).
BOOKKEEPING_TABLES = ("django_session", "accounts_ratelimitcounter")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(?P<table>\w+)"?', re.IGNORECASE)


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that changed a row other than bookkeeping (a refused request must have none)."""
    found = []
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match["table"] not in BOOKKEEPING_TABLES:
            found.append(query["sql"][:120])
    return found


@pytest.fixture(autouse=True)
def _own_graph_snapshot():
    """The module's one world has one graph snapshot directory (`module_world`), not a new one for each test."""


def post_body(rule: Rule, world, side: str) -> dict[str, str]:
    """Empty, but for an object passed as a query parameter: the form posts on what the link carried."""
    return {rule.query: object_code(rule, world, side)} if rule.query else {}


def ask(world, role: str, path: str, *, body: dict[str, str], refused: bool) -> dict:
    """GET, and POST where it matters: a refused member is asked both (neither may answer nor write); an
    allowed one opens a page by GET and posts only to an address that does not answer GET (an action)."""
    answers = {"GET": world.client(role).get(path)}
    if refused or answers["GET"].status_code == 405:
        answers["POST"] = world.client(role).post(path, body)
    return answers


@pytest.mark.parametrize(("endpoint", "role", "side"), cases())
def test_matrix(world, endpoint, role, side):
    rule = rule_for(endpoint)
    path = address(endpoint, rule, world, side)
    expected = expectation(rule, role, side)
    with CaptureQueriesContext(connection) as queries:
        answers = ask(world, role, path, body=post_body(rule, world, side), refused=expected != "allowed")
    for method, response in answers.items():
        assert response.status_code != 500, f"{method} {path} crashed for {role}"
    where = f"{path} as {role} ({side} object), expected {expected}"
    try:
        if expected == "allowed":
            check_allowed(answers, endpoint)
        elif expected == "log in":
            check_sent_to_log_in(answers)
        else:
            check_refused(answers, expected, endpoint)
    except AssertionError as failure:
        raise AssertionError(f"{where}: {failure}") from None
    if expected != "allowed":
        assert not writes(queries), f"a refused request to {where} changed data: {writes(queries)}"


def test_every_address_has_a_rule():
    """A new page needs a rule in RULES: who may open it, with which object (docs/security.md)."""
    missing = sorted(endpoint.label for endpoint in WEB_ENDPOINTS if rule_for(endpoint) is None)
    assert not missing, (
        f"these URL patterns have no rule in tests/security/test_authorization_matrix.py RULES: {missing}. "
        "Add one (public, any_member, role_only, owner_only, parties or shared) saying who may open each."
    )


def test_every_rule_is_for_an_address():
    """A rule left behind by a removed page would hide a typo in a new one."""
    labels = {endpoint.label for endpoint in WEB_ENDPOINTS}
    assert set(RULES) <= labels, sorted(set(RULES) - labels)


def test_every_rule_names_an_object_of_the_world():
    """A rule's kind must be one the world builds on both sides, or its cases would ask with no object at all."""
    kinds = {rule.kind for rule in RULES.values() if rule.kind}
    assert kinds <= set(KINDS) & set(FOREIGN_PARTIES), sorted(kinds - set(KINDS))
