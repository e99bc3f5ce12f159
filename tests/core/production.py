"""Run manage.py as a production server starts: the real settings, DEBUG unset, the required variables set."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def production_environment(var_dir: Path, **overrides: str | None) -> dict[str, str]:
    """A clean environment (nothing of the developer's shell leaks in); `None` removes a variable."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "kaffebro.settings",
        "KAFFEBRO_VAR_DIR": str(var_dir),
        "GRAPH_SNAPSHOT_DIR": str(var_dir / "graph"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "kaffebro.example.org",
        "SITE_URL": "https://kaffebro.example.org",
        "EMAIL_URL": "smtp://kaffebro:secret@mail.example.org:587?tls=1",
        "KAFFEBRO_CONTROLLER_NAME": "Kaffebro ApS",
        "KAFFEBRO_CONTROLLER_CONTACT": "privacy@kaffebro.example.org",
    }
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value is not None}


def manage(var_dir: Path, *arguments: str, **overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *arguments],
        cwd=var_dir,
        env=production_environment(var_dir, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )
