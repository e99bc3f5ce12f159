"""How fast every insights page renders on 100,000 outcomes and 20,000 coffee meetings, against a naive funnel.

A child process (SQLite; PostgreSQL too when DATABASE_URL names one) seeds a fresh database in
bulk: 10,000 seekers spread over every segment (industry, sector background, employment form,
gender, some left empty), 500 connectors, a coach following 1,000 of the seekers (and 50 who
withdrew), 20,000 coffee-meeting requests in every state, names passed on, suggestions and
100,000 outcome events. It then asks each page through Django's test client, logged in as the
operator, the coach, one seeker and the busiest connector, and times repeated requests: the
median and 90th percentile of the wall-clock time, the median CPU time of the process (on SQLite
that includes the database's work, which runs in the process; on PostgreSQL it does not), and the
page's query count. The machine's load average is printed with them: on a shared machine the
wall-clock times grow with it, the CPU times much less.

The baseline, measured in the same run: the funnel alone, computed the naive way, per seeker in
Python with a few ORM queries each. Its counts must equal the page's raw figures; a mismatch is
printed. The figures go to bench/results/insights.json; the issue's target (every page ≤ 200 ms
median) is reported met or not met, and the exit code is 0 either way.

    python -m bench.insights [--seekers 10000] [--outcomes 100000] [--meetings 20000] [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time

from bench.common import ROOT, databases, run_child

RESULTS = ROOT / "bench" / "results" / "insights.json"
SEED = 7
TARGET_MS = 200.0
CONNECTORS = 500
PERSONS = 3000
SUGGESTIONS = 1500
ORGANISATIONS = 60
WITHDRAWN = 50
BATCH = 5000
# Pages and what they are asked as: (label, who, URL name, CSV chart or None)
PAGES = (
    ("operator: all job seekers", "operator", "insights:all", None),
    ("operator: CSV of a breakdown", "operator", "insights:all_csv", "industry"),
    ("coach: caseload", "coach", "insights:caseload", None),
    ("seeker: her own", "seeker", "insights:mine", None),
    ("connector: impact fragment", "connector", "insights:impact", None),
)
# Which scope's naive funnel each page is compared with.
BASELINE_OF = {"operator": "all", "coach": "caseload", "seeker": "own", "connector": "own"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=10_000)
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--caseload", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: which of sqlite and postgresql (or postgres; when DATABASE_URL is set) to run on",
    )
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.run:
        return _run_and_report(options)
    arguments = ["--run"]
    for name in ("seekers", "outcomes", "meetings", "caseload", "repeats"):
        arguments += [f"--{name}", str(getattr(options, name))]
    wanted = {"postgresql" if name.strip() == "postgres" else name.strip() for name in options.databases.split(",")}
    results = {vendor: run_child("bench.insights", url, arguments) for vendor, url in databases() if vendor in wanted}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"options": vars(options), "results": results}, indent=2) + "\n")
    for vendor, figures in results.items():
        _print_report(vendor, figures)
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


# The report (in the parent).


def _print_report(vendor: str, f: dict) -> None:
    rows = f["rows"]
    print(
        f"\ninsights, {vendor}: {rows['outcomes']:,} outcome events, {rows['meetings']:,} coffee-meeting requests, "
        f"{rows['seekers']:,} seekers, a caseload of {rows['caseload']:,}; seeded in {f['seed_seconds']:.1f} s"
    )
    before, after = f["load_average"]
    print(f"  machine: {f['cpus']} CPUs, load average {before:.1f} before and {after:.1f} after timing the pages")
    for scope, baseline in f["baselines"].items():
        print(
            f"  naive funnel, {scope} ({baseline['seekers']:,} seekers): median {baseline['median_ms']:.1f} ms, "
            f"{baseline['queries']:,} queries [{baseline['runs']} runs]"
        )
    for page in f["pages"]:
        baseline = f["baselines"][BASELINE_OF[page["who"]]]
        ratio = baseline["median_ms"] / page["median_ms"]
        verdict = "met" if page["median_ms"] <= TARGET_MS else "NOT met"
        print(
            f"  {page['label']:30} median {page['median_ms']:7.1f} ms, p90 {page['p90_ms']:7.1f} ms, "
            f"CPU {page['cpu_ms']:6.1f} ms, {page['queries']} queries, {page['kilobytes']:.0f} kB; "
            f"{ratio:,.1f}x the naive funnel of its scope [≤ {TARGET_MS:.0f} ms: {verdict}]"
        )
    mismatches = f["mismatches"]
    print(f"  agreement with the naive funnel: {len(mismatches)} mismatches")
    for mismatch in mismatches:
        print(f"    MISMATCH {mismatch}")


# The run (in the child).


def _run_and_report(options) -> int:
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one log line per request would be timed too
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    cast = seed(options, random.Random(SEED))
    seed_seconds = time.perf_counter() - started
    _settle()
    _say(f"seeded in {seed_seconds:.1f} s; timing the pages")
    clients = {who: _client_for(user) for who, user in cast["logins"].items()}
    load_before = os.getloadavg()[0]
    pages = [time_page(clients[who], label, who, name, chart, options.repeats) for label, who, name, chart in PAGES]
    load_after = os.getloadavg()[0]
    _say("timing the naive funnel")
    baselines, mismatches = {}, []
    for scope, (seekers, runs) in {
        "all": (cast["scopes"]["all"], 1),
        "caseload": (cast["scopes"]["caseload"], 5),
        "own": (cast["scopes"]["own"], options.repeats),
    }.items():
        baselines[scope], counts = time_naive(seekers, runs)
        mismatches += _compare(scope, seekers, counts)
    print(
        json.dumps(
            {
                "rows": cast["rows"],
                "seed_seconds": seed_seconds,
                "pages": pages,
                "baselines": baselines,
                "mismatches": mismatches,
                "load_average": [load_before, load_after],
                "cpus": os.cpu_count(),
            }
        )
    )
    return 0


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _settle() -> None:
    """Write the load's pages to disk and refresh the planner's statistics, so no timing pays for the load."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _client_for(user):
    """A test client logged in as the member, past the second factor an operator or a coach must give."""
    from django.test import Client

    from kaffebro.accounts import sessions

    client = Client()
    client.force_login(user)
    session = client.session
    session[sessions.SECOND_FACTOR] = sessions.PASSED
    session.save()
    return client


