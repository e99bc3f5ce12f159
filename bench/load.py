"""Load test: simulated members browse the production set-up on loopback, headless and bounded in time.

What runs is what docs/deploy.md deploys, on 127.0.0.1 only: a fresh database (PostgreSQL, or SQLite with
`--database sqlite`) with the default demo network and its graph snapshot, static files collected, gunicorn with
the units' options and 2 * cores + 1 workers under production settings (DEBUG unset, a fresh SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1), and the task worker. Nothing in the settings is switched off for the test: the load
generator plays the browser *and* nginx, as production has them in front of gunicorn. It sends
`X-Forwarded-Proto: https` as nginx does (the deployment's BEHIND_TLS_PROXY=1, so the HTTPS redirect stays on),
and passes the Secure `__Host-` cookies over the plain-HTTP loopback hop, as nginx does after TLS.

Each simulated member (locust, bench/locustfile.py) logs in once, then walks the pages of `Walk` with 1-3 s of
thinking between them, fetching the fragments each page loads with htmx as a browser would. The demo's named
logins without two-factor come first, then synthetic members (seekers, then connectors), who are given a
password for the run. Afterwards the same pages are rendered once each in a single process with Django's test
client (no HTTP, no concurrency): the baseline the figures are compared with.

Fails (exit 1) when the error ratio is 1 % or more, p95 of pages is 300 ms or more, p95 of path searches is
500 ms or more, or (with --soak) the memory of gunicorn's workers or of the task worker grew by more than 20 %
from the first five minutes to the last five. Figures go to bench/results/load.json
(bench/results/load-soak.json with --soak).

    python -m bench.load [--users 50] [--minutes 5] [--soak] [--database postgres|sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "load.json"
SOAK_RESULTS = ROOT / "bench" / "results" / "load-soak.json"  # a soak does not overwrite the figures of a run
LOAD_DATABASE = "kaffebro_load"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"

MAX_ERROR_RATIO = 0.01
MAX_PAGE_P95_MS = 300.0
MAX_PATH_P95_MS = 500.0
MAX_MEMORY_GROWTH = 0.20
SOAK_MINUTES = 30
MEMORY_SAMPLE_SECONDS = 30
CPU_SAMPLE_SECONDS = 2
MEMORY_WINDOW_SECONDS = 5 * 60
SPAWN_RATE = 10  # members starting per second
# Before the measured minutes, the members browse this long unmeasured: each gunicorn worker's first requests
# compile templates and fill caches (seconds each), which a server in service has long done.
WARMUP_SECONDS = 30
REQUEST_TIMEOUT = 30  # seconds, gunicorn's --timeout
BASELINE_MEMBERS = 10

# The kinds of request, each with its own threshold: pages, path searches, and the log-in (its page and the form),
# which happens once per session, during the warm-up, and whose Argon2 password check is slow on purpose: reported,
# not held to the page threshold.
PAGE, PATH_SEARCH, LOGIN = "page", "path search", "login"
CONTACT_SEARCHES = ("sen", "Anne", "Jens", "Mette", "Lars", "Nielsen", "an")
TARGET_LINK = re.compile(r'href="/paths/target/([A-Za-z0-9_-]+)/"')
ORGANISATION_LINK = re.compile(r'href="/organisations/([A-Za-z0-9_-]+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# What a member does


@dataclass(frozen=True)
class Request:
    group: str
    kind: str
    path: str
    htmx: bool = False


@dataclass
class Walk:
    """Where a member goes next: a fixed round of the main pages, using what earlier pages showed them (their
    targets on the dashboard, the organisations in the list). Each step is a page and the fragments it loads."""

    number: int
    step: int = 0
    targets: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def next(self) -> list[Request]:
        steps: list[Callable[[], list[Request]]] = [
            self._dashboard,
            lambda: [Request("contacts", PAGE, "/network/")],
            lambda: [Request("contacts search", PAGE, f"/network/?q={self._pick(CONTACT_SEARCHES)}")],
            lambda: [Request("organisations", PAGE, "/organisations/")],
            self._organisation,
            self._ways_in,
            lambda: [Request("meetings", PAGE, "/meetings/")],
            lambda: [Request("inbox", PAGE, "/inbox/")],
            lambda: [Request("pipeline", PAGE, "/jobs/pipeline/")],
        ]
        requests = steps[self.step % len(steps)]()
        self.step += 1
        return requests

    def learn(self, request: Request, html: str) -> None:
        if request.group == "dashboard":
            self.targets = sorted(set(TARGET_LINK.findall(html)))
        elif request.group == "organisations":
            self.organisations = sorted(set(ORGANISATION_LINK.findall(html)))

    def _pick(self, choices) -> str:
        """Members spread over the choices by their number, so the run is the same every time."""
        return choices[(self.number + self.step) % len(choices)]

    def _dashboard(self) -> list[Request]:
        return [
            Request("dashboard", PAGE, "/start/"),
            Request("dashboard: best ways in", PATH_SEARCH, "/paths/targets/best/", htmx=True),
            Request("dashboard: postings menu", PAGE, "/jobs/postings/menu/", htmx=True),
        ]

    def _organisation(self) -> list[Request]:
        if not self.organisations:
            return [Request("organisations", PAGE, "/organisations/")]
        code = self._pick(self.organisations)
        return [
            Request("organisation", PAGE, f"/organisations/{code}/"),
            Request("organisation: best way in", PATH_SEARCH, f"/paths/organisation/{code}/best/", htmx=True),
        ]

    def _ways_in(self) -> list[Request]:
        """A seeker's own target; a member without targets searches the ways into an organisation instead."""
        if self.targets:
            return [Request("ways in: target", PATH_SEARCH, f"/paths/target/{self._pick(self.targets)}/")]
        if self.organisations:
            return [
                Request("ways in: organisation", PATH_SEARCH, f"/paths/organisation/{self._pick(self.organisations)}/")
            ]
        return [Request("organisations", PAGE, "/organisations/")]


