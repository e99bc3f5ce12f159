"""Health endpoints for the load balancer and the process supervisor.

`/health/live` answers as long as the process can serve a request at all: it touches no
database, so a slow database never gets healthy app servers restarted. `/health/ready`
says whether this app server should get traffic: the database answers within a short
timeout, every migration is applied, the warm-path snapshot is published and readable on
this machine, and the task backend can take work. The first failing check makes it 503
and names the check; the reason shown is ours, never an exception's text (which could
name a host or a user), and the full error goes to the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# A database that needs longer than this for SELECT 1 cannot serve pages either.
DATABASE_TIMEOUT_MS = 2000

_passed_once: set[str] = set()
_passed_lock = threading.Lock()


class NotReady(Exception):
    """A check's own reason for failing, safe to show to whoever asks."""


def check_database() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL statement_timeout = {int(DATABASE_TIMEOUT_MS)}")
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise NotReady("SELECT 1 did not answer 1")
    return "reachable"


def check_migrations() -> str:
    """Every migration of the code is applied. Once true it stays true for this process, so it is asked only
    until it first passes (building the migration graph reads every migration file)."""
    if "migrations" in _passed_once:
        return "applied"
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        raise NotReady(f"{len(unapplied)} migrations are not applied; run manage.py migrate")
    with _passed_lock:
        _passed_once.add("migrations")
    return "applied"


def check_tasks() -> str:
    """The task backend can take work: for the database backend, its table answers."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        DBTaskResult.objects.exists()
    return type(backend).__name__


_app_checks: dict[str, Callable[[], str]] = {}


def register_readiness_check(name: str, check: Callable[[], str]) -> None:
    """An app adds what serving its pages needs (the paths app: its graph snapshot) from its `ready()`, so the
    core never imports an app above it. A check returns a short detail or raises `NotReady`."""
    _app_checks[name] = check


def readiness_checks() -> list[tuple[str, Callable[[], str]]]:
    """The database first (without it nothing else can answer), the task backend last."""
    core_first = [("database", check_database), ("migrations", check_migrations)]
    return [*core_first, *_app_checks.items(), ("tasks", check_tasks)]


def forget_passed_checks() -> None:
    """Ask every check again (tests, after the database is replaced)."""
    with _passed_lock:
        _passed_once.clear()


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    """Each check in order until the first failure; the later ones would mostly fail for the same reason."""
    results: dict[str, dict[str, object]] = {}
    for name, check in readiness_checks():
        started = time.perf_counter()
        try:
            detail = check()
        except NotReady as reason:
            detail, ok = str(reason), False
        except Exception as error:
            logger.warning("readiness check %s failed", name, exc_info=True)
            detail, ok = f"failed ({type(error).__name__})", False
        else:
            ok = True
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
        if not ok:
            return False, results
    return True, results


@login_not_required
@require_safe
@never_cache
def live(request):
    return JsonResponse({"status": "alive"})


@login_not_required
@require_safe
@never_cache
def ready(request):
    ok, checks = run_checks()
    if ok:
        return JsonResponse({"status": "ready", "checks": checks})
    failing = next(name for name, result in checks.items() if not result["ok"])
    return JsonResponse({"status": "unavailable", "failing": failing, "checks": checks}, status=503)
