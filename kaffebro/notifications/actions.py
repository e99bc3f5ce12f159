"""Changes to a member's notifications: mark read, and whether they also come by e-mail."""

from django.db import transaction
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.notifications.models import Notification, NotificationPreferences


def mark_read(user: User, notification: Notification) -> bool:
    """Mark one of the member's notifications read; returns False if it already was."""
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the member read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def set_email_notifications(user: User, enabled: bool) -> bool:
    """Turn notification mail on or off for the member; returns whether it changed."""
    with transaction.atomic():
        preferences, _created = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
        if preferences.email_notifications == enabled:
            return False
        NotificationPreferences.objects.filter(pk=preferences.pk).update(email_notifications=enabled)
        record_event("notifications.email_preference_set", actor=user, subject=user.code, enabled=enabled)
    return True