def proxy_cookie_jar():
    """nginx's side of the loopback hop: the Secure cookies a browser sends only over TLS reach gunicorn over plain
    HTTP on 127.0.0.1, so the client that plays both keeps them as cookies it may send over HTTP.

    (A cookie policy would not do: requests copies the cookies into a jar with the default policy to send them.)
    requests is imported here, after locust has let gevent patch the standard library.
    """
    from requests.cookies import RequestsCookieJar

    class ProxyCookieJar(RequestsCookieJar):
        def set_cookie(self, cookie, *args, **kwargs):
            cookie.secure = False
            return super().set_cookie(cookie, *args, **kwargs)

    return ProxyCookieJar()


PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def log_in(session, base_url: str, email: str, password: str, **extra) -> bool:
    """The log-in form as a browser fills it: its CSRF token, then the e-mail address and password.
    `session` is a requests session (locust's client is one); `extra` goes to each request (locust's `name`)."""
    session.cookies = proxy_cookie_jar()
    session.headers.update(PROXY_HEADERS)
    page = session.get(f"{base_url}/account/login/", timeout=REQUEST_TIMEOUT, **extra.get("page", {}))
    token = CSRF_FIELD.search(page.text or "")
    if token is None:
        return False
    answer = session.post(
        f"{base_url}/account/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Origin": f"https://{urlsplit(base_url).netloc}"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
        **extra.get("form", {}),
    )
    return answer.status_code == 302 and answer.headers.get("Location", "").endswith("/start/")


# The production set-up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def reset_database(url: str, *, create: bool = True) -> None:
    """Drop the run's database (a file for SQLite), never any other, and create it again unless told not to."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parts.path + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    with psycopg.connect(postgres_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def production_env(database_url: str, port: int, workdir: Path) -> dict[str, str]:
    """The environment file of docs/deploy.md, for loopback: everything the production settings require."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="kaffebro.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL=f"https://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        EMAIL_URL="dummy://",
        KAFFEBRO_CONTROLLER_NAME="Kaffebro load test",
        KAFFEBRO_CONTROLLER_CONTACT="privacy@kaffebro.example",
        KAFFEBRO_VAR_DIR=str(workdir / "var"),
        GRAPH_SNAPSHOT_DIR=str(workdir / "graph"),
        STATIC_ROOT=str(workdir / "static"),
        BEHIND_TLS_PROXY="1",
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *arguments: str, timeout: float = 600) -> str:
    """A management command under the given environment; its output, or SystemExit with its error."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def prepare(env: dict[str, str], *, progress: Callable[[str], None] = print) -> None:
    """docs/deploy.md's first start, with the demo network as the data."""
    for arguments, label in (
        (("migrate", "--no-input"), "migrate"),
        (("demo", "--allow-production-logins"), "demo network"),
        (("build_graph",), "graph snapshot"),
        (("collectstatic", "--no-input"), "static files"),
    ):
        started = time.perf_counter()
        manage(env, *arguments)
        progress(f"  {label}: {time.perf_counter() - started:.1f} s")


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """In its own process group, so that stopping it stops everything it started."""
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True)


