"""How fast the warm-path engine answers a top-10 query, against networkx and a SQL self-join in the same run.

A synthetic network from the demo generator (power-law degrees, `ties = 30 x people`,
20 % of the persons members, half of them connectors; a few connectors paused, at
a monthly limit of 0 or inactive, a few blocks, a few suppressed persons, so every
rule has work to do) is loaded into a fresh database in a child
process (SQLite; PostgreSQL too when DATABASE_URL names one). The child builds the
index, publishes a snapshot to a temporary directory, maps it, and then asks the
same seeded (seeker, target) pairs of three engines:

- kaffebro: `PathEngine.top_paths` on the mapped snapshot; "cold" is the first
  query of a target in the process (target resolution and the target's summary
  included), "warm" the median of repeated queries once the summary is cached;
- networkx: every simple path of at most three hops (`all_simple_paths`, cutoff 3)
  checked against the rules of docs/paths.md and scored with `scoring.path_score`,
  within a time budget (its graph comes from the index arrays, so it checks the
  search, while the SQL baseline, reading the tables, also checks the index build);
- SQL: one query per pair of self-joins on the tie table, the rules and the score
  written as CASE expressions, diversity by ROW_NUMBER() (`sql_top_paths`).

All three must return the same top-10 scores; a mismatch is printed with its
pair and counted, never hidden. The figures go to bench/results/paths.json; the
issue's targets are reported met or not met, and the exit code is 0 either way.

    python -m bench.paths [--people 100000]        # full size: --people 1000000
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import itertools
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT, databases, run_child

RESULTS = ROOT / "bench" / "results" / "paths.json"
SEED = 1
NORMAL_PAIRS = 200
HUB_PAIRS = 40
NORMAL_MAX_TIES = 200
HUB_MIN_TIES = 4000
MEMBER_SHARE = 0.20
CONNECTOR_SHARE = 0.5
TIES_PER_PERSON = 30
PAUSED_SHARE = 0.05  # of the connectors: paused until next month (capacity 0.2)
NO_LIMIT_SHARE = 0.02  # of the connectors: a monthly limit of 0 (capacity 0.2)
SUPPRESSED_SHARE = 0.002  # of the persons: asked to be forgotten, so in no index and no path
INACTIVE_SHARE = 0.01  # of the connectors: account closed, so never passed through
BLOCKING_MEMBERS = 200  # members who block one of their contacts and one organisation
WARM_REPEATS = 5
NETWORKX_NORMAL_SHARE = 0.75  # of the networkx budget; the rest for hub seekers
TOLERANCE = 1e-6
TARGETS = {
    "people": 1_000_000,
    "p50_ms": 1.0,
    "p99_ms": 5.0,
    "hub_p99_ms": 25.0,
    "sql_ratio": 10.0,
    "networkx_ratio": 1000.0,
    "bytes_per_tie": 24.0,
    "open_ms": 10.0,
    "build_seconds_postgresql": 60.0,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--networkx-seconds", type=float, default=120.0, help="time budget of the networkx baseline")
    parser.add_argument("--sql-seconds", type=float, default=600.0, help="time budget of the SQL baseline")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: which of sqlite and postgresql (when DATABASE_URL is set) to run on",
    )
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.run:
        return _run_and_report(options)
    arguments = [
        "--run",
        "--people",
        str(options.people),
        "--networkx-seconds",
        str(options.networkx_seconds),
        "--sql-seconds",
        str(options.sql_seconds),
    ]
    wanted = set(options.databases.split(","))
    results = {vendor: run_child("bench.paths", url, arguments) for vendor, url in databases() if vendor in wanted}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"people": options.people, "results": results}, indent=2) + "\n")
    for vendor, figures in results.items():
        _print_report(vendor, options.people, figures)
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


# The report (in the parent).


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} ms"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def _print_report(vendor: str, people: int, f: dict) -> None:
    full = people >= TARGETS["people"]
    print(
        f"\nwarm paths, {f['persons']:,} persons, {f['ties']:,} ties ({f['ties'] / f['persons']:.1f} per person), "
        f"{f['members']:,} members, {f['connectors']:,} connectors, {vendor}:"
    )
    print(
        f"  index build {f['build_seconds']:.2f} s (peak resident growth {f['build_peak_bytes'] / 2**20:,.0f} MiB), "
        f"publish {f['publish_seconds']:.2f} s, snapshot open {_ms(f['open_ms'])} (first {_ms(f['open_first_ms'])})"
    )
    print(
        f"  index {f['index_bytes'] / 2**20:,.1f} MiB = {f['index_bytes_per_tie']:.1f} bytes per tie; resident after "
        f"touching the whole mapped snapshot {f['resident_bytes_per_tie']:.1f} bytes per tie"
    )
    q = f["queries"]
    print(
        f"  pairs: {q['normal']} seekers with 1-{NORMAL_MAX_TIES} ties, {q['hub']} hub pairs "
        f"(seekers with ≥ {HUB_MIN_TIES:,} ties: {q['hub_seekers_available']} in the network"
        f"{'; none, so no hub figures' if not q['hub_seekers_available'] else ''}); "
        f"{q['empty']} of {q['normal'] + q['hub']} answers empty"
    )
    for group in ("normal", "hub"):
        k = f["kaffebro"][group]
        if not k["count"]:
            continue
        print(
            f"  kaffebro, {group} seekers: warm p50 {_ms(k['warm_p50_ms'])}, p99 {_ms(k['warm_p99_ms'])}; "
            f"cold (first query of a target) p50 {_ms(k['cold_p50_ms'])}, p99 {_ms(k['cold_p99_ms'])} "
            f"[{k['count']} queries]"
        )
    for name in ("sql", "networkx"):
        b = f[name]
        for group in ("normal", "hub"):
            g = b[group]
            if not g["ran"]:
                if g["planned"]:
                    print(f"  {name}, {group} seekers: ran 0 of {g['planned']} within the budget")
                continue
            stopped = f" ({g['aborted']} stopped at the budget)" if g.get("aborted") else ""
            print(
                f"  {name}, {group} seekers: p50 {_ms(g['p50_ms'])}, p99 {_ms(g['p99_ms'])}; ran {g['ran']} of "
                f"{g['planned']}{stopped}; {g['ratio_cold']:.0f}x kaffebro cold p50, "
                f"{g['ratio_warm']:.0f}x warm p50 on the same queries"
            )
    if f["networkx_graph_seconds"]:
        print(
            f"  (networkx graph of {f['networkx_edges']:,} usable edges built in {f['networkx_graph_seconds']:.1f} s, "
            "not counted in its query times)"
        )
    mismatches = f["mismatches"]
    print(f"  agreement: {f['compared']} comparisons, {len(mismatches)} mismatches")
    for m in mismatches[:5]:
        print(f"    MISMATCH {m['engine']} vs kaffebro: seeker {m['seeker']} {m['spec']}")
        print(f"      kaffebro {m['kaffebro']}")
        print(f"      {m['engine']:8} {m['other']}")
    scale = "" if full else f" (measured at {people:,} persons; the targets are for {TARGETS['people']:,})"
    print(f"  targets{scale}:")
    normal, hub = f["kaffebro"]["normal"], f["kaffebro"]["hub"]
    for label, ok in _verdicts(vendor, f, normal, hub):
        print(f"    {label}: {_verdict(ok)}")


def _verdicts(vendor: str, f: dict, normal: dict, hub: dict) -> list[tuple[str, bool | None]]:
    def at_most(value, limit):
        return None if value is None else value <= limit

    def at_least(value, limit):
        return None if value is None else value >= limit

    sql, nx = f["sql"]["normal"], f["networkx"]["normal"]
    rows = [
        (f"p50 ≤ {TARGETS['p50_ms']:g} ms, ≤ {NORMAL_MAX_TIES} ties, warm", at_most(normal["warm_p50_ms"], 1.0)),
        (f"p50 ≤ {TARGETS['p50_ms']:g} ms, ≤ {NORMAL_MAX_TIES} ties, cold", at_most(normal["cold_p50_ms"], 1.0)),
        (f"p99 ≤ {TARGETS['p99_ms']:g} ms, ≤ {NORMAL_MAX_TIES} ties, warm", at_most(normal["warm_p99_ms"], 5.0)),
        (f"p99 ≤ {TARGETS['p99_ms']:g} ms, ≤ {NORMAL_MAX_TIES} ties, cold", at_most(normal["cold_p99_ms"], 5.0)),
        (f"hub p99 ≤ {TARGETS['hub_p99_ms']:g} ms, warm", at_most(hub["warm_p99_ms"], 25.0)),
        (f"hub p99 ≤ {TARGETS['hub_p99_ms']:g} ms, cold", at_most(hub["cold_p99_ms"], 25.0)),
        (f"≥ {TARGETS['sql_ratio']:g}x the SQL self-join (against cold)", at_least(sql.get("ratio_cold"), 10.0)),
        (f"≥ {TARGETS['networkx_ratio']:g}x networkx (against cold)", at_least(nx.get("ratio_cold"), 1000.0)),
        (f"≤ {TARGETS['bytes_per_tie']:g} resident bytes per tie", at_most(f["resident_bytes_per_tie"], 24.0)),
        (f"snapshot open ≤ {TARGETS['open_ms']:g} ms", at_most(f["open_ms"], 10.0)),
    ]
    if vendor == "postgresql":
        limit = TARGETS["build_seconds_postgresql"]
        rows.append((f"build from PostgreSQL ≤ {limit:g} s", at_most(f["build_seconds"], limit)))
    return rows


# The run (in the child).


@dataclass(frozen=True)
class Pair:
    seeker: int  # person id
    spec: object  # TargetSpec
    group: str  # "normal" or "hub"


def _run_and_report(options) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from kaffebro.network.demo import build
    from kaffebro.paths import snapshot
    from kaffebro.paths.engine import PathEngine
    from kaffebro.paths.index import CONNECTOR, MEMBER

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0)
    say(f"loading {options.people:,} persons, {TIES_PER_PERSON * options.people:,} ties ({connection.vendor})")
    started = time.perf_counter()
    build.build_demo(
        people=options.people,
        seed=SEED,
        ties=TIES_PER_PERSON * options.people,
        member_share=MEMBER_SHARE,
        connector_share=CONNECTOR_SHARE,
    )
    load_seconds = time.perf_counter() - started
    today = timezone.localdate()
    vary_connectors_and_blocks(today)
    _settle()
    say(f"loaded in {load_seconds:.0f} s; building the index")

    gc.collect()
    before = _resident()
    _reset_peak_resident()
    started = time.perf_counter()
    index = snapshot.build_index()
    build_seconds = time.perf_counter() - started
    build_peak = _peak_resident() - before
    index_bytes, ties, persons = index.nbytes, index.tie_count, index.node_count
    where = Path(tempfile.mkdtemp(prefix="kaffebro-bench-graph-"))
    started = time.perf_counter()
    snapshot.publish(index, where)
    publish_seconds = time.perf_counter() - started
    del index
    gc.collect()

    resident_before_open = _resident()
    opens = []
    for _ in range(7):
        snapshot.forget_opened()
        gc.collect()
        began = time.perf_counter()
        mapped = snapshot.open_current(where)
        opens.append((time.perf_counter() - began) * 1000)
        del mapped
    snapshot.forget_opened()
    gc.collect()
    resident_before_open = _resident()
    mapped = snapshot.open_current(where)
    assert mapped is not None
    touched = sum(int(getattr(mapped, name).sum(dtype="float64") != 0.5) for name in mapped.arrays())  # read every page
    resident_bytes_per_tie = (_resident() - resident_before_open) / max(ties, 1)
    say(f"index built in {build_seconds:.1f} s, {index_bytes / max(ties, 1):.1f} bytes per tie ({touched} arrays)")

    engine = PathEngine.from_index(mapped)
    degrees = mapped.indptr[1:] - mapped.indptr[:-1]
    pairs, hub_seekers = choose_pairs(mapped, degrees, random.Random(SEED))
    say(f"{len(pairs)} pairs; timing kaffebro")
    kaffebro = time_kaffebro(engine, pairs, today)
    say("timing SQL")
    sql = time_sql(pairs, today, options.sql_seconds, connection)
    if options.networkx_seconds > 0:
        say("building the networkx graph")
        seekers = {engine.view.node_of_person(pair.seeker) for pair in pairs}
        started = time.perf_counter()
        graph = networkx_graph(mapped, seekers)
        graph_seconds = time.perf_counter() - started
        say(f"networkx graph of {graph.number_of_edges():,} edges in {graph_seconds:.0f} s; timing networkx")
        nx_results = time_networkx(graph, engine, pairs, today, options.networkx_seconds)
        edges = graph.number_of_edges()
        del graph
    else:  # --networkx-seconds 0: a million-person networkx graph needs more memory than the machine has
        graph_seconds, edges = 0.0, 0
        nx_results = time_networkx(None, engine, pairs, today, 0)  # a zero budget runs none and reports so

    compared, mismatches = 0, []
    for name, results in (("sql", sql), ("networkx", nx_results)):
        for i, pair in enumerate(pairs):
            other = results["scores"][i]
            if other is None:
                continue
            compared += 1
            ours = kaffebro["scores"][i]
            if not same_scores(ours, other):
                mismatches.append(
                    {
                        "engine": name,
                        "seeker": pair.seeker,
                        "spec": repr(pair.spec),
                        "kaffebro": kaffebro["paths"][i],
                        "other": results["paths"][i],
                    }
                )
    shutil.rmtree(where, ignore_errors=True)

    figures = {
        "persons": persons,
        "ties": ties,
        "members": int((mapped.node_flags & MEMBER != 0).sum()),
        "connectors": int((mapped.node_flags & CONNECTOR != 0).sum()),
        "load_seconds": load_seconds,
        "build_seconds": build_seconds,
        "build_peak_bytes": build_peak,
        "publish_seconds": publish_seconds,
        "open_first_ms": opens[0],
        "open_ms": statistics.median(opens),
        "index_bytes": index_bytes,
        "index_bytes_per_tie": index_bytes / max(ties, 1),
        "resident_bytes_per_tie": resident_bytes_per_tie,
        "queries": {
            "normal": sum(p.group == "normal" for p in pairs),
            "hub": sum(p.group == "hub" for p in pairs),
            "hub_seekers_available": hub_seekers,
            "empty": sum(not scores for scores in kaffebro["scores"]),
        },
        "kaffebro": {group: _kaffebro_figures(kaffebro, pairs, group) for group in ("normal", "hub")},
        "sql": {group: _baseline_figures(sql, kaffebro, pairs, group) for group in ("normal", "hub")},
        "networkx": {group: _baseline_figures(nx_results, kaffebro, pairs, group) for group in ("normal", "hub")},
        "networkx_graph_seconds": graph_seconds,
        "networkx_edges": edges,
        "compared": compared,
        "mismatches": mismatches,
    }
    print(json.dumps(figures))
    return 0


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


def _resident() -> int:
    """This process's resident set in bytes (anonymous and mapped file pages)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _peak_resident() -> int:
    """The highest resident set since the last reset (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak_resident() -> None:
    """Start VmHWM afresh (Linux: writing 5 to clear_refs), so the build's peak is not the load's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def vary_connectors_and_blocks(today: datetime.date) -> None:
    """Give the rules something to do: connectors paused, at a limit of 0 or inactive; blocks; suppressed persons."""
    from kaffebro.accounts.models import User
    from kaffebro.network.demo.build import codes
    from kaffebro.network.models import Block, ConnectorSettings, Person, Position, Tie

    rng = random.Random(SEED)
    person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    for chunk in _chunks(rng.sample(person_ids, int(len(person_ids) * SUPPRESSED_SHARE))):
        Person.objects.filter(id__in=chunk).update(suppressed=True)
    connector_users = sorted(ConnectorSettings.objects.values_list("user_id", flat=True))
    for chunk in _chunks(rng.sample(connector_users, int(len(connector_users) * INACTIVE_SHARE))):
        User.objects.filter(id__in=chunk).update(is_active=False)
    settings_ids = sorted(ConnectorSettings.objects.values_list("id", flat=True))
    paused = rng.sample(settings_ids, int(len(settings_ids) * PAUSED_SHARE))
    rest = sorted(set(settings_ids) - set(paused))
    no_limit = rng.sample(rest, int(len(settings_ids) * NO_LIMIT_SHARE))
    for chunk in _chunks(paused):
        ConnectorSettings.objects.filter(id__in=chunk).update(paused_until=today + datetime.timedelta(days=30))
    for chunk in _chunks(no_limit):
        ConnectorSettings.objects.filter(id__in=chunk).update(monthly_limit=0)
    blockers = rng.sample(
        sorted(ConnectorSettings.objects.values_list("user_id", flat=True)), min(BLOCKING_MEMBERS, len(settings_ids))
    )
    blocks = []
    for user_id in blockers:
        contacts = list(Tie.objects.filter(owner_id=user_id).values_list("person_b_id", flat=True)[:50])
        if not contacts:
            continue
        blocked = rng.choice(contacts)
        blocks.append(Block(owner_id=user_id, person_id=blocked))
        elsewhere = rng.choice(contacts)
        organisation = Position.objects.filter(person_id=elsewhere, end_date__isnull=True).values_list(
            "organisation_id", flat=True
        )
        if organisation:
            blocks.append(Block(owner_id=user_id, organisation_id=organisation[0]))
    for block, code in zip(blocks, codes(len(blocks)), strict=True):
        block.code = code
    Block.objects.bulk_create(blocks, ignore_conflicts=True)


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The pairs.


