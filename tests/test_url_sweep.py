"""Every address of the site, swept: deny-by-default holds, and a stranger never sees another member's data.

The sweep walks the whole URL configuration, so a new page is covered the moment it is
added. Which pages anyone may open without logging in is a short, reviewed list below:
making a page public means changing this test, on purpose.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.meetings.models import MeetingRequest, PrepBrief, ProposedTime, RequestKind, RequestState
from kaffebro.network.models import (
    Block,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    RowOutcome,
    SeekerProfile,
)
from kaffebro.notifications.models import Notification, NotificationPreferences
from tests.conftest import ONCE_IN_THE_SQLITE_PASS, know

# Reviewed: the pages a visitor may open without an account. Adding one is a deliberate change here.
PUBLIC_PAGES = {
    "core:landing",
    "core:privacy",
    # "I don't want to be in Kaffebro": for people who are not members. It answers the same whether or not an
    # address is known, a confirmed link applies an e-mail address, and it only ever removes data (docs/privacy.md).
    "objection:form",
    "objection:confirm",
    "core:accessibility",
    # Probes of the load balancer and the supervisor: they say only whether this server can serve.
    "core:health_live",
    "core:health_ready",
    "accounts:login",
    # The code step after the password: it answers only a visitor whose password was right a moment ago.
    "accounts:login_code",
    "accounts:signup",
    "accounts:signup_done",
    "accounts:verify",
    "accounts:resend_verification",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:set_language",
}
# Of the admin's log-in and log-out pages Django marks only the log-in public (Django 5.2); the log-out and
# every other admin page stay behind the site's log-in. The admin log-in itself only hands over to the member
# log-in (cool-off and second factor, kaffebro/accounts/middleware.py), so it opens nothing.
ADMIN_PUBLIC_PAGES = {"admin:login"}

MADE_UP_CODE = "Zq7madeUpX9k"  # the shape of a real code (12 URL-safe characters), matching no object
MADE_UP_INT = "987654"
MADE_UP_UUID = str(uuid.UUID(int=0x5EED))
# The REST API (kaffebro/api, docs/api.md) authenticates every request itself, by a personal token or the session,
# and answers 401 (problem+json) without one: its views are marked `login_not_required` so that a token client is
# never sent to the log-in page. Reviewed: the views of the `api` namespace, and only they.
API_VIEWS = "api:"
GATED_STATUSES = {401, 403, 404, 405}
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")
WORD_ALTERNATIVES = re.compile(r"\w+(\|\w+)*")


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern, with the chain of patterns (includes) that leads to it."""

    name: str
    patterns: tuple

    @property
    def route(self) -> str:
        route = ""
        for pattern in self.patterns:
            route += str(pattern).removeprefix("^") if route else str(pattern)
        return route

    @property
    def label(self) -> str:
        return self.name or self.route

    @property
    def takes_code(self) -> bool:
        return any(is_code_parameter(name) for name in self.parameter_names())

    def parameter_names(self) -> list[str]:
        names = []
        for pattern in self.patterns:
            text_pattern = ROUTE_PARAMETER if isinstance(pattern, RoutePattern) else REGEX_GROUP
            names += [match["name"] for match in text_pattern.finditer(str(pattern))]
        return names

    def path(self, code: str = MADE_UP_CODE) -> str:
        """A concrete address for this pattern, with `code` wherever an object's code goes."""
        path = "/" + "".join(concrete_part(pattern, code) for pattern in self.patterns)
        matched = resolve(path)
        assert matched.route == self.route, f"{path} resolves to {matched.route!r}, not to {self.route!r}"
        return path


def is_code_parameter(name: str) -> bool:
    return name == "code" or name.endswith("_code")


def concrete_part(pattern, code: str) -> str:
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAMETER.sub(lambda match: route_value(pattern, match["name"], code), str(pattern))
    if isinstance(pattern, RegexPattern):
        text = str(pattern).removeprefix("^").removesuffix("$")
        return REGEX_GROUP.sub(lambda match: regex_value(match["name"], match["body"], code), text)
    raise TypeError(f"unknown pattern type {type(pattern).__name__}")


def route_value(pattern: RoutePattern, name: str, code: str) -> str:
    converter = pattern.converters[name]
    if isinstance(converter, IntConverter):
        return MADE_UP_INT
    if isinstance(converter, UUIDConverter):
        return MADE_UP_UUID
    return converter.to_url(code if is_code_parameter(name) else MADE_UP_CODE)


def regex_value(name: str, body: str, code: str) -> str:
    """A value the group accepts: its first literal alternative, or a made-up code or number."""
    if WORD_ALTERNATIVES.fullmatch(body):
        return body.split("|")[0]
    candidates = [code if is_code_parameter(name) else MADE_UP_CODE, MADE_UP_INT]
    return next(candidate for candidate in candidates if re.fullmatch(body, candidate))