def stop(process: subprocess.Popen | None, grace: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def web_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


@dataclass
class Servers:
    """gunicorn and the task worker, as the systemd units start them."""

    env: dict[str, str]
    port: int
    workdir: Path
    recycle_workers: bool = True
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    worker_starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_web(self) -> None:
        recycling = ["--max-requests", "5000", "--max-requests-jitter", "500"] if self.recycle_workers else []
        command = [
            str(BIN / "gunicorn"),
            "kaffebro.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(web_workers()),
            "--timeout",
            str(REQUEST_TIMEOUT),
            "--graceful-timeout",
            "25",
            *recycling,
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--no-control-socket",
        ]
        self.web = _start(command, self.env, self.workdir / "gunicorn.log")

    def start_worker(self) -> None:
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "1"]
        self.worker = _start(command, self.env, self.workdir / "db_worker.log")
        self.worker_starts += 1

    def stop(self) -> None:
        stop(self.web)
        stop(self.worker)


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, workdir: Path, *, recycle_workers: bool = True) -> Iterator[Servers]:
    """gunicorn and the worker until the block ends, however it ends; ready (`/health/ready` 200) when it starts."""
    servers = Servers(env, port, workdir, recycle_workers=recycle_workers)
    try:
        servers.start_web()
        servers.start_worker()
        if not wait_ready(servers.url, timeout=60):
            raise SystemExit(f"gunicorn did not become ready; see {workdir / 'gunicorn.log'}")
        yield servers
    finally:
        servers.stop()