def choose_pairs(index, degrees, rng: random.Random) -> tuple[list[Pair], int]:
    """Seekers (members with a seeker profile first) with 1-200 ties, hubs with ≥ 4,000; existing targets."""
    import numpy as np

    from kaffebro.network.models import Person, Posting
    from kaffebro.paths.index import MEMBER
    from kaffebro.paths.targets import TargetSpec

    members = np.flatnonzero(index.node_flags & MEMBER)
    with_profile = set(
        Person.objects.filter(member__seeker_profile__isnull=False).values_list("id", flat=True).order_by("id")
    )
    member_ids = index.persons[members]
    profiled = np.isin(member_ids, np.array(sorted(with_profile), dtype=np.int64))
    member_degrees = degrees[members]
    normal = (member_degrees >= 1) & (member_degrees <= NORMAL_MAX_TIES)
    first = member_ids[normal & profiled].tolist()
    rest = member_ids[normal & ~profiled].tolist()
    normal_seekers = rng.sample(first, min(NORMAL_PAIRS, len(first)))
    if len(normal_seekers) < NORMAL_PAIRS:
        normal_seekers += rng.sample(rest, min(NORMAL_PAIRS - len(normal_seekers), len(rest)))
    hubs = member_ids[member_degrees >= HUB_MIN_TIES].tolist()

    units = index.units[np.unique(index.position_unit[index.position_unit >= 0])]
    unit_organisation = dict(
        zip(index.units.tolist(), index.organisations[index.unit_organisation].tolist(), strict=True)
    )
    organisations = index.organisations[np.unique(index.position_organisation)].tolist()
    postings = list(Posting.objects.order_by("id").values_list("unit_id", "organisation_id", "decision_maker_id"))

    def target() -> TargetSpec:
        roll = rng.random()
        if roll < 0.1 and postings:
            unit, organisation, decider = rng.choice(postings)
            return TargetSpec("posting", unit_id=unit, organisation_id=organisation, decision_maker_id=decider)
        if roll < 0.55 and len(units):
            unit = int(rng.choice(units.tolist()))
            return TargetSpec("unit", unit_id=unit, organisation_id=unit_organisation[unit])
        return TargetSpec("organisation", organisation_id=int(rng.choice(organisations)))

    pairs = [Pair(seeker, target(), "normal") for seeker in normal_seekers]
    if hubs:
        pairs += [Pair(rng.choice(hubs), target(), "hub") for _ in range(HUB_PAIRS)]
    return pairs, len(hubs)


