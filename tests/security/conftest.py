"""Fixtures of the security tests: the world of tests/security/world.py, built once per test module.

A matrix asks thousands of requests of the same world; building it for each would cost minutes. So `world` is
built once per module inside a transaction that is rolled back when the module is done, and each test runs in
its own savepoint within it (the `db` fixture, as Django's TestCase does with setUpTestData): what one request
changes is undone before the next test, and nothing of the world outlives the module.
"""

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The module's world, with one session per role, and one graph snapshot directory for its path searches
    (a module that wants to spare each test its own directory overrides `_own_graph_snapshot` with a no-op)."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(GRAPH_SNAPSHOT_DIR=tmp_path_factory.mktemp("graph")),
    ):
        built = build_world()
        built.log_in_everyone()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db) -> World:
    """The world, inside this test's savepoint. Its members are the objects as built: a test that changes one
    and reads it back refreshes it itself."""
    return module_world