def health(base_url: str, path: str = "/health/ready", timeout: float = 10) -> int:
    """The status of a health endpoint; 0 when nothing answered in time."""
    request = urllib.request.Request(base_url + path, headers={"Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, TimeoutError):
        return 0


def wait_ready(base_url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if health(base_url) == 200:
            return True
        time.sleep(0.25)
    return False


@contextlib.contextmanager
def terminated_cleanly() -> Iterator[None]:
    """SIGTERM (a CI time-out, `kill`) ends the run through its `finally` blocks, so no server is left behind."""

    def leave(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# Memory and CPU, from /proc


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, …); empty for a process that is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _children(pid: int) -> list[int]:
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _stat(int(e.name))[1:2] == [str(pid)]]


def _cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0  # utime + stime


def _postgres_backends(database: str) -> list[int]:
    """The server processes serving the run's database (their title names it), on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                found.append(int(entry.name))
    return found


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) jiffies of every core since boot."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU time of the run's processes, read from /proc every two seconds so that short-lived ones count too:
    a PostgreSQL backend lives for DATABASE_CONN_MAX_AGE (60 s), a gunicorn worker until it is recycled."""

    KINDS = ("gunicorn", "postgres", "db_worker", "load_generator")

    def __init__(self, servers: Servers, database: str) -> None:
        self.servers, self.database = servers, database
        self.ticks: dict[str, dict[int, int]] = {kind: {} for kind in self.KINDS}

    def sample(self) -> None:
        processes = {
            "gunicorn": _children(self.servers.web.pid) if self.servers.web else [],
            "postgres": _postgres_backends(self.database),
            "db_worker": [self.servers.worker.pid] if self.servers.worker else [],
            "load_generator": [os.getpid()],
        }
        for kind, pids in processes.items():
            for pid in pids:
                self.ticks[kind][pid] = max(self.ticks[kind].get(pid, 0), _cpu_ticks(pid))

    def reading(self) -> dict:
        self.sample()
        totals = {kind: sum(ticks.values()) for kind, ticks in self.ticks.items()}
        return {"time": time.monotonic(), "machine": _machine_ticks(), **totals}


def cpu_use(start: dict, end: dict, requests: int) -> dict:
    """CPU milliseconds per request of each kind of process between two readings, and how busy the machine was."""
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    seconds = end["time"] - start["time"]
    used = {kind: (end[kind] - start[kind]) * tick_ms for kind in CpuMeter.KINDS}
    busy, total = (after - before for after, before in zip(end["machine"], start["machine"], strict=True))
    cores = os.cpu_count() or 1
    return {
        "seconds": round(seconds, 1),
        "requests": requests,
        "ms_per_request": {kind: round(ms / max(requests, 1), 1) for kind, ms in used.items()},
        "cores_used": {kind: round(ms / 1000 / seconds, 2) for kind, ms in used.items()},
        "machine_cores_busy": round(busy / max(total, 1) * cores, 2),
        "cores": cores,
    }


def memory_sample(servers: Servers, started: float) -> dict[str, float]:
    """RSS in MB of gunicorn's workers together (those alive now) and of the task worker."""
    workers = _children(servers.web.pid) if servers.web else []
    return {
        "seconds": round(time.monotonic() - started, 1),
        "gunicorn_workers_mb": round(sum(_rss_kb(pid) for pid in workers) / 1024, 1),
        "gunicorn_worker_count": len(workers),
        "db_worker_mb": round(_rss_kb(servers.worker.pid) / 1024, 1) if servers.worker else 0.0,
    }


def memory_growth(samples: list[dict[str, float]], duration: float) -> dict[str, dict[str, float]]:
    """Average of the first five minutes against the last five, for each process kind."""
    window = min(MEMORY_WINDOW_SECONDS, duration / 2)
    first = [s for s in samples if s["seconds"] <= window]
    last = [s for s in samples if s["seconds"] >= duration - window]
    growth = {}
    for key in ("gunicorn_workers_mb", "db_worker_mb"):
        before = sum(s[key] for s in first) / max(len(first), 1)
        after = sum(s[key] for s in last) / max(len(last), 1)
        growth[key] = {
            "first_mb": round(before, 1),
            "last_mb": round(after, 1),
            "growth": round(after / before - 1, 4) if before else 0.0,
        }
    return growth


# The run


def run_load(servers: Servers, members: dict, users: int, seconds: float, database: str) -> tuple[list, list, dict]:
    """Locust in this process for `seconds`; each request as (seconds since the start, group, kind, ms, error or
    None), the memory every half minute, and the CPU used after the warm-up."""
    import gevent
    from locust import events
    from locust.env import Environment

    from bench import locustfile

    locustfile.Member.configure(members["emails"], members["password"])
    samples: list[tuple[float, str, str, float, str | None]] = []
    started = time.monotonic()

    def record(request_type, name, response_time, response_length, exception=None, response=None, **kwargs):
        group, _, kind = name.partition(" | ")
        error = None if exception is None else f"{type(exception).__name__}: {exception}"[:200]
        samples.append((time.monotonic() - started, group, kind, float(response_time), error))

    events.request.add_listener(record)
    environment = Environment(user_classes=[locustfile.Member], events=events, host=servers.url)
    runner = environment.create_local_runner()
    memory: list[dict[str, float]] = []
    meter = CpuMeter(servers, database)
    cpu_start, measured_from = None, 0

    def measure_cpu() -> None:
        while True:
            meter.sample()
            gevent.sleep(CPU_SAMPLE_SECONDS)

    sampler = gevent.spawn(measure_cpu)
    try:
        runner.start(users, spawn_rate=SPAWN_RATE)
        while (elapsed := time.monotonic() - started) < seconds:
            memory.append(memory_sample(servers, started))
            if cpu_start is None and elapsed >= WARMUP_SECONDS:
                cpu_start, measured_from = meter.reading(), len(samples)
            pause = min(MEMORY_SAMPLE_SECONDS, seconds - elapsed)
            if cpu_start is None:
                pause = min(pause, WARMUP_SECONDS - elapsed)
            gevent.sleep(max(pause, 0.1))
        memory.append(memory_sample(servers, started))
        cpu_end = meter.reading()
    finally:
        sampler.kill()
        runner.quit()
        events.request.remove_listener(record)
    cpu = cpu_use(cpu_start, cpu_end, len(samples) - measured_from) if cpu_start else {}
    return samples, memory, cpu


def percentiles(values: list[float]) -> dict[str, float]:
    import numpy as np

    if not values:
        return {"count": 0}
    p50, p95, p99 = np.percentile(np.array(values), [50, 95, 99])
    return {
        "count": len(values),
        "p50_ms": round(float(p50), 1),
        "p95_ms": round(float(p95), 1),
        "p99_ms": round(float(p99), 1),
        "max_ms": round(max(values), 1),
    }


def summarise(samples: list, seconds: float, baseline: dict[str, float]) -> dict:
    """Figures of the measured minutes (the log-in whenever it happened); errors count from the first request."""
    measured = [sample[1:] for sample in samples if sample[0] >= WARMUP_SECONDS or sample[2] == LOGIN]
    groups: dict[str, dict] = {}
    for group in sorted({sample[0] for sample in measured}):
        rows = [sample for sample in measured if sample[0] == group]
        ok = [ms for _, _, ms, error in rows if error is None]
        figures = {"kind": rows[0][1], **percentiles(ok), "errors": sum(1 for row in rows if row[3])}
        if group in baseline and ok:
            figures["baseline_ms"] = baseline[group]
            figures["p50_vs_baseline"] = round(figures["p50_ms"] / max(baseline[group], 0.1), 1)
        groups[group] = figures
    by_kind = {
        kind: percentiles([ms for _, k, ms, error in measured if k == kind and error is None])
        for kind in (PAGE, PATH_SEARCH, LOGIN)
    }
    errors: dict[str, int] = {}
    for _, group, _, _, error in samples:
        if error:
            errors[f"{group}: {error}"] = errors.get(f"{group}: {error}", 0) + 1
    failed = sum(errors.values())
    return {
        "requests": len(samples),
        "measured_requests": len(measured),
        "errors": failed,
        "error_ratio": round(failed / max(len(samples), 1), 5),
        "requests_per_second": round(len([s for s in samples if s[0] >= WARMUP_SECONDS]) / seconds, 1),
        "pages": by_kind[PAGE],
        "path_search": by_kind[PATH_SEARCH],
        "login": by_kind[LOGIN],
        "groups": groups,
        "error_kinds": dict(sorted(errors.items(), key=lambda item: -item[1])[:20]),
    }


def verdict(summary: dict, growth: dict | None) -> list[str]:
    failures = []
    if summary["error_ratio"] >= MAX_ERROR_RATIO:
        failures.append(f"error ratio {summary['error_ratio']:.2%} ≥ {MAX_ERROR_RATIO:.0%}")
    if summary["pages"].get("p95_ms", 0) >= MAX_PAGE_P95_MS:
        failures.append(f"pages p95 {summary['pages']['p95_ms']:.0f} ms ≥ {MAX_PAGE_P95_MS:.0f} ms")
    if summary["path_search"].get("p95_ms", 0) >= MAX_PATH_P95_MS:
        failures.append(f"path search p95 {summary['path_search']['p95_ms']:.0f} ms ≥ {MAX_PATH_P95_MS:.0f} ms")
    for key, figures in (growth or {}).items():
        if figures["growth"] > MAX_MEMORY_GROWTH:
            failures.append(f"{key} grew {figures['growth']:.0%} > {MAX_MEMORY_GROWTH:.0%}")
    return failures


def report(result: dict) -> None:
    summary = result["summary"]
    print(
        f"\n{result['users']} members for {result['minutes']:g} min on {result['database']}, "
        f"{result['web_workers']} gunicorn workers: {summary['requests']:,} requests "
        f"({summary['requests_per_second']:.1f}/s), {summary['errors']} errors ({summary['error_ratio']:.2%}); "
        f"figures of the {summary['measured_requests']:,} after the {result['warmup_seconds']} s warm-up"
    )
    print(
        f"{'group':<28}{'kind':<13}{'count':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>7}{'baseline':>10}{'ratio':>7}"
    )
    for group, figures in summary["groups"].items():
        if not figures.get("count"):
            print(f"{group:<28}{figures['kind']:<13}{0:>7}{'-':>8}{'-':>8}{'-':>8}{figures['errors']:>7}")
            continue
        baseline = f"{figures['baseline_ms']:.1f}" if "baseline_ms" in figures else "-"
        ratio = f"{figures['p50_vs_baseline']:.1f}x" if "p50_vs_baseline" in figures else "-"
        print(
            f"{group:<28}{figures['kind']:<13}{figures['count']:>7}{figures['p50_ms']:>8.0f}{figures['p95_ms']:>8.0f}"
            f"{figures['p99_ms']:>8.0f}{figures['errors']:>7}{baseline:>10}{ratio:>7}"
        )
    for label, key, limit in (("pages", "pages", MAX_PAGE_P95_MS), ("path search", "path_search", MAX_PATH_P95_MS)):
        figures = summary[key]
        if figures.get("count"):
            print(
                f"{label}: p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms "
                f"[target < {limit:.0f}], p99 {figures['p99_ms']:.0f} ms over {figures['count']:,} requests"
            )
    if result["baseline"]:
        print(
            f"baseline (test client, one process, no concurrency): pages median "
            f"{result['baseline_pages_ms']:.1f} ms; under load p50 is "
            f"{summary['pages'].get('p50_ms', 0) / max(result['baseline_pages_ms'], 0.1):.1f}x that"
        )
    cpu = result["cpu"]
    if cpu:
        print(
            "CPU ms per request: "
            + ", ".join(f"{kind} {ms:.1f}" for kind, ms in cpu["ms_per_request"].items())
            + f"; the machine's {cpu['cores']} cores were {cpu['machine_cores_busy']:.2f} busy, "
            f"this run's processes {sum(cpu['cores_used'].values()):.2f}"
        )
    for key, figures in (result.get("memory_growth") or {}).items():
        print(f"memory {key}: {figures['first_mb']:.0f} MB → {figures['last_mb']:.0f} MB ({figures['growth']:+.1%})")
    for kind, count in summary["error_kinds"].items():
        print(f"  {count} errors: {kind}")
    print(f"load average before/after: {result['load_average_before']} / {result['load_average_after']}")
    print("PASSED" if not result["failures"] else "FAILED: " + "; ".join(result["failures"]))


def child_members(count: int) -> int:
    """(child, production settings) Members who can log in without a second factor, with a password for the run.

    The demo's named logins first, then synthetic members: seekers, then connectors, then the rest.
    """
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
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
    chosen = list(
        User.objects.filter(is_active=True, is_staff=False, is_coach=False, authenticator__isnull=True)
        .annotate(order=order)
        .order_by("order", "pk")
        .values_list("pk", "email")[:count]
    )
    password = secrets.token_urlsafe(16)
    User.objects.filter(pk__in=[pk for pk, _email in chosen]).update(password=make_password(password))
    print(json.dumps({"emails": [email for _pk, email in chosen], "password": password}))
    return 0


def child_baseline(emails: list[str]) -> int:
    """(child, production settings) Each page of the walk once per member, in this process with the test client;
    one warm-up round first. Prints the median milliseconds per group."""
    import statistics

    import django

    django.setup()
    from django.test import Client

    from kaffebro.accounts.models import User

    timings: dict[str, list[float]] = {}
    for index, email in enumerate([emails[0], *emails]):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=email))
        walk = Walk(number=index)
        for _ in range(9):
            for request in walk.next():
                headers = {"HX-Request": "true"} if request.htmx else {}
                started = time.perf_counter()
                response = client.get(request.path, secure=True, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"baseline: {request.path} answered {response.status_code}")
                walk.learn(request, response.content.decode())
                if index:  # the first round warms the caches
                    timings.setdefault(request.group, []).append(elapsed)
    print(json.dumps({group: round(statistics.median(values), 2) for group, values in timings.items()}))
    return 0