def same_scores(ours: list[float], other: list[float]) -> bool:
    return len(ours) == len(other) and all(
        abs(a - b) <= TOLERANCE + 1e-9 * abs(a) for a, b in zip(ours, other, strict=True)
    )


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# Kaffebro.


def time_kaffebro(engine, pairs: list[Pair], today: datetime.date) -> dict:
    """Cold: the first query of its target in the process (summary cache emptied); warm: median of repeats."""
    cold, warm, scores, paths = [], [], [], []
    engine.top_paths(pairs[0].seeker, pairs[0].spec, 10, today=today)  # imports, scratch arrays
    for pair in pairs:
        engine._summaries.clear()
        began = time.perf_counter()
        found = engine.top_paths(pair.seeker, pair.spec, 10, today=today)
        cold.append((time.perf_counter() - began) * 1000)
        repeats = []
        for _ in range(WARM_REPEATS):
            began = time.perf_counter()
            engine.top_paths(pair.seeker, pair.spec, 10, today=today)
            repeats.append((time.perf_counter() - began) * 1000)
        warm.append(statistics.median(repeats))
        scores.append([path.score for path in found])
        paths.append([(round(path.score, 6), path.person_ids) for path in found])
    return {"cold": cold, "warm": warm, "scores": scores, "paths": paths}


