"""The `kaffebro` console script, run as installed (.venv/bin/kaffebro) against a database of its own.

Each sub-command wraps a management command; these tests check the wrapping: help, exit codes
(0 done, 1 the work failed, 2 a usage error such as an unknown member), progress, and output.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

KAFFEBRO = Path(sys.executable).with_name("kaffebro")
MEMBER = "mette@example.org"
SETUP = """
import django
django.setup()
from django.utils import timezone
from kaffebro.accounts.models import User
from kaffebro.network.models import Organisation, Target, Unit
mette = User.objects.create_user("mette@example.org", "kaffe-og-kage-2026", display_name="Mette", language="en",
                                 email_verified_at=timezone.now())
region = Organisation.objects.create(name="Region Hovedstaden")
Unit.objects.create(organisation=region, name="Digitalisering")
print(Target.objects.create(seeker=mette, kind="organisation", organisation=region, priority=1).code)
"""
CONTACTS = "First Name,Last Name,Company,Position\n" + "".join(
    f"{first},{last},Region Hovedstaden,Konsulent\n"
    for first in ("Anne", "Bo", "Carl", "Dorte", "Erik")
    for last in ("Berg", "Holm", "Lund", "Vestergaard")
)


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A migrated SQLite database with Mette and one target; the environment every command runs in."""
    home = tmp_path_factory.mktemp("kaffebro-cli")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{home / 'kaffebro.sqlite3'}",
        "KAFFEBRO_VAR_DIR": str(home),
        "GRAPH_SNAPSHOT_DIR": str(home / "graph"),
        "DJANGO_SETTINGS_MODULE": "kaffebro.settings",
    }
    subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input"], env=env, check=True, capture_output=True)
    target = subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True)
    return {"env": env, "home": home, "target": target.stdout.strip()}


def kaffebro(installation, *arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KAFFEBRO), *arguments],
        env=env or installation["env"],
        cwd=installation["home"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_names_every_command_and_what_export_is_for_now(installation):
    overview = kaffebro(installation, "--help")
    assert overview.returncode == 0
    for command in ("serve", "demo", "import", "paths", "export", "bench"):
        assert command in overview.stdout
    export = kaffebro(installation, "export", "--help")
    assert "GDPR" in export.stdout and "--output" in export.stdout
    assert kaffebro(installation, "frobnicate").returncode == 2


@pytest.mark.parametrize(
    "arguments",
    [
        ("export", "--user", "nobody@example.org"),
        ("paths", "--user", "nobody@example.org", "--target", "Zq7madeUpX9k"),
        ("import", "contacts.csv", "--user", "nobody@example.org"),
    ],
)
def test_an_unknown_member_is_a_usage_error(installation, arguments):
    result = kaffebro(installation, *arguments)
    assert result.returncode == 2
    assert "No active member has the e-mail address nobody@example.org." in result.stderr


def test_import_shows_its_progress_and_what_it_did(installation):
    file = installation["home"] / "contacts.csv"
    file.write_text(CONTACTS)
    result = kaffebro(installation, "import", str(file), "--user", MEMBER)
    assert result.returncode == 0, result.stderr
    assert "20 contacts read as linkedin" in result.stdout and "What the import did:" in result.stdout
    assert "Importing: 20 of 20 rows (100 %)" in result.stderr


def test_a_file_that_cannot_be_imported_fails_with_the_reason(installation):
    file = installation["home"] / "picture.csv"
    file.write_bytes(b"\x89PNG\r\n\x1a\n not a contact list")
    result = kaffebro(installation, "import", str(file), "--user", MEMBER)
    assert result.returncode == 1
    assert result.stderr.startswith("kaffebro import: ")


def test_paths_prints_the_ways_in(installation):
    result = kaffebro(installation, "paths", "--user", MEMBER, "--target", installation["target"], "--language", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ways in to Region Hovedstaden")
    unknown = kaffebro(installation, "paths", "--user", MEMBER, "--target", "Zq7madeUpX9k")
    assert unknown.returncode == 1 and "Zq7madeUpX9k" in unknown.stderr


def test_export_writes_the_members_own_data_as_json(installation):
    result = kaffebro(installation, "export", "--user", MEMBER)
    assert result.returncode == 0, result.stderr
    exported = result.stdout
    assert json.loads(exported)["format"] == "kaffebro-export/1"
    assert MEMBER in exported and installation["target"] in exported
    output = installation["home"] / "export.zip"
    assert kaffebro(installation, "export", "--user", MEMBER, "--output", str(output)).returncode == 0
    assert output.read_bytes().startswith(b"PK")


def test_demo_never_loads_over_an_existing_network(installation):
    result = kaffebro(installation, "demo", "--people", "2000")
    assert result.returncode == 0, result.stderr
    assert "Organisations already exist; the demo network is not loaded again." in result.stdout
    assert "The demo network is not loaded." in result.stdout  # its logins are not there to print


def test_bench_hands_its_options_to_the_benchmark(installation):
    result = kaffebro(installation, "bench", "paths", "--help")
    assert result.returncode == 0
    assert "--people" in result.stdout


def test_without_configuration_it_says_what_to_set(installation):
    env = {key: value for key, value in installation["env"].items() if key not in ("DEBUG", "SECRET_KEY")}
    result = kaffebro(installation, "export", "--user", MEMBER, env={**env, "DEBUG": "0"})
    assert result.returncode == 2
    assert "DEBUG=1" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_and_stops_with_its_worker(installation):
    port = free_port()
    server = subprocess.Popen(
        [str(KAFFEBRO), "serve", "--port", str(port)],
        env=installation["env"],
        cwd=installation["home"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not (answers(port) and any("Starting worker" in line for line in lines)):
            assert time.monotonic() < deadline and server.poll() is None, "".join(lines)
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        reader.join(timeout=10)
    assert server.returncode == 0, "".join(lines)
    assert not answers(port)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/privacy/", timeout=2) as page:
            return page.status == 200
    except OSError:
        return False