def _child(env: dict[str, str], *arguments: str, timeout: float = 600) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.load {' '.join(arguments)} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def database_url(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'load.sqlite3'}"
    server = os.environ.get("KAFFEBRO_LOAD_POSTGRES", "")
    if not server:
        configured = os.environ.get("DATABASE_URL", "")
        server = configured if urlsplit(configured).scheme.startswith("postgres") else DEFAULT_POSTGRES
    return postgres_url(server, LOAD_DATABASE)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated members (default 50)")
    parser.add_argument("--minutes", type=float, default=None, help=f"duration (default 5; {SOAK_MINUTES} with --soak)")
    parser.add_argument("--soak", action="store_true", help="also fail on memory growth of more than 20 %%")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--child", choices=("members", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--emails", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child == "members":
        return child_members(options.users)
    if options.child == "baseline":
        return child_baseline(options.emails.split(","))
    minutes = options.minutes if options.minutes is not None else (SOAK_MINUTES if options.soak else 5)
    with terminated_cleanly(), tempfile.TemporaryDirectory(prefix="kaffebro-load-") as scratch:
        return _run(options, minutes, Path(scratch))


def _run(options, minutes: float, workdir: Path) -> int:
    import locust  # noqa: F401  (gevent patches the standard library first, before any server is started)

    url = database_url(options.database, workdir)
    reset_database(url)
    try:
        result = _measure(options, minutes, workdir, url)
    finally:
        reset_database(url, create=False)  # nothing of the run stays on the (shared) database server
    result["failures"] = verdict(result["summary"], result["memory_growth"] if options.soak else None)
    output = SOAK_RESULTS if options.soak else RESULTS
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    report(result)
    print(f"written to {output.relative_to(ROOT)}")
    return 1 if result["failures"] else 0


