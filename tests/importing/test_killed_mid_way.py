"""A process killed while it writes an import leaves nothing behind, and the import can be retried.

The import runs in a child process against its own database (a SQLite file, or a
scratch PostgreSQL database when the suite runs on PostgreSQL). The test kills it
with SIGKILL the moment resolution is finished and the one write transaction has
begun, then checks that not a single contact, tie, person or organisation of the
file is in the database, and that retrying the interrupted import completes it.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 8_000
DEADLINE_SECONDS = 120


class Database:
    """Plain driver access to the child's database, so the test sees only what was committed."""

    def __init__(self, tmp_path: Path):
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = urlsplit(url).scheme.startswith("postgres")
        if self.postgres:
            import psycopg

            parts = urlsplit(url)
            self.url = urlunsplit(parts._replace(path=f"/kaffebro_kill_{os.getpid()}"))
            with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS kaffebro_kill_{os.getpid()}")
                admin.execute(f"CREATE DATABASE kaffebro_kill_{os.getpid()}")
        else:
            self.path = tmp_path / "killed.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            parts = urlsplit(self.url)
            with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {parts.path.lstrip('/')}")

    def value(self, sql: str):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                try:
                    row = connection.execute(sql).fetchone()
                except psycopg.errors.UndefinedTable:  # the tables are not migrated yet
                    return None
        else:
            if not self.path.exists():
                return None
            with sqlite3.connect(self.path, timeout=5) as connection:
                try:
                    row = connection.execute(sql).fetchone()
                except sqlite3.OperationalError:  # the tables are not migrated yet
                    return None
        return row[0] if row else None

    def execute(self, sql: str) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                connection.execute(sql)
        else:
            with sqlite3.connect(self.path, timeout=5) as connection:
                connection.execute(sql)


def child(database: Database, *arguments: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database.url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [sys.executable, "-m", "tests.importing.kill_child", *arguments]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_the_write_to_begin(database: Database, process: subprocess.Popen) -> None:
    """Resolution reports progress; when every row is resolved, the write transaction starts."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    query = (
        "SELECT COUNT(*) FROM network_importbatch "
        f"WHERE status = 'running' AND total_rows > 0 AND processed_rows = total_rows AND total_rows >= {ROWS // 2}"
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the import ended before it could be killed: {process.stderr.read()}")
        if database.value(query):
            return
        time.sleep(0.01)
    pytest.fail("the import never reached its write")


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    yield database
    database.drop()


def test_an_import_killed_while_writing_leaves_nothing_and_can_be_retried(database):
    process = child(database, "import", str(ROWS))
    wait_for_the_write_to_begin(database, process)
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert database.value("SELECT status FROM network_importbatch") == "running"
    assert database.value("SELECT COUNT(*) FROM network_contactcard") == 0
    assert database.value("SELECT COUNT(*) FROM network_tie") == 0
    assert database.value("SELECT COUNT(*) FROM network_importrow") == 0
    assert database.value("SELECT COUNT(*) FROM network_personkey") == 0
    assert database.value("SELECT COUNT(*) FROM network_organisation") == 0
    assert database.value("SELECT COUNT(*) FROM network_person") == 1  # the member herself

    # Nothing reports progress any more; after ten minutes the run counts as interrupted.
    database.execute("UPDATE network_importbatch SET updated = '2020-01-01 00:00:00+00:00'")
    retry = child(database, "retry")
    output, errors = retry.communicate(timeout=DEADLINE_SECONDS)
    assert retry.returncode == 0, errors
    assert output.strip().splitlines()[-1] == "done"
    cards = database.value("SELECT COUNT(*) FROM network_contactcard")
    assert ROWS * 0.9 < cards <= ROWS
    assert database.value("SELECT COUNT(*) FROM network_importrow") == ROWS
