"""What the benchmarks share: the databases to run on, a fresh one per run, and a child process per variant.

Each variant runs in a child process on a fresh database (SQLite always; PostgreSQL
too when DATABASE_URL points at one), so no run warms another's caches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "kaffebro_bench"


def databases() -> Iterator[tuple[str, str]]:
    """SQLite in a temporary file, and PostgreSQL in a scratch database when DATABASE_URL names one."""
    scratch = tempfile.mkdtemp(prefix="kaffebro-bench-")
    yield "sqlite", f"sqlite:///{scratch}/bench.sqlite3"
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme.startswith("postgres"):
        parts = urlsplit(url)
        yield "postgresql", urlunsplit(parts._replace(path=f"/{SCRATCH_DATABASE}"))


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parts.path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
        connection.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")


def run_child(module: str, url: str, arguments: list[str]) -> dict[str, float]:
    """Run `python -m module arguments` on a fresh database; its last line of output is its figures as JSON."""
    fresh_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "kaffebro.settings"}
    child = subprocess.run(
        [sys.executable, "-m", module, *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if child.returncode != 0:
        raise SystemExit(f"{module} {' '.join(arguments)} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])