def _kaffebro_figures(kaffebro: dict, pairs: list[Pair], group: str) -> dict:
    chosen = [i for i, pair in enumerate(pairs) if pair.group == group]
    cold = [kaffebro["cold"][i] for i in chosen]
    warm = [kaffebro["warm"][i] for i in chosen]
    return {
        "count": len(chosen),
        "cold_p50_ms": _percentile(cold, 0.5),
        "cold_p99_ms": _percentile(cold, 0.99),
        "warm_p50_ms": _percentile(warm, 0.5),
        "warm_p99_ms": _percentile(warm, 0.99),
    }


def _baseline_figures(results: dict, kaffebro: dict, pairs: list[Pair], group: str) -> dict:
    planned = [i for i, pair in enumerate(pairs) if pair.group == group]
    ran = [i for i in planned if results["ms"][i] is not None]
    times = [results["ms"][i] for i in ran]
    figures = {
        "planned": len(planned),
        "ran": len(ran),
        "aborted": sum(1 for i in planned if results["aborted"][i]),
        "p50_ms": _percentile(times, 0.5),
        "p99_ms": _percentile(times, 0.99),
    }
    if ran:
        cold = _percentile([kaffebro["cold"][i] for i in ran], 0.5)
        warm = _percentile([kaffebro["warm"][i] for i in ran], 0.5)
        figures["ratio_cold"] = figures["p50_ms"] / cold
        figures["ratio_warm"] = figures["p50_ms"] / warm
    return figures