# Seeding.


def _weighted(rng: random.Random, choices: dict[str, float]) -> str:
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def seed(options, rng: random.Random) -> dict:
    """Every row in bulk, in one transaction; returns who logs in, the scopes' seekers and the row counts."""
    from django.db import transaction

    with transaction.atomic():
        people = _seed_members(options, rng)
        meetings = _seed_meetings(options, rng, people)
        _seed_suggestions(rng, people)
        outcomes = _seed_outcomes(options, rng, people)
        caseload = _seed_caseload(options, rng, people)
    seekers = people["seekers"]
    busiest = max(people["connectors"], key=lambda user: people["introductions"].get(user.pk, 0))
    return {
        "logins": {
            "operator": people["operator"],
            "coach": people["coach"],
            "seeker": seekers[0],
            "connector": busiest,
        },
        "scopes": {"all": [user.pk for user in seekers], "caseload": caseload, "own": [seekers[0].pk]},
        "rows": {
            "seekers": len(seekers),
            "meetings": meetings,
            "outcomes": outcomes,
            "caseload": len(caseload),
        },
    }


def _seed_members(options, rng: random.Random) -> dict:
    from kaffebro.accounts.models import User
    from kaffebro.meetings.models import PrepBrief
    from kaffebro.network.models import (
        EmploymentForm,
        Gender,
        Industry,
        Organisation,
        Person,
        Sector,
        SectorBackground,
        SeekerProfile,
        Target,
        TargetKind,
    )

    def members(prefix: str, count: int, **fields) -> list:
        users = [
            User(email=f"{prefix}{i}@bench.example", display_name=f"{prefix.title()} {i}", password="!", **fields)
            for i in range(count)
        ]
        return User.objects.bulk_create(users, batch_size=BATCH)

    seekers = members("seeker", options.seekers)
    SeekerProfile.objects.bulk_create(
        [
            SeekerProfile(
                user=user,
                industry=rng.choice(["", *Industry.values]),
                sector_background=_weighted(rng, {SectorBackground.PUBLIC: 4, SectorBackground.PRIVATE: 5, "": 1}),
                employment_form=_weighted(rng, {EmploymentForm.EMPLOYEE: 16, EmploymentForm.SELF_EMPLOYED: 3, "": 1}),
                gender=_weighted(rng, {Gender.WOMAN: 48, Gender.MAN: 45, Gender.OTHER: 2, "": 5}),
            )
            for user in seekers
        ],
        batch_size=BATCH,
    )
    targets = Target.objects.bulk_create(
        [Target(seeker=user, kind=TargetKind.FIELD, job_field="dataanalyse") for user in seekers], batch_size=BATCH
    )
    briefs = PrepBrief.objects.bulk_create(
        [PrepBrief(seeker=user, target=target) for user, target in zip(seekers, targets, strict=True)],
        batch_size=BATCH,
    )
    return {
        "seekers": seekers,
        "briefs": briefs,
        "connectors": members("connector", CONNECTORS),
        "coach": members("coach", 1, is_coach=True)[0],
        "operator": members("operator", 1, is_staff=True)[0],
        "persons": Person.objects.bulk_create([Person(name=f"Kontakt {i}") for i in range(PERSONS)], batch_size=BATCH),
        "organisations": Organisation.objects.bulk_create(
            [
                Organisation(name=f"Organisation {i}", sector=rng.choice(Sector.values), industry=Industry.OTHER)
                for i in range(ORGANISATIONS)
            ]
        ),
        "introductions": {},
    }