def _measure(options, minutes: float, workdir: Path, url: str) -> dict:
    port = free_port()
    env = production_env(url, port, workdir)
    print(f"Production set-up on 127.0.0.1:{port}, database {urlsplit(url).scheme} ({LOAD_DATABASE}):")
    prepare(env)
    members = _child(env, "--child", "members", "--users", str(options.users))
    print(f"  {len(members['emails'])} members can log in; {options.users} simulated members")
    load_before = [round(value, 2) for value in os.getloadavg()]
    # With --soak the workers are not recycled (--max-requests), which would hide a leak.
    with serving(env, port, workdir, recycle_workers=not options.soak) as servers:
        print(f"  gunicorn ready with {web_workers()} workers; {WARMUP_SECONDS} s warm-up, then {minutes:g} min …")
        samples, memory, cpu = run_load(
            servers, members, options.users, WARMUP_SECONDS + minutes * 60, urlsplit(url).path.lstrip("/")
        )
    print("  baseline: the same pages with the test client, one process …")
    baseline = _child(env, "--child", "baseline", "--emails", ",".join(members["emails"][:BASELINE_MEMBERS]))
    summary = summarise(samples, minutes * 60, baseline)
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if options.database == "postgres" else "sqlite",
        "users": options.users,
        "minutes": minutes,
        "soak": options.soak,
        "think_time_seconds": [1, 3],
        "warmup_seconds": WARMUP_SECONDS,
        "cores": os.cpu_count(),
        "web_workers": web_workers(),
        "load_average_before": load_before,
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
        "thresholds": {
            "error_ratio_below": MAX_ERROR_RATIO,
            "page_p95_ms_below": MAX_PAGE_P95_MS,
            "path_search_p95_ms_below": MAX_PATH_P95_MS,
            "memory_growth_at_most": MAX_MEMORY_GROWTH if options.soak else None,
        },
        "summary": summary,
        "baseline": baseline,
        "baseline_pages_ms": _baseline_pages(baseline, summary),
        "cpu": cpu,
        "memory": memory,
        "memory_growth": memory_growth(memory, WARMUP_SECONDS + minutes * 60),
    }


def _baseline_pages(baseline: dict[str, float], summary: dict) -> float:
    import statistics

    pages = [ms for group, ms in baseline.items() if summary["groups"].get(group, {}).get("kind") == PAGE]
    return round(statistics.median(pages), 2) if pages else 0.0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