def walk(patterns, chain: tuple = (), namespace: str = "") -> Iterator[Endpoint]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from walk(entry.url_patterns, (*chain, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Endpoint(name, (*chain, entry.pattern))


ENDPOINTS = list(walk(get_resolver().url_patterns))


def login_paths() -> set[str]:
    return {reverse("accounts:login"), reverse("admin:login")}


def is_login_redirect(response) -> bool:
    return response.status_code in {301, 302, 303, 307, 308} and urlsplit(response["Location"]).path in login_paths()


def answers(client: Client, path: str) -> dict[str, object]:
    return {"GET": client.get(path), "POST": client.post(path, {})}


def is_open(response) -> bool:
    """The request reached a page: not sent to a log-in page and not refused."""
    return not is_login_redirect(response) and response.status_code not in GATED_STATUSES


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def test_the_sweep_sees_every_part_of_the_site():
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert names >= PUBLIC_PAGES | ADMIN_PUBLIC_PAGES
    assert names >= {"network:dashboard", "network:contacts", "network:organisation", "accounts:settings"}
    assert names >= {
        "paths:target",
        "paths:organisation",
        "paths:organisation_best",
        "paths:unit",
        "paths:posting",
        "paths:unit_detail",
        "paths:targets_best",
        "postings:detail",
    }
    assert names >= {
        "meetings:list",
        "meetings:start",
        "meetings:request",
        "meetings:approve",
        "meetings:propose_times",
        "meetings:invitation",
    }
    assert names >= {
        "notifications:inbox",
        "notifications:mark_read",
        "notifications:mark_all_read",
        "notifications:settings",
    }


@pytest.mark.django_db
def test_exactly_the_reviewed_pages_are_open_without_logging_in(anonymous):
    open_pages = {
        endpoint.label
        for endpoint in ENDPOINTS
        if any(is_open(response) for response in answers(anonymous, endpoint.path()).values())
    }
    assert open_pages == PUBLIC_PAGES


def test_exactly_the_reviewed_views_are_marked_login_not_required():
    """`login_not_required` is what lets LoginRequiredMiddleware through; only reviewed views carry it."""
    marked = {
        endpoint.label for endpoint in ENDPOINTS if not getattr(resolve(endpoint.path()).func, "login_required", True)
    }
    assert {label for label in marked if not label.startswith(API_VIEWS)} == PUBLIC_PAGES | ADMIN_PUBLIC_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.label)
def test_anonymous_visitor_is_sent_to_log_in_or_refused(anonymous, endpoint):
    path = endpoint.path()
    for method, response in answers(anonymous, path).items():
        assert response.status_code != 500, f"{method} {path} crashed"
        if endpoint.name in PUBLIC_PAGES | ADMIN_PUBLIC_PAGES:
            continue
        assert response.status_code != 200, f"{method} {path} answered a page to an anonymous visitor"
        assert is_login_redirect(response) or response.status_code in GATED_STATUSES, (
            f"{method} {path} answered {response.status_code} {response.get('Location', '')}"
        )


@pytest.fixture
def mettes_secrets(mette):
    """Mette's own objects and the words that identify them; a stranger must never see one of them."""
    hideaway = Organisation.objects.create(name="Kaffebrænderiet Hyggekrogen", private_to=mette)
    confidant = Person.objects.create(name="Hemmelige Henrietta")
    card = know(mette, confidant, private=True, organisation=hideaway, title="Fortrolig rådgiver")
    card.email = "henrietta.fortrolig@example.org"
    card.phone = "+45 31 41 59 26"
    card.notes = "Mettes note: spørg om budgettet for 2027"
    card.save()
    block = Block.objects.create(owner=mette, person=confidant)
    imports = mettes_imports(mette, confidant, card)
    brief = PrepBrief.objects.create(
        seeker=mette, target=mette.targets.first(), ask="Mettes brief: må jeg høre om Henriettas budget?"
    )
    jonas = mette.ties.get(person_b__member__isnull=False).person_b.member
    meeting = MeetingRequest.objects.create(
        seeker=mette,
        brief=brief,
        kind=RequestKind.INTRODUCTION,
        connector=jonas,
        person=confidant,
        path=[jonas.person.pk, confidant.pk],
        state=RequestState.SCHEDULING,
        message="Mettes besked: kan vi tale om budgettet?",
        place="Mettes hemmelige café",
    )
    ProposedTime.objects.create(
        request=meeting,
        starts=timezone.now() + timedelta(days=3),
        ends=timezone.now() + timedelta(days=3, hours=1),
        proposed_by=mette,
    )
    notification = Notification.objects.create(
        recipient=mette,
        event=Event.objects.create(kind="tests.mettes_notice", subject=card.code),
        kind="tests.mettes_notice",
    )
    codes = [
        *imports,
        card.code,
        *mette.contact_cards.values_list("code", flat=True),
        *mette.targets.values_list("code", flat=True),
        mette.seeker_profile.code,
        mette.person.code,
        hideaway.code,
        block.code,
        notification.code,
        brief.code,
        meeting.code,
    ]
    words = [
        "Mette Kristensen",
        mette.email,
        mette.seeker_profile.headline,
        hideaway.name,
        confidant.name,
        card.email,
        card.phone,
        card.notes,
        MY_IMPORT_FILE,
        brief.ask,
        meeting.message,
        meeting.place,
    ]
    return {"codes": sorted(set(codes)), "words": words}


MY_IMPORT_FILE = "mettes-fortrolige-kontakter.csv"


def mettes_imports(mette, confidant, card) -> list[str]:
    """An import waiting for Mette's confirmation, a finished one naming her confidant, and a duplicate to decide."""
    waiting = ImportBatch.objects.create(
        owner=mette, filename=MY_IMPORT_FILE, content=b"First Name,Last Name\nHemmelige,Henrietta\n", total_rows=1
    )
    done = ImportBatch.objects.create(
        owner=mette, filename=MY_IMPORT_FILE, status=ImportStatus.DONE, counts={"created": 1}, total_rows=1
    )
    ImportRow.objects.create(
        batch=done, row_number=1, outcome=RowOutcome.CREATED, reason="new_person", name=card.full_name, card=card
    )
    twin = Person.objects.create(name="Hemmelige Henriette")
    suggestion = MergeSuggestion.objects.create(
        owner=mette, person=twin, candidate=confidant, score=90, reason="similar_name_at_organisation"
    )
    return [waiting.code, done.code, suggestion.code]


# Each address is asked as a page and as an htmx fragment: a fragment view must check access just the same.
STRANGER_REQUESTS = [("GET", {}), ("POST", {}), ("GET", {"HX-Request": "true"}), ("POST", {"HX-Request": "true"})]


def mettes_state(mette) -> tuple:
    """Everything of Mette's a stranger's request could change."""
    mette.refresh_from_db()
    return (
        (mette.email, mette.display_name, mette.language, mette.is_active),
        sorted(mette.contact_cards.values_list()),
        sorted(mette.ties.values_list()),
        sorted(mette.targets.values_list()),
        sorted(mette.blocks.values_list()),
        sorted(Organisation.objects.filter(private_to=mette).values_list()),
        tuple(SeekerProfile.objects.filter(user=mette).values_list()),
        sorted(ImportBatch.objects.filter(owner=mette).values_list()),
        sorted(MergeSuggestion.objects.filter(owner=mette).values_list()),
        sorted(Notification.objects.filter(recipient=mette).values_list()),
        tuple(NotificationPreferences.objects.filter(user=mette).values_list()),
        sorted(PrepBrief.objects.filter(seeker=mette).values_list()),
        sorted(MeetingRequest.objects.filter(seeker=mette).values_list()),
        sorted(ProposedTime.objects.filter(request__seeker=mette).values_list()),
    )


def assert_shows_none_of(response, words: list[str], where: str) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    leaked = [word for word in words if word in text]
    assert not leaked, f"{where} shows Mette's {leaked}"


@ONCE_IN_THE_SQLITE_PASS
@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.label)
def test_stranger_never_sees_or_changes_mettes_things(lars, mette, mettes_secrets, endpoint):
    stranger = Client(raise_request_exception=False)
    codes = mettes_secrets["codes"] if endpoint.takes_code else [MADE_UP_CODE]
    before = mettes_state(mette)
    for code in codes:
        path = endpoint.path(code)
        for method, headers in STRANGER_REQUESTS:
            stranger.force_login(lars)  # a log-out or password change in the sweep must not end the sweep
            if method == "GET":
                response = stranger.get(path, headers=headers)
            else:
                response = stranger.post(path, {}, headers=headers)
            where = f"{method} {path}{' (htmx)' if headers else ''}"
            assert response.status_code != 500, f"{where} crashed"
            if endpoint.takes_code:
                # 403 is the answer to a role Lars lacks (a coach's or a manager's page), given before any object is
                # looked up, so it says nothing about Mette's; tests/security/test_authorization_matrix.py pins
                # which answer each role gets.
                assert response.status_code in {403, 404, 405} or is_login_redirect(response), (
                    f"{where} with Mette's code answered {response.status_code}"
                )
            assert_shows_none_of(response, mettes_secrets["words"], where)
    assert mettes_state(mette) == before, f"a stranger's request to {endpoint.label} changed Mette's data"


@pytest.mark.django_db
def test_the_secret_words_are_ones_a_page_shows_to_their_owner(mette_client, mettes_secrets):
    """The stranger sweep is only as good as its words: Mette's own network page shows her private contact."""
    response = mette_client.get(reverse("network:contacts"))
    assert "Hemmelige Henrietta" in response.content.decode()
