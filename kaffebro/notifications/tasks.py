"""Background work: turn an event into notifications, and mail each one in its recipient's language.

Both tasks take ids only and are safe to run twice: the (event, recipient) constraint keeps
one notification per member, and `emailed_at` is claimed before a mail leaves, so a retried
task neither duplicates a notification nor mails it again.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.notifications import registry
from kaffebro.notifications.access import mailable_members
from kaffebro.notifications.models import Notification

logger = logging.getLogger(__name__)


@task()
def notify(event_id: int) -> int:
    """One notification for each member the event's kind names; returns how many members that is."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    registration = registry.registration_for(event.kind)
    if registration is None:
        logger.warning("No notice is registered for the event kind %s; nobody is notified.", event.kind)
        return 0
    wanted = {int(user_id) for user_id in registration.recipients(event)}
    members = list(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=member, event=event, kind=event.kind, created=event.created)
                for member in members
            ],
            ignore_conflicts=True,
        )
        if registration.email:
            unsent = Notification.objects.filter(
                event=event, emailed_at__isnull=True, recipient__in=mailable_members()
            ).values_list("pk", flat=True)
            for notification_id in unsent:
                transaction.on_commit(partial(email_notification.enqueue, notification_id))
    return len(members)


@task()
def email_notification(notification_id: int) -> bool:
    """Mail one notification, unless it was mailed already or its member may not be mailed; returns whether sent."""
    notification = (
        Notification.objects.filter(pk=notification_id, recipient__in=mailable_members())
        .select_related("event", "recipient")
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    registration = registry.registration_for(notification.kind)
    if registration is None or not registration.email:
        return False
    message = build_message(notification)
    if message is None:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    try:
        message.send()
    except Exception:
        # Give the claim back, so a retry of this task sends the mail.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def build_message(notification: Notification) -> EmailMultiAlternatives | None:
    """The e-mail for one notification in its recipient's language; None when the notice cannot be shown."""
    recipient: User = notification.recipient
    rendered = registry.render_for(notification.event, recipient)
    if rendered is None:
        return None
    with translation.override(recipient.language):
        context = {
            "member": recipient,
            "language": recipient.language,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
            "link": absolute_url(rendered.link) if rendered.link else "",
            "inbox_link": absolute_url(reverse("notifications:inbox")),
            "settings_link": absolute_url(reverse("notifications:settings")),
        }
        body = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context) if rendered.html else None
    message = EmailMultiAlternatives(
        subject=" ".join(rendered.subject.split()),
        body=body,
        to=[recipient.email],
        headers={"Content-Language": recipient.language, "Auto-Submitted": "auto-generated"},
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in rendered.attachments:
        message.attach(filename, content, mimetype)
    return message
