"""Test settings: the real settings with fast hashing, in-memory mail and tasks run at once."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "1")

from kaffebro.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
GRAPH_REBUILD_DELAY = -1  # tests build snapshots explicitly; the receiver has its own test
GRAPH_SNAPSHOT_DIR = Path(tempfile.mkdtemp(prefix="kaffebro-graph-"))  # one per test process
# Sweeps and journeys send many requests a minute; only the tests of the limits themselves meet them.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, 10_000)  # noqa: F405
