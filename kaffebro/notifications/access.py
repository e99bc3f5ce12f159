"""Every read of notifications goes through here: a member sees only their own; anyone else's answers 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaffebro.accounts.models import User
from kaffebro.notifications.models import Notification, NotificationPreferences


def inbox_of(user: User) -> QuerySet[Notification]:
    """The member's notifications, newest first, each with its event."""
    return Notification.objects.filter(recipient=user).select_related("event").order_by("-created", "-id")


def access_notification(user: User, code: str) -> Notification:
    return get_object_or_404(Notification, recipient=user, code=code)


def unread_count(user: User) -> int:
    """One COUNT over the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def wants_email(user: User) -> bool:
    return not NotificationPreferences.objects.filter(user=user, email_notifications=False).exists()


def mailable_members() -> QuerySet[User]:
    """Members mail may go to: active, with a confirmed address, who have not turned notification mail off."""
    return User.objects.filter(is_active=True, email_verified_at__isnull=False).exclude(
        notification_preferences__email_notifications=False
    )
