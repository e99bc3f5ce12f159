"""Backup and restore drill: a restored backup must not bring back a member erased after it was taken.

1. `pg_dump --format=custom` of a database holding the demo network: the nightly backup;
2. a member is erased in the live database (`manage.py erase_member`, what "Delete my account" runs), and
3. `manage.py replay_erasures --save` keeps the erasure log (ids and codes only) outside the database;
4. the backup, taken before the erasure, is restored with `pg_restore` into a new database: the member is back;
5. `manage.py replay_erasures --from` on the restored database erases them again;
6. checked by the ids in the erasure log: no account, no row pointing at the account (every foreign key to the
   user table), no person node still carrying a name. The restored database must also hold as many members,
   persons, contact cards and ties as the live one.

    python -m scripts.backup_drill [--database-url postgres://postgres@127.0.0.1:5432/postgres]

It creates its own databases (kaffebro_backup_drill and kaffebro_backup_drill_restored) on that server and
drops them at the end. tests/reliability/test_backup_drill.py runs `drill` on a small dataset. Figures go to
bench/results/backup_drill.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "backup_drill.json"
DRILL_DATABASE = "kaffebro_backup_drill"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DRILL_MEMBER = "mette@kaffebro.example"
# The name a person node keeps when others still point at it (kaffebro.core.personal_data.NEUTRAL_NAME).
NEUTRAL_NAME = "—"
COUNTED_TABLES = ("accounts_user", "network_person", "network_contactcard", "network_tie")
COMMAND_TIMEOUT = 300


@dataclass
class DrillResult:
    erased_members: int
    present_after_restore: int  # erased members the restored backup held before the replay: must be > 0
    came_back: int  # rows naming an erased member after the replay: must be 0
    references: dict[str, int]  # where they came back (table.column: rows), empty when none did
    checked_columns: int
    counts_live: dict[str, int]
    counts_restored: dict[str, int]
    dump_bytes: int
    seconds: dict[str, float]

    @property
    def passed(self) -> bool:
        return self.present_after_restore > 0 and self.came_back == 0 and self.counts_live == self.counts_restored


def database_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def libpq_env(url: str) -> dict[str, str]:
    """pg_dump and pg_restore take the server from the environment, so no password is on a command line."""
    parts = urlsplit(url)
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432)}
    if parts.username:
        env["PGUSER"] = parts.username
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} … failed:\n{done.stderr[-4000:]}")
    return done.stdout


def manage(url: str, *arguments: str) -> str:
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "kaffebro.settings", "DATABASE_URL": url}
    return run([sys.executable, "manage.py", *arguments], env)


def recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def drill(live_url: str, member_ids: list[int], workdir: Path, restored_url: str | None = None) -> DrillResult:
    """Back up `live_url`, erase the members there, restore the backup into `restored_url`, replay, verify.

    The restored database is dropped at the end; the live one keeps the erasure, as in real life.
    """
    restored_url = restored_url or database_url(live_url, urlsplit(live_url).path.lstrip("/") + "_restored")
    dump, log = workdir / "backup.dump", workdir / "erasures.json"
    seconds: dict[str, float] = {}

    def step(name: str, action):
        started = time.perf_counter()
        outcome = action()
        seconds[name] = round(time.perf_counter() - started, 2)
        return outcome

    step("pg_dump", lambda: run(["pg_dump", "--format=custom", f"--file={dump}", _name(live_url)], libpq_env(live_url)))
    step("erase_and_save_log", lambda: _erase(live_url, member_ids, log))
    entries = [entry for entry in json.loads(log.read_text()) if entry["user_id"] in member_ids]
    recreate(restored_url)
    try:
        step(
            "pg_restore",
            lambda: run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_name(restored_url)}", str(dump)],
                libpq_env(restored_url),
            ),
        )
        present = sum(_references(restored_url, entries).values())
        step("replay", lambda: manage(restored_url, "replay_erasures", "--from", str(log)))
        references = _references(restored_url, entries)
        checked = len(references)
        counts_restored = _counts(restored_url)
    finally:
        drop(restored_url)
    return DrillResult(
        erased_members=len(entries),
        present_after_restore=present,
        came_back=sum(references.values()),
        references={column: rows for column, rows in references.items() if rows},
        checked_columns=checked,
        counts_live=_counts(live_url),
        counts_restored=counts_restored,
        dump_bytes=dump.stat().st_size,
        seconds=seconds,
    )


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _erase(url: str, member_ids: list[int], log: Path) -> None:
    """What the operator runs for an erasure request (`erase_member`, the same erasure as "Delete my account"),
    then what they run before restoring: `replay_erasures --save`."""
    for email in _emails(url, member_ids):
        manage(url, "erase_member", "--email", email, "--yes")
    manage(url, "replay_erasures", "--save", str(log))


def _emails(url: str, member_ids: list[int]) -> list[str]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT id, email FROM accounts_user WHERE id = ANY(%s)", [member_ids]).fetchall()
    missing = set(member_ids) - {row[0] for row in rows}
    if missing:
        raise SystemExit(f"No such member: {sorted(missing)}")
    return [row[1] for row in rows]


def _references(url: str, entries: list[dict]) -> dict[str, int]:
    """Rows that name an erased member: the account, every foreign key to it, and a person node with a name."""
    import psycopg

    user_ids = [int(entry["user_id"]) for entry in entries]
    person_ids = [int(entry["person_id"]) for entry in entries if entry.get("person_id")]
    found: dict[str, int] = {}
    with psycopg.connect(url) as connection:
        found["accounts_user.id"] = _count(connection, "accounts_user", "id", user_ids)
        for table, column in connection.execute(
            "SELECT c.relname, a.attname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
            "WHERE k.contype = 'f' AND k.confrelid = 'accounts_user'::regclass ORDER BY 1, 2"
        ).fetchall():
            found[f"{table}.{column}"] = _count(connection, table, column, user_ids)
        found["network_person (named)"] = _scalar(
            connection,
            "SELECT count(*) FROM network_person WHERE id = ANY(%s) AND (name <> %s OR member_id IS NOT NULL)",
            [person_ids, NEUTRAL_NAME],
        )
    return found


def _scalar(connection, query, parameters=None) -> int:
    row = connection.execute(query, parameters).fetchone()
    return int(row[0]) if row else 0


def _count(connection, table: str, column: str, ids: list[int]) -> int:
    from psycopg import sql

    query = sql.SQL("SELECT count(*) FROM {} WHERE {} = ANY(%s)").format(sql.Identifier(table), sql.Identifier(column))
    return _scalar(connection, query, [ids])


def _counts(url: str) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as connection:
        return {
            table: _scalar(connection, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            for table in COUNTED_TABLES
        }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("KAFFEBRO_DRILL_POSTGRES", DEFAULT_SERVER))
    parser.add_argument("--member", default=DRILL_MEMBER, help="the e-mail address of the member to erase")
    options = parser.parse_args(argv)
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        raise SystemExit("pg_dump and pg_restore are needed (apt-get install postgresql-client).")
    live = database_url(options.database_url, DRILL_DATABASE)
    recreate(live)
    try:
        started = time.perf_counter()
        manage(live, "migrate", "--no-input")
        manage(live, "demo")
        print(f"demo database {DRILL_DATABASE} ready in {time.perf_counter() - started:.1f} s")
        member_id = _member_id(live, options.member)
        with tempfile.TemporaryDirectory(prefix="kaffebro-backup-drill-") as scratch:
            result = drill(live, [member_id], Path(scratch))
    finally:
        drop(live)
    report = {**asdict(result), "passed": result.passed}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(
        f"backup {result.dump_bytes / 1e6:.1f} MB; erased {result.erased_members} member(s); the restored backup "
        f"held {result.present_after_restore} row(s) naming them; after replay_erasures: {result.came_back} "
        f"came back ({result.checked_columns} columns checked)"
    )
    print(f"live {result.counts_live} / restored {result.counts_restored}")
    print("steps: " + ", ".join(f"{name} {value:.1f} s" for name, value in result.seconds.items()))
    print("PASSED" if result.passed else "FAILED")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0 if result.passed else 1


def _member_id(url: str, email: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT id FROM accounts_user WHERE email = %s", [email]).fetchone()
    if row is None:
        raise SystemExit(f"No member {email} in the demo database.")
    return int(row[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
