"""Where the server's CPU goes on the pages of the load test: each page rendered N times under cProfile.

The load test (bench/load.py) measures latency under concurrency; when it fails because the cores are saturated,
the cure is less CPU per request, and this finds it. The set-up is the load test's, on SQLite (the CPU profile of
Python is what matters here): production settings (DEBUG unset, cached template loader, every middleware, JSON
request logs), the default demo network and its graph snapshot, static files collected. Then, in one process with
Django's test client, members walk `bench.load.Walk` (the same pages, fragments and choices as the simulated
members); a first round warms the caches, then each page is timed over `--rounds` rounds of `--members` members.

Prints per page group the median CPU milliseconds of a request (this process's CPU time, SQLite's included: on a
shared machine, other work slows it far less than it would wall-clock time) and its query count, then, from one more
round under cProfile, the top functions by cumulative time of each page (or only of `--page`). The request logs go
to /dev/null unless PROFILE_STDERR is set.

The prepared set-up is kept in `--workdir` and used again when present, so a second run after a code change starts
in seconds (`--fresh` rebuilds it after a change to the demo or the migrations).

    python -m bench.profile_pages [--page NAME] [--rounds 3] [--members 10] [--top 25] [--no-profile]
                                  [--dump DIR] [--workdir /tmp/kaffebro-profile] [--fresh] [--json]

NAME is a group of bench/load.py ("dashboard", "contacts", "ways in: target", …) or a prefix of one.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.load import Walk, prepare, production_env

DEFAULT_WORKDIR = Path("/tmp/kaffebro-profile")
PORT = 8443  # only in SITE_URL: nothing listens


def environment(workdir: Path) -> dict[str, str]:
    """bench/load.py's production environment on a SQLite file in `workdir`, with a SECRET_KEY kept across runs
    (the members' sessions and the static manifest do not depend on it, but a stable key keeps runs alike)."""
    env = production_env(f"sqlite:///{workdir / 'profile.sqlite3'}", PORT, workdir)
    key_file = workdir / "secret_key"
    if not key_file.exists():
        key_file.write_text(env["SECRET_KEY"])
    env["SECRET_KEY"] = key_file.read_text()
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    return env


def prepared(workdir: Path, *, fresh: bool) -> dict[str, str]:
    """The database, snapshot and static files of the load test in `workdir`, built once."""
    ready = workdir / "ready"
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(workdir)
    if not ready.exists():
        print(f"Preparing the production set-up in {workdir}:", file=sys.stderr)
        prepare(env, progress=lambda line: print(line, file=sys.stderr))
        ready.write_text("ok")
    return env


# The child: production settings, one process


def members(count: int) -> list:
    """The members the load test logs in first (bench/load.py's order): the demo's named logins, then seekers,
    then connectors."""
    from django.db.models import Case, IntegerField, Value, When

    from kaffebro.accounts.models import User
    from kaffebro.network.demo import DEMO_LOGINS

    named = [email for email, _role in DEMO_LOGINS]
    order = Case(
        *[When(email=email, then=Value(index)) for index, email in enumerate(named)],
        When(seeker_profile__isnull=False, then=Value(100)),
        When(connector_settings__open_to_introductions=True, then=Value(200)),
        default=Value(300),
        output_field=IntegerField(),
    )
    chosen = User.objects.filter(is_active=True, is_staff=False, is_coach=False, authenticator__isnull=True)
    return list(chosen.annotate(order=order).order_by("order", "pk")[:count])


def walk_once(client, walk: Walk, record) -> None:
    """One round of the nine steps of a walk; `record(request, milliseconds, queries)` after each request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(9):
        for request in walk.next():
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                response = client.get(request.path, secure=True, headers=_headers(request))
                elapsed = (time.process_time() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{request.path} answered {response.status_code}")
            walk.learn(request, response.content.decode())
            record(request, elapsed, len(queries))


def child(options) -> int:
    import django

    django.setup()
    from django.test import Client

    chosen = members(options.members)
    clients = []
    for member in chosen:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(member)
        clients.append(client)
    walks = [Walk(number=index) for index in range(len(chosen))]
    for client, walk in zip(clients, walks, strict=True):  # the warm-up round: templates, caches, the snapshot
        walk_once(client, walk, lambda *_: None)

    timings: dict[str, list[float]] = {}
    queries: dict[str, list[int]] = {}
    profiles: dict[str, cProfile.Profile] = {}
    wanted = options.page.lower() if options.page else None

    def record(request, elapsed: float, count: int) -> None:
        timings.setdefault(request.group, []).append(elapsed)
        queries.setdefault(request.group, []).append(count)

    for _ in range(options.rounds):
        for client, walk in zip(clients, walks, strict=True):
            walk_once(client, walk, record)
    if not options.no_profile:
        profile_walks(clients, walks, wanted, profiles)

    medians = {group: round(statistics.median(values), 2) for group, values in sorted(timings.items())}
    if options.json:
        print(json.dumps(medians))
        return 0
    print(f"{'group':<28}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'n':>5}")
    for group, values in sorted(timings.items(), key=lambda item: -statistics.median(item[1])):
        p90 = sorted(values)[int(len(values) * 0.9) - 1] if len(values) > 1 else values[0]
        print(f"{group:<28}{statistics.median(values):>10.1f}{p90:>9.1f}{max(queries[group]):>9}{len(values):>5}")
    print(f"{'all pages, median of medians':<28}{statistics.median(medians.values()):>10.1f}")
    for group, profile in profiles.items():
        if options.dump:
            options.dump.mkdir(parents=True, exist_ok=True)
            profile.dump_stats(options.dump / f"{group.replace(' ', '_').replace(':', '')}.prof")
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(options.top)
        print(f"\n=== {group}: top {options.top} by cumulative time ===")
        print(out.getvalue().split("\n", 4)[-1].strip("\n"))
    return 0


def profile_walks(clients, walks, wanted: str | None, profiles: dict) -> None:
    """One more round, each request under its group's profiler (or only those of the wanted group)."""
    for client, walk in zip(clients, walks, strict=True):
        for _ in range(9):
            for request in walk.next():
                if wanted and not request.group.lower().startswith(wanted):
                    response = client.get(request.path, secure=True, headers=_headers(request))
                else:
                    profile = profiles.setdefault(request.group, cProfile.Profile())
                    profile.enable()
                    response = client.get(request.path, secure=True, headers=_headers(request))
                    profile.disable()
                walk.learn(request, response.content.decode())


def _headers(request) -> dict[str, str]:
    return {"HX-Request": "true"} if request.htmx else {}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", help="profile only the groups starting with this (default: every group)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of the walk per member (default 3)")
    parser.add_argument("--members", type=int, default=10, help="members walking (default 10, as the baseline)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile (default 25)")
    parser.add_argument("--no-profile", action="store_true", help="only the timings")
    parser.add_argument("--json", action="store_true", help="only the medians, as JSON on one line")
    parser.add_argument("--dump", type=Path, help="also write each group's profile here, for pstats or snakeviz")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--fresh", action="store_true", help="prepare the set-up again")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        return child(options)
    env = prepared(options.workdir, fresh=options.fresh)
    arguments = [arg for arg in argv if arg != "--fresh"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.profile_pages", "--child", *arguments],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO")},
        stderr=subprocess.DEVNULL if not os.environ.get("PROFILE_STDERR") else None,
        check=False,
    )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
