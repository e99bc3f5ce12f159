"""After a change to the network commits, rebuild the graph snapshot once things settle."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

PENDING_KEY = "paths:rebuild-pending"


def schedule_rebuild(sender, reason: str = "", **kwargs) -> None:
    """Enqueue one rebuild `GRAPH_REBUILD_DELAY` seconds from now, however many changes arrive meanwhile.

    Searches see every change at once through the overlay, so the rebuild only
    keeps the overlay small; a second process enqueueing one more is harmless.
    """
    delay = settings.GRAPH_REBUILD_DELAY
    if delay < 0 or not cache.add(PENDING_KEY, True, timeout=max(delay, 1)):
        return
    from kaffebro.paths.tasks import rebuild_graph

    if delay and rebuild_graph.get_backend().supports_defer:
        rebuild_graph.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue()
    else:
        rebuild_graph.enqueue()
