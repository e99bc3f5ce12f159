"""The example systemd units run what they say: each ExecStart, with this checkout in place of /srv/kaffebro.

The web command (gunicorn) must answer /health/live and /health/ready on a loopback port, the
worker must stay up, and the chores must finish, all with production settings (DEBUG unset) on
a fresh SQLite database migrated first. A unit that names a wrong path, module or option fails here.
"""

import json
import os
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.core.production import PROJECT_DIR, manage, production_environment

UNITS = PROJECT_DIR / "deploy" / "systemd"
INSTALLED_AT = "/srv/kaffebro"
# Generous: four gunicorn workers boot on two cores while other tests run beside this one.
STARTUP_SECONDS = 30
WORKER_UP_SECONDS = 2


def unit_entries(path: Path) -> dict[str, list[str]]:
    """`Key=value` lines of a unit file by key (ExecStart may repeat), continuation lines joined."""
    entries: dict[str, list[str]] = {}
    text = path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        entries.setdefault(key.strip(), []).append(value.strip())
    return entries


def here(argument: str) -> str:
    return argument.replace(INSTALLED_AT, str(PROJECT_DIR), 1) if argument.startswith(INSTALLED_AT) else argument


def commands(unit: str) -> list[list[str]]:
    entries = unit_entries(UNITS / unit)
    assert entries["WorkingDirectory"] == [INSTALLED_AT]
    assert entries["EnvironmentFile"] == ["/etc/kaffebro/kaffebro.env"]
    return [[here(argument) for argument in shlex.split(line)] for line in entries["ExecStart"]]


def on_port(command: list[str], port: int) -> list[str]:
    at = command.index("--bind")
    return [*command[: at + 1], f"127.0.0.1:{port}", *command[at + 2 :]]


def get(url: str) -> tuple[int, dict, dict]:
    try:
        with urllib.request.urlopen(url, timeout=STARTUP_SECONDS) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def wait_for(url: str, server: subprocess.Popen) -> tuple[int, dict, dict]:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the web server exited: {server.communicate()[1]}"
        try:
            return get(url)
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
        raise AssertionError(f"{process.args[0]} did not stop on SIGTERM: {errors}") from None
    return errors


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    """Production-like: a fresh, migrated SQLite database with a published snapshot, served on loopback."""
    overrides = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kaffebro.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    (tmp_path / "static").mkdir()
    for step in (("migrate", "--no-input"), ("build_graph",)):
        result = manage(tmp_path, *step, **overrides)
        assert result.returncode == 0, result.stderr
    return production_environment(tmp_path, **overrides)


CHORE_UNITS = ("kaffebro-chores.service", "kaffebro-daily.service")


def test_every_unit_runs_from_the_installed_checkout():
    for unit in (*CHORE_UNITS, "kaffebro-web.service", "kaffebro-worker.service"):
        for command in commands(unit):
            assert Path(command[0]).is_relative_to(PROJECT_DIR / ".venv" / "bin"), command
            assert Path(command[0]).exists(), f"{unit}: {command[0]} is not installed (pyproject.toml)"
    for unit in CHORE_UNITS:
        timer = unit_entries(UNITS / unit.replace(".service", ".timer"))
        assert timer["OnCalendar"] and timer["Persistent"] == ["true"]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the units run against their own SQLite file: once per CI run, in the SQLite pass",
)
def test_the_web_server_and_the_worker_start_as_the_units_start_them(environment, tmp_path):
    [web_command] = commands("kaffebro-web.service")
    [worker_command] = commands("kaffebro-worker.service")
    assert web_command[1] == "kaffebro.wsgi"
    port = free_port()
    started = time.monotonic()
    web = subprocess.Popen(
        on_port(web_command, port), cwd=PROJECT_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    worker = subprocess.Popen(worker_command, cwd=PROJECT_DIR, env=environment, stderr=subprocess.PIPE, text=True)
    try:
        status, headers, body = wait_for(f"http://127.0.0.1:{port}/health/live", web)
        assert (status, body) == (200, {"status": "alive"})
        assert headers["X-Request-ID"]
        assert "Content-Security-Policy" in headers
        status, _, body = get(f"http://127.0.0.1:{port}/health/ready")
        assert status == 200, body
        assert body["checks"]["tasks"]["detail"] == "DatabaseBackend"

        for chore in (command for unit in CHORE_UNITS for command in commands(unit)):
            result = subprocess.run(chore, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True)
            assert result.returncode == 0, f"{chore[-1]}: {result.stderr}"

        time.sleep(max(0.0, WORKER_UP_SECONDS - (time.monotonic() - started)))
        assert worker.poll() is None, f"the worker exited: {worker.communicate()[1]}"
    finally:
        web_log = stop(web).decode()
        stop(worker)
    access = [json.loads(line) for line in web_log.splitlines() if '"logger": "kaffebro.request"' in line]
    assert {(line["path"], line["status"]) for line in access} >= {("/health/live", 200), ("/health/ready", 200)}
    assert web.returncode == 0