# The SQL self-join baseline.


def time_sql(pairs: list[Pair], today: datetime.date, budget: float, connection) -> dict:
    """Each pair once (twice when the first run is under a second, keeping the faster), normal seekers first."""
    count = len(pairs)
    ms: list[float | None] = [None] * count
    scores: list[list[float] | None] = [None] * count
    paths: list[list | None] = [None] * count
    if connection.vendor == "postgresql":
        # The query's estimated cost triggers PostgreSQL's JIT, which then compiles for seconds per query
        # (3.2 s of 3.4 s at 2,000 persons): any OLTP deployment turns it off, so the baseline does too.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    deadline = time.perf_counter() + budget
    for i, pair in enumerate(pairs):
        if time.perf_counter() > deadline:
            break
        best = None
        for _ in range(2):
            began = time.perf_counter()
            found = sql_top_paths(connection, pair.seeker, pair.spec, today)
            took = (time.perf_counter() - began) * 1000
            best = took if best is None else min(best, took)
            if took > 1000:
                break
        ms[i] = best
        scores[i] = [score for score, _ids in found]
        paths[i] = [(round(score, 6), ids) for score, ids in found]
    return {"ms": ms, "scores": scores, "paths": paths, "aborted": [False] * count}


def _case(column: str, weights) -> str:
    """A weight by strength 1-5 as a CASE expression."""
    whens = " ".join(f"WHEN {strength} THEN {weight!r}" for strength, weight in enumerate(weights, start=1))
    return f"CAST(CASE {column} {whens} ELSE 0 END AS DOUBLE PRECISION)"


def _tie_weight(position: str, w, cutoffs: tuple[str, str]) -> str:
    """tie_weight of docs/paths.md over a combined tie's columns strength, rated and last_contact."""
    recent, middling = cutoffs
    return (
        f"({_case('strength', w.position_weights(position))} "
        f"* CAST(CASE WHEN rated = 1 THEN 1.0 ELSE {w.unrated!r} END AS DOUBLE PRECISION) "
        f"* CAST(CASE WHEN last_contact IS NULL OR last_contact <= '2000-01-01' THEN {w.recency_unknown!r} "
        f"WHEN last_contact >= '{recent}' THEN {w.recency[0]!r} "
        f"WHEN last_contact >= '{middling}' THEN {w.recency[1]!r} ELSE {w.recency[2]!r} END AS DOUBLE PRECISION))"
    )


# One directed record: its owner's person, the other person, the tie's columns, and whether it is shareable
# (not private, its owner an opted-in active connector who has not blocked the other person or their organisation).
_RECORD = """
    SELECT t.person_a_id AS owner, t.person_b_id AS other, t.strength,
        CASE WHEN t.strength_rated THEN 1 ELSE 0 END AS rated, t.last_contact,
        CASE WHEN NOT t.is_private
            AND EXISTS (SELECT 1 FROM connector c WHERE c.person = t.person_a_id)
            AND NOT EXISTS (SELECT 1 FROM network_block b WHERE b.owner_id = t.owner_id AND b.person_id = t.person_b_id)
            AND NOT EXISTS (SELECT 1 FROM network_block b JOIN network_position bp
                ON bp.organisation_id = b.organisation_id AND bp.end_date IS NULL
                WHERE b.owner_id = t.owner_id AND bp.person_id = t.person_b_id)
        THEN 1 ELSE 0 END AS shared
    FROM network_tie t
"""

