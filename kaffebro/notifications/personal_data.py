"""The notifications app's personal data: the member's inbox and mail preferences.

Registered with `kaffebro.core.personal_data` from `NotificationsConfig.ready()`; see docs/privacy.md. Other apps
call `leave_neutral_trace` when an erasure removes something other members were notified about: their
notifications about it are folded into one that names no one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.core.personal_data import AppData, Erasure, Export, register
from kaffebro.notifications.models import Notification, NotificationPreferences

EXPORTS = (
    Export(
        "notifications.inbox",
        Notification,
        lambda user: Notification.objects.filter(recipient=user),
        ("code", "recipient", "event", "event__kind", "event__created", "kind", "read_at", "emailed_at", "created"),
    ),
    Export(
        "notifications.preferences",
        NotificationPreferences,
        lambda user: NotificationPreferences.objects.filter(user=user),
        ("user", "email_notifications", "connector_digest"),
    ),
)


def erase(erasure: Erasure) -> None:
    Notification.objects.filter(recipient=erasure.user).delete()
    NotificationPreferences.objects.filter(user=erasure.user).delete()


def leave_neutral_trace(subjects: Iterable[str], *, neutral: Event, erased_user_id: int, unread: bool) -> int:
    """Fold every other member's notifications about these subjects into one per member, pointing at `neutral`.

    `unread` brings the trace back to the top of the inbox (something open was called off); otherwise it keeps the
    place and read state of the member's latest notification about it. Returns how many members keep a trace.
    """
    notifications = Notification.objects.filter(event__subject__in=list(subjects)).exclude(recipient_id=erased_user_id)
    latest: dict[int, Notification] = {}
    for notification in notifications.order_by("created", "id"):
        latest[notification.recipient_id] = notification
    notifications.exclude(pk__in=[kept.pk for kept in latest.values()]).delete()
    for kept in latest.values():
        fields = {"event": neutral, "kind": neutral.kind}
        if unread:
            fields.update(read_at=None, created=timezone.now())
        Notification.objects.filter(pk=kept.pk).update(**fields)
    return len(latest)


register(AppData("notifications", exports=EXPORTS, erase=erase))
