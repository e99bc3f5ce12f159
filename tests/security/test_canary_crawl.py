"""The canary crawl (issue 9): Mette's private data, seeded with unique strings, read by nobody it is not for.

Every role crawls the whole site breadth first from every address without parameters, following every link,
htmx fragment, GET form and redirect; opens every address that takes a code with each of Mette's codes; reads
every list of the API (following its cursors) and every API address with her codes, by a personal token; and
downloads its own data export. No answer may hold a canary that role may not read (tests/security/canaries.py
says who may read which, and why), and none may crash. Mette crawls too, to show the canaries are real and the
crawler reaches them.

The Django admin (/operator/) is left out: an operator reads members' data there by design (docs/security.md),
behind the second factor. The operator's own pages, /insights/ among them, are crawled like anyone's.
"""

import logging
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from kaffebro.core.personal_data import export_zip
from tests.api.conftest import client_for
from tests.conftest import ONCE_IN_THE_SQLITE_PASS
from tests.jobs.conftest import birthe, dorte, drift, kim  # noqa: F401  (the jobs cast)
from tests.privacy.conftest import everything  # noqa: F401  (Mette's data in every app)
from tests.security.canaries import (
    ANONYMOUS,
    BIRTHE,
    CODE_KINDS,
    DORTE,
    HTMX_MARK,
    JONAS,
    KARL,
    KIM,
    LARS,
    METTE,
    NANNA,
    OLGA,
    ROLES,
    SKIPPED_PREFIXES,
    SOFIE,
    Cast,
    Fetched,
    codes_for,
    crawl,
    crawl_api,
    fetch,
    karl_and_nanna,
    leaks,
    logged_in_client,
    seed,
    zip_text,
)
from tests.test_url_sweep import ENDPOINTS

pytestmark = ONCE_IN_THE_SQLITE_PASS

# Roles with no business with any of Mette's objects: each of her codes answers them 404, or 403 for a page
# their role lacks, or a redirect (to log in). Jonas, Sofie and Birthe open some of hers legitimately.
STRANGERS = {NANNA, KARL, KIM, DORTE, OLGA, LARS, ANONYMOUS}
REFUSALS = {301, 302, 303, 401, 403, 404, 405}
THROTTLED = 429
MINIMUM_MET = 40  # of the 44 canaries her pages, her API and her export show her (all of them, today)
API_CATCH_ALL = "api:not_found"


def is_skipped(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in SKIPPED_PREFIXES)


def page_starts() -> list[str]:
    paths = [endpoint.path() for endpoint in ENDPOINTS if not endpoint.parameter_names()]
    return [path for path in paths if not is_skipped(path)]


def api_endpoints() -> list:
    return [endpoint for endpoint in ENDPOINTS if endpoint.name.startswith("api:") and endpoint.name != API_CATCH_ALL]


def api_lists() -> list[str]:
    return [endpoint.path() for endpoint in api_endpoints() if not endpoint.parameter_names()]


def coded_paths(cast: Cast, endpoints) -> Iterator[str]:
    for endpoint in endpoints:
        if endpoint.takes_code:
            yield from (endpoint.path(code) for code in codes_for(endpoint.name, cast.mettes_codes))


def page_endpoints() -> list:
    return [endpoint for endpoint in ENDPOINTS if not is_skipped(endpoint.path())]


@pytest.fixture(autouse=True)
def _quiet():
    """Thousands of 404s logged would cost a good part of the run."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The crawl reads far more a minute than a member may; a 429 would hide what the page holds."""
    rates = {"read": "100000/minute", "write": "100000/minute", "search": "100000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, 100000)


@pytest.fixture
def cast(everything, kim, dorte, olga) -> Cast:  # noqa: F811
    karl, nanna = karl_and_nanna(everything)
    users = {
        METTE: everything.mette,
        NANNA: nanna,
        JONAS: everything.jonas,
        KARL: karl,
        BIRTHE: everything.birthe,
        KIM: kim,
        SOFIE: everything.sofie,
        DORTE: dorte,
        OLGA: olga,
        LARS: everything.lars,
    }
    return seed(everything, users)


def pages(role: str, cast: Cast) -> Iterator[Fetched]:
    return crawl(logged_in_client(cast.users.get(role)), page_starts())


def pages_with_mettes_codes(role: str, cast: Cast) -> Iterator[Fetched]:
    client = logged_in_client(cast.users.get(role))
    for path in coded_paths(cast, page_endpoints()):
        yield fetch(client, path)[0]


def api_answers(role: str, cast: Cast) -> Iterator[Fetched]:
    user = cast.users.get(role)
    client = client_for(user) if user is not None else APIClient()
    yield from crawl_api(client, api_lists())
    for path in coded_paths(cast, api_endpoints()):
        yield fetch(client, path)[0]


def export(role: str, cast: Cast) -> Fetched:
    """What the member's own "download my data" holds."""
    return Fetched("their data export", 200, zip_text(export_zip(cast.users[role])).lower())


def problems_in(role: str, answers: Iterator[Fetched], cast: Cast, *, refused: bool = False) -> tuple[int, list]:
    """How many answers were read, and every leak, crash or (where `refused`) answer that was not a refusal."""
    problems: list[str] = []
    count = 0
    for answer in answers:
        count += 1
        if answer.status >= 500 or answer.status == THROTTLED:
            problems.append(f"{role} got {answer.status} at {answer.url}")
        if refused and answer.status not in REFUSALS:
            problems.append(f"{role} was answered {answer.status} at {answer.url}, Mette's")
        problems += leaks(answer, cast.canaries, role)
    return count, problems


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_reads_a_canary_it_is_not_allowed_to(cast, role):
    crawled = list(pages(role, cast))
    _, in_pages = problems_in(role, iter(crawled), cast)
    coded, in_coded = problems_in(role, pages_with_mettes_codes(role, cast), cast, refused=role in STRANGERS)
    api, in_api = problems_in(role, api_answers(role, cast), cast)
    in_export = leaks(export(role, cast), cast.canaries, role) if role != ANONYMOUS else []
    fragments = sum(answer.url.endswith(HTMX_MARK) for answer in crawled)
    print(f"{role}: {len(crawled)} pages crawled ({fragments} htmx), {coded} with Mette's codes, {api} API answers")
    problems = in_pages + in_coded + in_api + in_export
    assert not problems, "\n".join(problems[:40])


def test_every_address_taking_a_code_says_which_codes_it_takes():
    """A new address taking a code must be added to CODE_KINDS, or Mette's codes never reach it."""
    taking = {endpoint.name for endpoint in page_endpoints() + api_endpoints() if endpoint.takes_code}
    assert taking == set(CODE_KINDS)


@pytest.mark.django_db
def test_mette_reads_her_own_canaries_so_the_crawl_reaches_them(cast):
    """The crawl is only as good as what it reaches: as Mette, the same crawl meets every canary she may read."""
    answers = [
        *pages(METTE, cast),
        *pages_with_mettes_codes(METTE, cast),
        *api_answers(METTE, cast),
        export(METTE, cast),
    ]
    shown = [item for item in cast.canaries if item.shown_to_mette]
    met = {item.text for item in shown for answer in answers if item.text.lower() in answer.text}
    missing = [item.text for item in shown if item.text not in met]
    print(f"mette: {len(answers)} answers, {len(met)} of {len(shown)} canaries met; missing {missing}")
    assert not missing, f"Mette met only {len(met)} of {len(shown)}; missing {missing}"
    assert len(met) >= MINIMUM_MET