# A tie combined from the records a hop may see: the highest rated strength, else the highest default; the latest
# contact. The seeker's first hop sees her own records (private ones too) and the contact's shareable ones; every
# other hop sees shareable records only, so a private rating never reaches anyone but its owner.
_COMBINED = """
    CASE WHEN MAX(x.rated) = 1 THEN MAX(CASE WHEN x.rated = 1 THEN x.strength END) ELSE MAX(x.strength) END AS strength,
    MAX(x.rated) AS rated, MAX(x.last_contact) AS last_contact
"""


def _target_sql(spec, roles: dict[str, float]) -> str:
    """(person, role weight) of the target persons, best role per person; suppressed persons left out."""
    unit_tree = (
        f"SELECT CAST({int(spec.unit_id)} AS BIGINT) AS id "
        "UNION SELECT u.id FROM network_unit u JOIN unit_tree ON u.parent_id = unit_tree.id"
        if spec.kind in ("unit", "posting") and spec.unit_id
        else "SELECT CAST(NULL AS BIGINT) AS id WHERE 1 = 0"
    )
    with_organisation = spec.kind in ("unit", "organisation", "posting") and spec.organisation_id
    organisation = int(spec.organisation_id) if with_organisation else -1
    decider = int(spec.decision_maker_id or -1) if spec.kind == "posting" else -1
    if spec.kind == "person":
        decider = int(spec.person_id)
    decider_weight = roles["person"] if spec.kind == "person" else roles["posting_decision_maker"]
    return f"""
    unit_tree(id) AS ({unit_tree}),
    target_role(person, w) AS (
        SELECT r.person, CAST(MAX(r.w) AS DOUBLE PRECISION) FROM (
            SELECT pos.person_id AS person,
                CASE WHEN pos.unit_id IN (SELECT id FROM unit_tree)
                    THEN CASE WHEN pos.is_decision_maker THEN {roles["unit_decision_maker"]!r}
                        ELSE {roles["unit_member"]!r} END
                    ELSE CASE WHEN pos.is_decision_maker THEN {roles["organisation_decision_maker"]!r}
                        ELSE {roles["organisation_member"]!r} END
                END AS w
            FROM network_position pos
            WHERE pos.end_date IS NULL
                AND (pos.organisation_id = {organisation} OR pos.unit_id IN (SELECT id FROM unit_tree))
            UNION ALL
            SELECT p.id, {decider_weight!r} FROM network_person p WHERE p.id = {decider}
        ) r JOIN network_person rp ON rp.id = r.person AND NOT rp.suppressed
        GROUP BY r.person
    )"""


