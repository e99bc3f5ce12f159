"""One notification per member and event, and whether a member wants notifications by e-mail.

A notification stores no text: it points at the event, and the kind's registered notice
renders it in the viewer's language whenever it is shown or mailed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaffebro.core.models import CodeField, Event


class Notification(models.Model):
    code = CodeField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=64)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created"], name="notification_inbox"),
        ]
        constraints = [
            # A retried task never notifies the same member twice about one event.
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class DigestDelivery(models.TextChoices):
    """How a connector gets the weekly digest (`kaffebro.jobs.digest`)."""

    EMAIL = "email", _("In my inbox and by e-mail")
    INBOX = "inbox", _("In my inbox only")
    OFF = "off", _("Not at all")


class NotificationPreferences(models.Model):
    """A member without a row gets notifications by e-mail: the default is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    email_notifications = models.BooleanField(
        _("e-mail me my notifications"),
        default=True,
        help_text=_("Notifications always appear in your inbox on Kaffebro; this also sends them to your e-mail."),
    )
    connector_digest = models.CharField(
        _("weekly connector digest"),
        max_length=8,
        choices=DigestDelivery.choices,
        default=DigestDelivery.EMAIL,
        db_default=DigestDelivery.EMAIL,
        help_text=_("Who in your network is looking, and where you could help. Mail also needs notification mail on."),
    )

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)
