"""The load test's own logic (bench/load.py): what a simulated member visits, and when a run fails.

The run itself (`make load`) takes minutes and a production set-up; these check its arithmetic and its walk.
"""

from bench.load import (
    LOGIN,
    MAX_MEMORY_GROWTH,
    PAGE,
    PATH_SEARCH,
    WARMUP_SECONDS,
    Request,
    Walk,
    memory_growth,
    summarise,
    verdict,
)

DASHBOARD = '<a href="/paths/target/tgtA1/">See the ways in</a> <a href="/paths/target/tgtB2/">See the ways in</a>'
ORGANISATIONS = '<td><a href="/organisations/orgX9/">Region Østkysten</a></td>'


def walk_once(walk: Walk, pages: dict[str, str]) -> list[Request]:
    visited = []
    for _ in range(9):
        for request in walk.next():
            walk.learn(request, pages.get(request.group, ""))
            visited.append(request)
    return visited


def test_a_seeker_walks_every_page_and_searches_the_ways_into_their_own_target():
    visited = walk_once(Walk(number=0), {"dashboard": DASHBOARD, "organisations": ORGANISATIONS})

    groups = {request.group for request in visited}
    assert groups >= {"dashboard", "contacts", "contacts search", "organisations", "organisation", "meetings"}
    assert groups >= {"inbox", "pipeline", "ways in: target", "dashboard: best ways in"}
    ways = next(request for request in visited if request.group == "ways in: target")
    assert ways.path in {"/paths/target/tgtA1/", "/paths/target/tgtB2/"} and ways.kind == PATH_SEARCH
    assert all(request.htmx for request in visited if request.group.endswith(("best ways in", "best way in")))


def test_a_member_without_targets_searches_the_ways_into_an_organisation_instead():
    visited = walk_once(Walk(number=3), {"organisations": ORGANISATIONS})

    assert not any(request.group == "ways in: target" for request in visited)
    assert Request("ways in: organisation", PATH_SEARCH, "/paths/organisation/orgX9/") in visited
    assert Request("organisation", PAGE, "/organisations/orgX9/") in visited


def summary(**figures) -> dict:
    return {
        "error_ratio": 0.0,
        "pages": {"p95_ms": 100.0},
        "path_search": {"p95_ms": 100.0},
        **figures,
    }


def test_a_run_fails_at_one_percent_of_errors_300_ms_for_pages_and_500_ms_for_path_search():
    assert verdict(summary(), None) == []
    assert verdict(summary(error_ratio=0.0099, pages={"p95_ms": 299.9}, path_search={"p95_ms": 499.9}), None) == []
    failures = verdict(summary(error_ratio=0.01, pages={"p95_ms": 300.0}, path_search={"p95_ms": 500.0}), None)
    assert [failure.split()[0] for failure in failures] == ["error", "pages", "path"]


def test_a_soak_fails_when_memory_grew_more_than_20_percent_from_the_first_five_minutes_to_the_last():
    samples = [
        {"seconds": second, "gunicorn_workers_mb": 500.0 if second <= 300 else 625.0, "db_worker_mb": 100.0}
        for second in range(0, 1801, 30)
    ]

    growth = memory_growth(samples, 1800)

    assert growth["gunicorn_workers_mb"] == {"first_mb": 500.0, "last_mb": 625.0, "growth": 0.25}
    assert growth["db_worker_mb"]["growth"] == 0.0
    assert verdict(summary(), growth) == [f"gunicorn_workers_mb grew 25% > {MAX_MEMORY_GROWTH:.0%}"]


def test_the_figures_leave_out_the_warm_up_but_keep_the_log_in_and_every_error():
    samples = [
        (1.0, "login", LOGIN, 900.0, None),
        (2.0, "dashboard", PAGE, 5000.0, None),  # a cold worker: not measured
        (3.0, "inbox", PAGE, 10.0, "HTTPError: 500"),
        (WARMUP_SECONDS + 1, "dashboard", PAGE, 40.0, None),
        (WARMUP_SECONDS + 2, "ways in: target", PATH_SEARCH, 60.0, None),
    ]

    figures = summarise(samples, 60.0, {"dashboard": 20.0})

    assert figures["requests"] == 5 and figures["measured_requests"] == 3
    assert figures["errors"] == 1 and figures["error_ratio"] == 0.2
    assert figures["pages"]["count"] == 1 and figures["pages"]["p95_ms"] == 40.0
    assert figures["login"]["count"] == 1
    assert figures["groups"]["dashboard"]["p50_vs_baseline"] == 2.0
