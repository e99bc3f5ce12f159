"""Every string a member can see is translated into Danish, the default language.

Two gates: the Danish catalogue itself is complete (nothing missing, fuzzy, or with a named
placeholder lost in translation), and no string in the code is absent from it — checked by
collecting the strings afresh with GNU gettext in a copy of the project, so the checkout is
never touched.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from kaffebro.core.translations import untranslated

PROJECT_DIR = Path(settings.BASE_DIR)
DANISH_CATALOGUE = Path("kaffebro/locale/da/LC_MESSAGES/django.po")
LISTED_PROBLEMS = 40


def require_xgettext() -> None:
    """Developers without GNU gettext skip the collection test; CI must never skip it."""
    if shutil.which("xgettext"):
        return
    if os.environ.get("CI"):
        pytest.fail("GNU gettext (xgettext) is missing; CI installs the Debian package gettext.")
    pytest.skip("GNU gettext (xgettext) is not installed")


def fail_with_list(summary: str, problems: list[str]) -> None:
    """Fail with the first problems listed: enough to act on, short enough to read in a CI log."""
    shown = problems[:LISTED_PROBLEMS]
    more = [f"… and {len(problems) - len(shown)} more"] if len(problems) > len(shown) else []
    pytest.fail("\n".join([summary, *shown, *more]), pytrace=False)


def test_danish_catalogue_is_complete():
    catalogue = PROJECT_DIR / DANISH_CATALOGUE
    assert catalogue.is_file(), f"{DANISH_CATALOGUE} is missing; run `make messages` and translate it"
    gaps = untranslated(catalogue)
    if gaps:
        fail_with_list(f"{len(gaps)} Danish entries need work:", [str(gap) for gap in gaps])


def copy_project(destination: Path) -> Path:
    """The code and catalogues, without compiled files, so makemessages writes only into the copy."""
    project = destination / "project"
    project.mkdir()
    shutil.copytree(
        PROJECT_DIR / "kaffebro", project / "kaffebro", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    )
    shutil.copy2(PROJECT_DIR / "manage.py", project / "manage.py")
    return project


def collect_messages(project: Path, var_dir: Path) -> None:
    """Run makemessages in the copy with the copy's own settings, so its LOCALE_PATHS point into the copy."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kaffebro.settings",
        "KAFFEBRO_VAR_DIR": str(var_dir),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "da", "--no-obsolete"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])
    return f"{entry.msgid!r} ({where})"


def test_every_string_in_the_code_is_in_the_danish_catalogue(tmp_path):
    require_xgettext()
    project = copy_project(tmp_path)
    collect_messages(project, tmp_path / "var")

    catalogue = polib.pofile(str(project / DANISH_CATALOGUE))
    missing = [entry for entry in catalogue.untranslated_entries() if not entry.obsolete]
    fuzzy = [entry for entry in catalogue.fuzzy_entries() if not entry.obsolete]
    problems = [f"missing: {describe(entry)}" for entry in missing] + [f"fuzzy: {describe(entry)}" for entry in fuzzy]
    if problems:
        fail_with_list(
            f"{len(problems)} strings in the code lack a Danish translation (run `make messages`):", problems
        )