# States of the requests, weighted; each implies what was set on the way there.
MEETING_STATES = {
    "draft": 10,
    "with_connector": 8,
    "with_person": 8,
    "scheduling": 6,
    "scheduled": 6,
    "held": 25,
    "followed_up": 17,
    "declined": 10,
    "withdrawn": 5,
    "expired": 5,
}
HELD_STATES = {"held", "followed_up"}


def _seed_meetings(options, rng: random.Random, people: dict) -> int:
    from django.utils import timezone

    from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, OutcomeKind, RequestKind

    seekers, briefs, persons = people["seekers"], people["briefs"], people["persons"]
    connectors = people["connectors"]
    start = timezone.now() - datetime.timedelta(days=730)
    # Some seekers ask for many meetings, most for few (weights 1 / (rank + 10)); the k-th request of a seeker goes
    # to a person of its own, which keeps the rule of one open request per seeker and person.
    weights = [1 / (rank + 10) for rank in range(len(seekers))]
    asked: dict[int, int] = {}
    requests = []
    for index in rng.choices(range(len(seekers)), weights=weights, k=options.meetings):
        nth = asked[index] = asked.get(index, 0) + 1
        person = (index * 37 + nth) % len(persons)
        state = _weighted(rng, MEETING_STATES)
        # A fifth of the introductions go to the first connector: the busy connector whose impact is timed.
        connector = (connectors[0] if rng.random() < 0.2 else rng.choice(connectors)) if rng.random() < 0.6 else None
        sent = start + datetime.timedelta(days=rng.randrange(700), hours=rng.randrange(24))
        reached = state not in ("draft", "with_connector") and not (
            state == "declined" and connector and rng.random() < 0.5
        )
        requests.append(
            MeetingRequest(
                seeker=seekers[index],
                brief=briefs[index],
                kind=RequestKind.INTRODUCTION if connector else RequestKind.DIRECT,
                connector=connector,
                person=persons[person],
                state=state,
                first_sent=None if state == "draft" else sent,
                reached_person=sent + datetime.timedelta(days=2) if reached else None,
                starts=sent + datetime.timedelta(days=rng.randrange(5, 30))
                if state in HELD_STATES | {"scheduled"}
                else None,
            )
        )
        if connector:
            people["introductions"][connector.pk] = people["introductions"].get(connector.pk, 0) + 1
    requests = MeetingRequest.objects.bulk_create(requests, batch_size=BATCH)
    outcomes = [
        MeetingOutcome(request=request, kind=_weighted(rng, {OutcomeKind.NAME_PASSED_ON: 3, OutcomeKind.OTHER: 2}))
        for request in requests
        if request.state in HELD_STATES and rng.random() < 0.4
    ]
    MeetingOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
    return len(requests)


def _seed_suggestions(rng: random.Random, people: dict) -> None:
    from kaffebro.jobs.models import Suggestion, SuggestionState

    connectors, organisations = people["connectors"], people["organisations"]
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                seeker=seeker,
                suggested_by=rng.choice(connectors),
                decision_maker=rng.choice(connectors),
                organisation=rng.choice(organisations),
                how_known="Vi har arbejdet sammen.",
                why_fit="Hun kan sit kram.",
                state=rng.choice(SuggestionState.values),
            )
            for seeker in rng.sample(people["seekers"], min(SUGGESTIONS, len(people["seekers"])))
        ],
        batch_size=BATCH,
    )


OUTCOME_KINDS = {"applied": 50, "interview": 20, "offer": 8, "hired": 5, "declined": 12, "withdrawn": 5}
CREDITS = {"advertised": 45, "path": 15, "meeting": 25, "share": 8, "suggestion": 7}


