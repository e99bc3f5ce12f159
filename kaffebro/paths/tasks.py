"""Background work of the paths app. Tasks take ids, never model objects."""

from django_tasks import task

from kaffebro.paths import snapshot


@task()
def rebuild_graph() -> None:
    """Build and publish a new graph snapshot, unless the current one already has every change."""
    snapshot.rebuild(only_if_stale=True)
