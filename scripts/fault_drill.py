"""Fault drill: PostgreSQL restarted under light load, with a contact import writing at that moment.

Never touches the machine's own PostgreSQL: the drill creates a throwaway cluster (`initdb` into a temporary
directory, as the postgres user when run as root) on a free loopback port, and removes it at the end. On it runs
the production set-up of bench/load.py: the demo network, gunicorn with production settings and the task worker,
which is restarted five seconds after it exits, as systemd's `Restart=always` / `RestartSec=5` does.

1. A few members browse (bench.load.Walk, about one page a second each) and a probe asks /health/ready twice a
   second, throughout.
2. A member's import of a LinkedIn file of a few thousand rows goes to the task worker. When its write
   transaction is seen in pg_stat_activity, PostgreSQL is stopped (`pg_ctl stop -m fast`: sessions end, open
   transactions roll back), kept down for a while, and started again.
3. Checked: while it is down, pages answer the generic error page (500) and /health/ready answers 503, each
   within the connect timeout, never a hang; after the start, /health/ready is 200 and pages stop failing within
   30 s; the import left no partial rows (its member's contact cards and ties are as before) and, retried, it
   completes with every row.

    python -m scripts.fault_drill [--import-rows 5000] [--down-seconds 10] [--members 4]

Figures go to bench/results/faults.json; exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import (
    PROXY_HEADERS,
    Servers,
    Walk,
    free_port,
    health,
    log_in,
    prepare,
    production_env,
    serving,
    terminated_cleanly,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "faults.json"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
DRILL_DATABASE = "kaffebro_drill"
RECOVERY_LIMIT = 30.0  # seconds from PostgreSQL accepting connections to pages and readiness answering again
CONNECT_TIMEOUT = 5  # DATABASE_CONNECT_TIMEOUT, the production default
SLOWEST_ANSWER_WHILE_DOWN = CONNECT_TIMEOUT + 5.0  # the connect timeout and the rest of the request
WORKER_RESTART_SECONDS = 5  # RestartSec of kaffebro-worker.service
STEADY_SECONDS = 15  # of traffic before the fault and after recovery
PAGE_TIMEOUT = 40  # a request not answered by then is a hang (gunicorn's own timeout is 30 s)
GENERIC_ERROR_PAGE = 'class="wrap error-page"'
# The import's write phase: bulk COPY (PostgreSQL) into the tables an import fills, all in one transaction.
WRITE_STATEMENT = r'^\s*(COPY|INSERT INTO) "?network_(contactcard|tie|person|position|importrow|personkey)'


class ThrowawayPostgres:
    """A PostgreSQL cluster of the drill's own, in a temporary directory, on a loopback port nobody else uses."""

    def __init__(self, workdir: Path) -> None:
        self.directory = workdir / "postgres"
        self.port = free_port()
        self.log = self.directory / "server.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DRILL_DATABASE}"

    def _as_owner(self, *command: str) -> None:
        """PostgreSQL refuses to run as root: as root, the commands run as the postgres user."""
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        self.directory.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        data = str(self.directory / "data")
        self._as_owner(str(POSTGRES_BIN / "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        import psycopg

        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DRILL_DATABASE}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._as_owner(
            str(POSTGRES_BIN / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_owner(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(workdir: Path) -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres(workdir)
    try:
        server.create()
        yield server
    finally:
        server.remove()


@dataclass
class Answer:
    started: float
    seconds: float
    what: str  # the page group, or "ready"
    status: int  # 0: no answer (refused, reset, timed out)
    clean: bool  # the generic error page for a page, JSON for the probe


@dataclass
class Traffic:
    """Members browsing and a readiness probe in threads, every answer kept with its time."""

    url: str
    clock: float
    answers: list[Answer] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, emails: list[str], password: str) -> None:
        for number, email in enumerate(emails):
            self.threads.append(threading.Thread(target=self._member, args=(number, email, password), daemon=True))
        self.threads.append(threading.Thread(target=self._probe, daemon=True))
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=PAGE_TIMEOUT + 5)

    def now(self) -> float:
        return time.monotonic() - self.clock

    def _keep(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def _member(self, number: int, email: str, password: str) -> None:
        import requests

        session = requests.Session()
        if not log_in(session, self.url, email, password):
            raise SystemExit(f"{email} could not log in")
        walk, rng = Walk(number=number), random.Random(number)
        while not self.stopping.is_set():
            for request in walk.next():
                started = self.now()
                headers = {**PROXY_HEADERS, **({"HX-Request": "true"} if request.htmx else {})}
                try:
                    response = session.get(self.url + request.path, headers=headers, timeout=PAGE_TIMEOUT)
                    status, text = response.status_code, response.text
                except requests.RequestException:
                    status, text = 0, ""
                self._keep(Answer(started, self.now() - started, request.group, status, GENERIC_ERROR_PAGE in text))
                if status == 200:
                    walk.learn(request, text)
            self.stopping.wait(rng.uniform(0.5, 1.0))

    def _probe(self) -> None:
        while not self.stopping.is_set():
            started = self.now()
            status = health(self.url, timeout=PAGE_TIMEOUT)
            self._keep(Answer(started, self.now() - started, "ready", status, status in (200, 503)))
            self.stopping.wait(0.5)


class WorkerSupervisor(threading.Thread):
    """systemd's Restart=always for the task worker: started again five seconds after it exits."""

    def __init__(self, servers: Servers) -> None:
        super().__init__(daemon=True)
        self.servers, self.stopping, self.restarts = servers, threading.Event(), 0

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            if self.servers.worker is not None and self.servers.worker.poll() is not None:
                if self.stopping.wait(WORKER_RESTART_SECONDS):
                    return
                self.servers.start_worker()
                self.restarts += 1


def child(env: dict[str, str], *arguments: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.fault_drill", "--child", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"fault_drill --child {' '.join(arguments)} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(arguments: list[str]) -> int:
    """The drill's look inside, in a child process with the production settings: queue, inspect, retry."""
    import django

    django.setup()
    action, *rest = arguments
    answers: dict[str, Callable[..., dict]] = {
        "queue-import": _queue_import,
        "import-state": _import_state,
        "retry-import": _retry_import,
    }
    print(json.dumps(answers[action](*rest), default=str))
    return 0


def _queue_import(email: str, rows: str) -> dict:
    from kaffebro.accounts.models import User
    from kaffebro.network.importing import actions

    linkedin_export = importlib.import_module("bench.import").linkedin_export
    owner = User.objects.get(email=email)
    before = _owned(owner)
    batch = actions.upload_contacts(owner, data=linkedin_export(int(rows), seed=9), filename="Connections.csv")
    batch = actions.confirm_import(owner, batch, background=True)
    return {"batch": batch.pk, "status": batch.status, "rows": batch.total_rows, "before": before}


def _owned(owner) -> dict[str, int]:
    """The member's contact cards and ties, and every person node and position (an import creates those too)."""
    from kaffebro.network.models import ContactCard, Person, Position, Tie

    return {
        "cards": ContactCard.objects.filter(owner=owner).count(),
        "ties": Tie.objects.filter(owner=owner).count(),
        "persons": Person.objects.count(),
        "positions": Position.objects.count(),
    }


def _import_state(batch_id: str) -> dict:
    from django_tasks_db.models import DBTaskResult

    from kaffebro.network.models import ImportBatch

    batch = ImportBatch.objects.select_related("owner").get(pk=int(batch_id))
    tasks = [
        task.status
        for task in DBTaskResult.objects.filter(task_path__endswith="run_contact_import")
        if task.args_kwargs.get("args") == [batch.pk]
    ]
    return {
        "status": batch.status,
        "error": batch.error,
        "processed_rows": batch.processed_rows,
        "counts": batch.counts,
        "owned": _owned(batch.owner),
        "tasks": sorted(tasks),
    }


def _retry_import(batch_id: str) -> dict:
    """Retry as the member would; a run that died with the database is "interrupted" only after
    INTERRUPTED_AFTER without progress, so the drill moves its last report back by that much instead of waiting."""
    from django.db.models import F

    from kaffebro.network.importing import actions
    from kaffebro.network.models import ImportBatch, ImportStatus

    batches = ImportBatch.objects.filter(pk=int(batch_id))
    aged = batches.filter(status__in=[ImportStatus.RUNNING, ImportStatus.QUEUED]).update(
        updated=F("updated") - actions.INTERRUPTED_AFTER
    )
    batch = batches.select_related("owner").get()
    batch = actions.retry_import(batch.owner, batch)
    return {"status": batch.status, "aged": bool(aged)}


def wait_for_write(database_url: str, batch_id: int, timeout: float = 300) -> dict:
    """Until the import's write transaction runs (COPY or INSERT into the network's tables, in an open transaction):
    what pg_stat_activity showed then. Fails if the import finished or failed first."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            status = connection.execute("SELECT status FROM network_importbatch WHERE id = %s", [batch_id]).fetchone()
            if status and status[0] in ("done", "failed"):
                raise SystemExit(f"the import was {status[0]} before the write could be interrupted; use more rows")
            writing = connection.execute(
                "SELECT state, extract(epoch FROM now() - xact_start), left(query, 80) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                "AND state IN ('active', 'idle in transaction') AND query ~* %s",
                [WRITE_STATEMENT],
            ).fetchone()
            if writing:
                return {"state": writing[0], "transaction_seconds": round(float(writing[1]), 2), "query": writing[2]}
            time.sleep(0.02)
    raise SystemExit("the import's write transaction was not seen in time")


def wait_for_import(env: dict[str, str], batch_id: int, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = child(env, "import-state", str(batch_id))
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(2)
    raise SystemExit("the retried import did not finish in time")


def analyse(answers: list[Answer], down: float, up: float, end: float) -> dict:
    """What the members and the probe got before, during and after the outage, and how soon it all recovered."""
    pages_down = [a for a in answers if down + 0.5 <= a.started and a.started + a.seconds <= up and a.what != "ready"]
    ready_down = [a for a in answers if down + 0.5 <= a.started and a.started + a.seconds <= up and a.what == "ready"]
    after = [a for a in answers if a.started >= up]
    failed_after = [a for a in after if a.status != 200]
    ready_ok = [a.started for a in after if a.what == "ready" and a.status == 200]
    last_failure = max((a.started for a in failed_after), default=up)
    first_ok_page = min(
        (a.started for a in after if a.what != "ready" and a.status == 200 and a.started >= last_failure), default=end
    )
    recovered = max(min(ready_ok, default=end), first_ok_page) - up
    before = [a for a in answers if a.started + a.seconds < down]
    return {
        "before": {"requests": len(before), "errors": sum(1 for a in before if a.status != 200)},
        "while_down": {
            "seconds": round(up - down, 1),
            "pages": len(pages_down),
            "pages_generic_error_page": sum(1 for a in pages_down if a.status == 500 and a.clean),
            "pages_other": sorted({f"{a.what}: {a.status}" for a in pages_down if not (a.status == 500 and a.clean)}),
            "ready_probes": len(ready_down),
            "ready_503": sum(1 for a in ready_down if a.status == 503),
            "slowest_answer_seconds": round(max((a.seconds for a in pages_down + ready_down), default=0.0), 2),
        },
        "recovery_seconds": round(recovered, 2),
        "ready_again_seconds": round(min(ready_ok, default=end) - up, 2),
        "after": {
            "requests": len(after),
            "errors": len(failed_after),
            "errors_after_recovery": sum(1 for a in failed_after if a.started > up + recovered),
        },
    }


def checks(traffic: dict, imported: dict) -> dict[str, bool]:
    down = traffic["while_down"]
    return {
        "pages answer the generic error page while down": down["pages"] > 0
        and down["pages_generic_error_page"] == down["pages"],
        "/health/ready answers 503 while down": down["ready_probes"] > 0 and down["ready_503"] == down["ready_probes"],
        "no answer slower than the connect timeout allows": down["slowest_answer_seconds"] <= SLOWEST_ANSWER_WHILE_DOWN,
        f"recovered within {RECOVERY_LIMIT:.0f} s": traffic["recovery_seconds"] <= RECOVERY_LIMIT,
        "no errors after recovery": traffic["after"]["errors_after_recovery"] == 0,
        "the interrupted import left no partial rows": imported["after_restart"]["owned"] == imported["before"],
        "the interrupted import did not finish": imported["after_restart"]["status"] != "done",
        "the retried import wrote every row": imported["retried"]["status"] == "done"
        and imported["retried"]["owned"]["cards"] - imported["before"]["cards"] == imported["new_cards"],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--down-seconds", type=float, default=10.0)
    parser.add_argument("--members", type=int, default=4, help="members browsing during the drill")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        return child_main(options.child)
    if not (POSTGRES_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL's server programs are needed in {POSTGRES_BIN} (apt-get install postgresql).")
    with terminated_cleanly(), tempfile.TemporaryDirectory(prefix="kaffebro-fault-drill-") as scratch:
        workdir = Path(scratch)
        os.chmod(workdir, 0o755)  # the postgres user needs to reach its directory inside
        with throwaway_postgres(workdir) as postgres:
            return drill(postgres, workdir, options)


def drill(postgres: ThrowawayPostgres, workdir: Path, options) -> int:
    port = free_port()
    env = production_env(postgres.url, port, workdir)
    env["DATABASE_CONNECT_TIMEOUT"] = str(CONNECT_TIMEOUT)
    print(f"Throwaway PostgreSQL on 127.0.0.1:{postgres.port}; production set-up on 127.0.0.1:{port}:")
    prepare(env)
    members = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.load", "--child", "members", "--users", str(options.members + 1)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    browsing, importer = members["emails"][: options.members], members["emails"][options.members]
    with serving(env, port, workdir) as servers:
        supervisor = WorkerSupervisor(servers)
        supervisor.start()
        traffic = Traffic(servers.url, time.monotonic())
        traffic.start(browsing, members["password"])
        try:
            time.sleep(STEADY_SECONDS)
            queued = child(env, "queue-import", importer, str(options.import_rows))
            print(f"  import of {queued['rows']:,} rows queued; waiting for its write transaction …")
            writing = wait_for_write(postgres.url, queued["batch"])
            down = traffic.now()
            postgres.stop("fast")
            print(
                f"  PostgreSQL stopped during the import's write ({writing['query'][:40]}…); "
                f"down for {options.down_seconds:g} s"
            )
            time.sleep(options.down_seconds)
            postgres.start()
            up = traffic.now()
            print("  PostgreSQL started again; watching the recovery …")
            time.sleep(RECOVERY_LIMIT + STEADY_SECONDS)
            after_restart = child(env, "import-state", str(queued["batch"]))
            retried = child(env, "retry-import", str(queued["batch"]))
            final = wait_for_import(env, queued["batch"])
        finally:
            traffic.stop()
            supervisor.stopping.set()
        end = traffic.now()
    counts = final["counts"] or {}
    imported = {
        "rows": queued["rows"],
        "before": queued["before"],
        "write_seen": writing,
        "after_restart": after_restart,
        "retry": retried,
        "retried": final,
        "new_cards": sum(counts.get(key, 0) for key in ("created", "merged", "confirm")),
    }
    figures = analyse(traffic.answers, down, up, end)
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "postgres_stop": "pg_ctl stop -m fast (a throwaway cluster)",
        "connect_timeout_seconds": CONNECT_TIMEOUT,
        "members_browsing": options.members,
        "traffic": figures,
        "worker_restarts": supervisor.restarts,
        "import": imported,
    }
    result["checks"] = checks(figures, imported)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    report(result)
    return 0 if all(result["checks"].values()) else 1


def report(result: dict) -> None:
    traffic, imported = result["traffic"], result["import"]
    down = traffic["while_down"]
    print(
        f"\nbefore: {traffic['before']['requests']} requests, {traffic['before']['errors']} errors; "
        f"down {down['seconds']:.1f} s: {down['pages_generic_error_page']}/{down['pages']} pages answered the generic "
        f"error page, {down['ready_503']}/{down['ready_probes']} readiness probes 503, slowest answer "
        f"{down['slowest_answer_seconds']:.2f} s"
    )
    print(
        f"recovery: /health/ready 200 after {traffic['ready_again_seconds']:.1f} s, pages and readiness after "
        f"{traffic['recovery_seconds']:.1f} s; then {traffic['after']['errors_after_recovery']} errors "
        f"(task worker restarted {result['worker_restarts']} times)"
    )
    print(
        f"import of {imported['rows']:,} rows: interrupted in its write transaction "
        f"({imported['write_seen']['transaction_seconds']:.2f} s into it); after the restart: "
        f"{imported['after_restart']['status']}, member's cards {imported['before']['cards']} → "
        f"{imported['after_restart']['owned']['cards']}; retried: {imported['retried']['status']}, cards "
        f"{imported['retried']['owned']['cards']} (+{imported['new_cards']} new)"
    )
    for name, passed in result["checks"].items():
        print(f"  [{'ok' if passed else 'FAILED'}] {name}")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