def _seed_outcomes(options, rng: random.Random, people: dict) -> int:
    from kaffebro.jobs.models import Outcome

    seekers, connectors, organisations = people["seekers"], people["connectors"], people["organisations"]
    first = datetime.date.today() - datetime.timedelta(days=730)
    rows = []
    for _ in range(options.outcomes):
        seeker = rng.choice(seekers)
        credit = _weighted(rng, CREDITS)
        rows.append(
            Outcome(
                seeker=seeker,
                kind=_weighted(rng, OUTCOME_KINDS),
                date=first + datetime.timedelta(days=rng.randrange(730)),
                credit=credit,
                organisation=rng.choice(organisations) if rng.random() < 0.9 else None,
                connector=rng.choice(connectors) if credit == "path" else None,
                recorded_by=seeker,
            )
        )
    return len(Outcome.objects.bulk_create(rows, batch_size=BATCH))


def _seed_caseload(options, rng: random.Random, people: dict) -> list[int]:
    from django.utils import timezone

    from kaffebro.jobs.models import CoachAccess

    chosen = rng.sample(people["seekers"], min(options.caseload + WITHDRAWN, len(people["seekers"])))
    following, withdrawn = chosen[: options.caseload], chosen[options.caseload :]
    coach = people["coach"]
    CoachAccess.objects.bulk_create(
        [CoachAccess(seeker=seeker, coach=coach) for seeker in following]
        + [CoachAccess(seeker=seeker, coach=coach, withdrawn=timezone.now()) for seeker in withdrawn],
        batch_size=BATCH,
    )
    return [seeker.pk for seeker in following]


# Timing.


def time_page(client, label: str, who: str, name: str, chart: str | None, repeats: int) -> dict:
    """The median and 90th percentile of repeated requests, after one warm-up, and the page's query count."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse(name, args=[chart]) if chart else reverse(name)
    headers = {"HX-Request": "true"} if name == "insights:impact" else {}
    reset_queries()  # each request empties the log anyway; the count must start from the same place
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times, cpu = [], []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    times.sort()
    return {
        "label": label,
        "who": who,
        "url": url,
        "median_ms": statistics.median(times),
        "p90_ms": times[min(len(times) - 1, round(0.9 * (len(times) - 1)))],
        "cpu_ms": statistics.median(cpu),
        "queries": len(context.captured_queries),
        "kilobytes": len(response.content) / 1024,
    }


def naive_funnel(seeker_ids: list[int]) -> tuple[dict[str, int], int]:
    """The baseline: the funnel computed per seeker in Python, with four small queries each (the definitions of
    docs/insights.md); returns the counts and the number of queries."""
    from kaffebro.insights.figures import HELD, JOB_RANK, STEPS, SUGGESTION_NOT_SENT
    from kaffebro.jobs.models import Outcome, Suggestion
    from kaffebro.meetings.models import MeetingOutcome, MeetingRequest
    from kaffebro.meetings.models import OutcomeKind as MeetingOutcomeKind

    counts = dict.fromkeys(STEPS, 0)
    for seeker_id in seeker_ids:
        requests = MeetingRequest.objects.filter(seeker_id=seeker_id, first_sent__isnull=False)
        net = max(
            (
                3 if state in HELD else 2 if reached else 1
                for state, reached in requests.values_list("state", "reached_person")
            ),
            default=0,
        )
        passed = MeetingOutcome.objects.filter(
            request__seeker_id=seeker_id, kind=MeetingOutcomeKind.NAME_PASSED_ON
        ).exists() or (Suggestion.objects.filter(seeker_id=seeker_id).exclude(state__in=SUGGESTION_NOT_SENT).exists())
        kinds = set(Outcome.objects.filter(seeker_id=seeker_id).values_list("kind", flat=True))
        job = max((JOB_RANK[kind] for kind in kinds if kind in JOB_RANK), default=0)
        reached = (net >= 1, net >= 2, net >= 3, passed, job >= 1, job >= 2, job >= 3, job >= 4)
        for step, yes in zip(STEPS, reached, strict=True):
            counts[step] += yes
    return counts, 4 * len(seeker_ids)


def time_naive(seeker_ids: list[int], runs: int) -> tuple[dict, dict[str, int]]:
    times, counts, queries = [], {}, 0
    for _ in range(runs):
        began = time.perf_counter()
        counts, queries = naive_funnel(seeker_ids)
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": statistics.median(times), "queries": queries, "runs": runs, "seekers": len(seeker_ids)}, counts


def _compare(scope: str, seeker_ids: list[int], naive: dict[str, int]) -> list[str]:
    """The page's raw funnel (before the group rule) must count exactly what the naive one does."""
    from kaffebro.accounts.models import User
    from kaffebro.insights.figures import compute

    ours = dict(compute(User.objects.filter(pk__in=seeker_ids)).total.steps)
    return [f"{scope}: {step} kaffebro {ours[step]} naive {naive[step]}" for step in naive if ours[step] != naive[step]]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
