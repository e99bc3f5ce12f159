"""Writing the event log from actions."""

from typing import Any

from kaffebro.core.models import Event


def record_event(kind: str, *, actor: Any = None, subject: str = "", **data: Any) -> Event:
    """Append one event; call it inside the action's transaction so it commits with the change."""
    return Event.objects.create(kind=kind, actor=actor, subject=subject, data=data)
