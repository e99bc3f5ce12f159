"""The snapshot follows the network: a change schedules one rebuild, which publishes only when something changed."""

import pytest
from django.core.cache import cache

from kaffebro.network.changes import note_graph_change
from kaffebro.network.members import member_person
from kaffebro.paths import snapshot
from kaffebro.paths.receivers import PENDING_KEY


@pytest.fixture
def rebuild_at_once(settings):
    settings.GRAPH_REBUILD_DELAY = 0
    cache.delete(PENDING_KEY)
    yield
    cache.delete(PENDING_KEY)


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_rebuilds_the_snapshot(rebuild_at_once, mette, jonas, sofie):
    snapshot.rebuild()
    before = snapshot.open_current()
    note_graph_change([member_person(mette).pk], "test")  # outside atomic: commits, then the task runs at once
    after = snapshot.open_current()
    assert after.version != before.version
    assert after.watermark > before.watermark


@pytest.mark.django_db(transaction=True)
def test_changes_meanwhile_schedule_only_one_rebuild(rebuild_at_once, settings, monkeypatch, mette):
    from kaffebro.paths import tasks

    enqueued = []
    backend = tasks.rebuild_graph.get_backend()

    class CountingTask:
        def get_backend(self):
            return backend

        def enqueue(self):
            enqueued.append(1)

    monkeypatch.setattr(tasks, "rebuild_graph", CountingTask())
    settings.GRAPH_REBUILD_DELAY = 60
    for reason in ("first", "second", "third"):
        note_graph_change([member_person(mette).pk], reason)
    assert enqueued == [1]


@pytest.mark.django_db
def test_nothing_is_published_when_nothing_changed(mette):
    assert snapshot.rebuild(only_if_stale=True) is True
    assert snapshot.rebuild(only_if_stale=True) is False