def sql_top_paths(connection, seeker: int, spec, today: datetime.date, k: int = 10) -> list[tuple[float, tuple]]:
    """The same top k as `PathEngine.top_paths`, in one SQL query of self-joins on the tie table.

    Returns (score, person ids after the seeker) best first. Only unit, organisation,
    posting and person targets (job fields need the Danish word folding).
    """
    from django.conf import settings

    from kaffebro.paths import scoring

    w = scoring.weights()
    seeker = int(seeker)
    cutoffs = tuple(str(today - datetime.timedelta(days=days)) for days in w.recency_days)
    tie = {position: _tie_weight(position, w, cutoffs) for position in ("first", "middle", "last")}
    scale, (hop1, hop2, hop3) = w.scale, w.hop
    sql = f"""
    WITH RECURSIVE
    {_target_sql(spec, w.role)},
    connector(person, cap) AS NOT MATERIALIZED (
        -- paused or a limit of 0, else 1 - load x used / limit with nothing used yet
        SELECT p.id, CAST(CASE WHEN (s.paused_until IS NOT NULL AND s.paused_until >= '{today}')
            OR s.monthly_limit <= 0 THEN {w.capacity_paused!r} ELSE 1.0 END AS DOUBLE PRECISION)
        FROM network_person p
        JOIN accounts_user u ON u.id = p.member_id AND u.is_active
        JOIN network_connectorsettings s ON s.user_id = u.id AND s.open_to_introductions
        WHERE NOT p.suppressed
    ),
    tie_record AS NOT MATERIALIZED ({_RECORD}),
    -- Hop 1: the seeker's own records (private ones too) and the contact's shareable records of the seeker.
    first_raw(person, strength, rated, last_contact) AS (
        SELECT x.person, {_COMBINED} FROM (
            SELECT r.other AS person, r.strength, r.rated, r.last_contact FROM tie_record r WHERE r.owner = {seeker}
            UNION ALL
            SELECT r.owner, r.strength, r.rated, r.last_contact
            FROM tie_record r WHERE r.other = {seeker} AND r.shared = 1
        ) x GROUP BY x.person
    ),
    first_hop(person, w, connector, cap) AS (
        SELECT f.person, {tie["first"]}, CASE WHEN c.person IS NULL THEN 0 ELSE 1 END, c.cap
        FROM first_raw f
        JOIN network_person fp ON fp.id = f.person AND NOT fp.suppressed
        LEFT JOIN connector c ON c.person = f.person
    ),
    -- Last hop: a connector B and a target person T, on shareable records (by a connector at either end).
    last_raw(via, target, strength, rated, last_contact) AS (
        SELECT x.via, x.target, {_COMBINED} FROM (
            SELECT r.owner AS via, r.other AS target, r.strength, r.rated, r.last_contact
            FROM tie_record r JOIN target_role tr ON tr.person = r.other WHERE r.shared = 1
            UNION ALL
            SELECT r.other, r.owner, r.strength, r.rated, r.last_contact
            FROM tie_record r JOIN target_role tr ON tr.person = r.owner WHERE r.shared = 1
        ) x GROUP BY x.via, x.target
    ),
    last_hop(via, target, w, via_cap) AS (
        SELECT l.via, l.target, tr.w * {tie["last"]}, cv.cap
        FROM last_raw l
        JOIN target_role tr ON tr.person = l.target
        JOIN connector cv ON cv.person = l.via
        WHERE l.target <> {seeker}
    ),
    -- Middle hop: two connectors, on shareable records.
    middle_raw(first_person, via, strength, rated, last_contact) AS (
        SELECT x.first_person, x.via, {_COMBINED} FROM (
            SELECT r.owner AS first_person, r.other AS via, r.strength, r.rated, r.last_contact
            FROM tie_record r
            WHERE r.shared = 1 AND r.owner IN (SELECT person FROM first_hop WHERE connector = 1)
                AND r.other IN (SELECT via FROM last_hop)
            UNION ALL
            SELECT r.other, r.owner, r.strength, r.rated, r.last_contact
            FROM tie_record r
            WHERE r.shared = 1 AND r.other IN (SELECT person FROM first_hop WHERE connector = 1)
                AND r.owner IN (SELECT via FROM last_hop)
        ) x GROUP BY x.first_person, x.via
    ),
    middle_hop(first_person, via, w) AS (
        SELECT m.first_person, m.via, {tie["middle"]} FROM middle_raw m WHERE m.via <> {seeker}
    ),
    candidate(score, hops, first_person, middle_person, target_person) AS (
        SELECT {scale!r} * tr.w * {hop1!r} * f.w, 1, f.person, -1, f.person
        FROM first_hop f JOIN target_role tr ON tr.person = f.person
        UNION ALL
        SELECT {scale!r} * {hop2!r} * f.w * f.cap * l.w, 2, f.person, -1, l.target
        FROM first_hop f JOIN last_hop l ON l.via = f.person
        WHERE f.connector = 1
        UNION ALL
        SELECT {scale!r} * {hop3!r} * f.w * f.cap * m.w * l.via_cap * l.w, 3, f.person, m.via, l.target
        FROM first_hop f JOIN middle_hop m ON m.first_person = f.person JOIN last_hop l ON l.via = m.via
        WHERE f.connector = 1 AND l.target <> f.person
    ),
    ranked AS (
        SELECT c.*, ROW_NUMBER() OVER (
            PARTITION BY first_person ORDER BY score DESC, hops, middle_person, target_person
        ) AS rank_in_first FROM candidate c
    )
    SELECT score, hops, first_person, middle_person, target_person FROM ranked
    WHERE rank_in_first <= {int(settings.PATH_DIVERSITY)}
    ORDER BY score DESC, hops, first_person, middle_person, target_person
    LIMIT {int(k)}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    found = []
    for score, hops, first, middle, target in rows:
        ids = (target,) if hops == 1 else ((first, target) if hops == 2 else (first, middle, target))
        found.append((float(score), tuple(int(i) for i in ids)))
    return found


# The networkx baseline.


def networkx_graph(index, seekers: set[int]):
    """Every tie that can lie on some path: one with a shareable record (whose owner is a connector), or a seeker's.

    Built from the index arrays (the SQL baseline checks the index against the
    database). Each edge keeps both ends' own views (`f`/`fd` from the lower node,
    `g`/`gd` from the higher; 0 when that end may not use it as a seeker) and the
    shared view (`s`/`sd`); ties no rule could use are left out, which changes no answer.
    """
    import networkx as nx
    import numpy as np

    from kaffebro.paths.index import CONNECTOR

    rows = np.repeat(np.arange(index.node_count, dtype=np.int64), np.diff(index.indptr))
    cols = index.indices.astype(np.int64)
    seeker = np.zeros(index.node_count, dtype=bool)
    seeker[list(seekers)] = True
    keep = (np.asarray(index.shared) != 0) | seeker[rows] | seeker[cols]
    rows, cols = rows[keep], cols[keep]
    flags, days = np.asarray(index.flags)[keep], np.asarray(index.days)[keep]
    shared, shared_days = np.asarray(index.shared)[keep], np.asarray(index.shared_days)[keep]
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    keys, where = np.unique((low << 32) | high, return_inverse=True)
    own = {}
    for name, side in (("f", rows < cols), ("g", rows > cols)):
        view = np.zeros(len(keys), dtype=np.int64)
        view_days = np.zeros(len(keys), dtype=np.int64)
        view[where[side]] = flags[side]
        view_days[where[side]] = days[side]
        own[name], own[name + "d"] = view, view_days
    s = np.zeros(len(keys), dtype=np.int64)
    sd = np.zeros(len(keys), dtype=np.int64)
    s[where] = shared
    sd[where] = shared_days
    graph = nx.Graph()
    graph.add_edges_from(
        (u, v, {"f": f, "fd": fd, "g": g, "gd": gd, "s": sv, "sd": sdv})
        for u, v, f, fd, g, gd, sv, sdv in zip(
            (keys >> 32).tolist(),
            (keys & 0xFFFFFFFF).tolist(),
            own["f"].tolist(),
            own["fd"].tolist(),
            own["g"].tolist(),
            own["gd"].tolist(),
            s.tolist(),
            sd.tolist(),
            strict=True,
        )
    )
    graph.graph["connector"] = (np.asarray(index.node_flags) & CONNECTOR) != 0
    graph.graph["capacity"] = np.asarray(index.capacity, dtype=np.float64)
    return graph


class _OutOfTime(Exception):
    pass


def networkx_top_paths(graph, engine, seeker_person: int, spec, today: datetime.date, k: int = 10, deadline=None):
    """All simple paths of ≤ 3 hops to the target persons, kept when the rules allow them, scored, diversified."""
    import networkx as nx
    import numpy as np
    from django.conf import settings

    from kaffebro.paths import scoring
    from kaffebro.paths.scoring import RATED, RECORDED_BY_ROW, SHARED_BY_NEIGHBOUR, STRENGTH_MASK

    seeker = engine.view.node_of_person(seeker_person)
    target_set = engine.targets(spec)
    roles = dict(zip(target_set.nodes.tolist(), target_set.roles.tolist(), strict=True))
    targets = set(roles) - {seeker}
    if seeker < 0 or seeker not in graph or not targets:
        return []
    connector, capacity = graph.graph["connector"], graph.graph["capacity"]
    day = scoring.day_number(today)

    def own_view(u, v) -> tuple[int, int]:
        edge = graph[u][v]
        return (edge["f"], edge["fd"]) if u < v else (edge["g"], edge["gd"])

    candidates = []
    for count, path in enumerate(nx.all_simple_paths(graph, seeker, targets, cutoff=3)):
        if deadline is not None and count % 256 == 0 and time.perf_counter() > deadline:
            raise _OutOfTime
        middle = path[1:-1]
        if not all(connector[node] for node in middle):
            continue
        # The seeker's own records (private ones too) or the contact's shareable ones, in the seeker's view.
        first, first_day = own_view(path[0], path[1])
        if not first & (RECORDED_BY_ROW | SHARED_BY_NEIGHBOUR):
            continue
        ties = [(first & STRENGTH_MASK, bool(first & RATED), first_day)]
        # Every other hop: shareable records only (their owners are connectors), in the shared view.
        for u, v in itertools.pairwise(path[1:]):
            edge = graph[u][v]
            if not edge["s"] & STRENGTH_MASK:
                break
            ties.append((edge["s"] & STRENGTH_MASK, bool(edge["s"] & RATED), edge["sd"]))
        if len(ties) != len(path) - 1:
            continue
        role = scoring.ROLES[roles[path[-1]]]
        score = scoring.path_score(role, ties, [float(capacity[node]) for node in middle], day)
        candidates.append((-score, len(path) - 1, path[1], tuple(path[2:-1]), path[-1], path))
    candidates.sort()
    taken, per_first = [], {}
    for negative, _hops, first, _middle, _target, path in candidates:
        if per_first.get(first, 0) >= settings.PATH_DIVERSITY:
            continue
        per_first[first] = per_first.get(first, 0) + 1
        persons = tuple(int(p) for p in engine.view.person_of_node(np.array(path[1:])))
        taken.append((-negative, persons))
        if len(taken) == k:
            break
    return taken


def time_networkx(graph, engine, pairs: list[Pair], today: datetime.date, budget: float) -> dict:
    """Normal seekers, then hubs, each group with its share of the budget; a query still running at the end of
    its group's share is stopped and not counted."""
    count = len(pairs)
    ms: list[float | None] = [None] * count
    scores: list[list[float] | None] = [None] * count
    paths: list[list | None] = [None] * count
    aborted = [False] * count
    has_hubs = any(pair.group == "hub" for pair in pairs)
    shares = {"normal": NETWORKX_NORMAL_SHARE if has_hubs else 1.0, "hub": 1.0 - NETWORKX_NORMAL_SHARE}
    deadlines: dict[str, float] = {}
    for i, pair in enumerate(pairs):
        if pair.group not in deadlines:
            deadlines[pair.group] = time.perf_counter() + budget * shares[pair.group]
        deadline = deadlines[pair.group]
        if time.perf_counter() > deadline:
            continue
        began = time.perf_counter()
        try:
            found = networkx_top_paths(graph, engine, pair.seeker, pair.spec, today, deadline=deadline)
        except _OutOfTime:
            aborted[i] = True
            continue
        ms[i] = (time.perf_counter() - began) * 1000
        scores[i] = [score for score, _ids in found]
        paths[i] = [(round(score, 6), ids) for score, ids in found]
    return {"ms": ms, "scores": scores, "paths": paths, "aborted": aborted}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
