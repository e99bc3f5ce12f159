"""Health endpoints: liveness without the database, readiness that names the first failing check."""

import pytest
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from kaffebro.core import health
from kaffebro.paths import snapshot

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _every_check_asked_afresh():
    health.forget_passed_checks()
    yield
    health.forget_passed_checks()


@pytest.fixture
def published(db):
    snapshot.rebuild()


def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("core:health_live"))
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["core:health_live", "core:health_ready"])
def test_probes_need_no_log_in_and_take_no_posts(client, name):
    assert client.head(reverse(name)).status_code in {200, 503}
    assert client.post(reverse(name)).status_code == 405


def test_ready_when_every_check_passes(client, published, settings):
    settings.TASKS = DATABASE_BACKEND
    response = client.get(reverse("core:health_ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert list(body["checks"]) == ["database", "migrations", "snapshot", "tasks"]
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["snapshot"]["detail"] == f"version {snapshot.current_version()}"
    assert body["checks"]["tasks"]["detail"] == "DatabaseBackend"


def test_not_ready_without_a_published_snapshot(client):
    response = client.get(reverse("core:health_ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == "snapshot"
    assert "build_graph" in body["checks"]["snapshot"]["detail"]
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]


def test_not_ready_while_a_migration_is_unapplied(client, published):
    [(app, newest)] = [node for node in MigrationLoader(connection).graph.leaf_nodes() if node[0] == "core"]
    MigrationRecorder(connection).migration_qs.filter(app=app, name=newest).delete()
    response = client.get(reverse("core:health_ready"))
    assert response.status_code == 503
    assert response.json()["failing"] == "migrations"
    assert "1 migrations are not applied" in response.json()["checks"]["migrations"]["detail"]


def test_applied_migrations_are_checked_only_until_they_first_pass(client, published, monkeypatch):
    assert client.get(reverse("core:health_ready")).status_code == 200

    def must_not_run(*args, **kwargs):
        raise AssertionError("the migration graph was built again")

    monkeypatch.setattr(health, "MigrationExecutor", must_not_run)
    assert client.get(reverse("core:health_ready")).status_code == 200


def test_an_unreachable_database_is_named_without_its_error_text(client, monkeypatch, caplog):
    def refuse():
        raise OperationalError('connection to server at "10.1.2.3" failed: password for user "kaffebro"')

    monkeypatch.setattr(
        health, "connection", type("Down", (), {"vendor": "postgresql", "cursor": staticmethod(refuse)})
    )
    response = client.get(reverse("core:health_ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == "database"
    assert list(body["checks"]) == ["database"]
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["detail"] == "failed (OperationalError)"
    assert "10.1.2.3" not in response.content.decode()
    assert "10.1.2.3" in caplog.text, "the operator finds the real error in the log"


def test_the_database_check_asks_postgresql_for_a_short_statement_timeout(monkeypatch):
    statements = []

    class Cursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql):
            statements.append(sql)

        def fetchone(self):
            return (1,)

    monkeypatch.setattr(health, "connection", type("Postgres", (), {"vendor": "postgresql", "cursor": Cursor}))
    assert health.check_database() == "reachable"
    assert statements == [f"SET LOCAL statement_timeout = {health.DATABASE_TIMEOUT_MS}", "SELECT 1"]
