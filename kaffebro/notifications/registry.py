"""What other apps call: register a notice per event kind, and schedule notifications from an action.

An app registers in its `AppConfig.ready()`::

    from kaffebro.notifications.registry import Rendered, register

    register("meetings.proposed", render=render_proposal, recipients=proposal_recipients)

and its action, inside its transaction, after writing the event::

    event = record_event("meetings.proposed", actor=seeker, subject=meeting.code, meeting=meeting.pk)
    schedule_notifications(event)

`recipients(event)` returns member ids; `render(event, recipient)` returns a `Rendered`. Rendering
always runs with the recipient's language and time zone active, when the inbox shows the
notification and when it is mailed, so nothing is stored as text. See docs/notifications.md.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation

from kaffebro.core.models import Event

if TYPE_CHECKING:
    from kaffebro.accounts.models import User

logger = logging.getLogger(__name__)


class Attachment(NamedTuple):
    filename: str
    content: bytes
    mimetype: str  # e.g. "text/calendar; method=REQUEST" for an invitation


class Rendered(NamedTuple):
    """One notification as one recipient sees it, in their language."""

    subject: str  # the inbox line and the e-mail subject
    text: str  # the plain-text e-mail body
    html: str | None = None  # an HTML fragment for the e-mail (wrapped in the site's mail layout), or None
    link: str = ""  # a site path ("/meetings/abc/") to the object, or "" when there is none to open
    attachments: Sequence[tuple[str, bytes, str]] = ()  # (filename, content, mimetype), e-mail only


class Gone(Exception):
    """Raised by a renderer when the object is gone or no longer the recipient's to see.

    The inbox then shows a neutral line and no e-mail is sent.
    """


Renderer = Callable[[Event, "User"], Rendered]
Recipients = Callable[[Event], Iterable[int]]


@dataclass(frozen=True)
class Registration:
    kind: str
    render: Renderer
    recipients: Recipients
    email: bool = True


_registry: dict[str, Registration] = {}


def register(kind: str, *, render: Renderer, recipients: Recipients, email: bool = True) -> Registration:
    """Notify about events of `kind`; `email=False` keeps them in the inbox only.

    Registering a kind twice is a mistake and fails loudly, unless it is the very same registration
    (an app's `ready()` may run twice in tests).
    """
    registration = Registration(kind=kind, render=render, recipients=recipients, email=email)
    existing = _registry.get(kind)
    if existing is not None and existing != registration:
        raise ImproperlyConfigured(f"The notification kind {kind!r} is already registered.")
    _registry[kind] = registration
    return registration


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def registration_for(kind: str) -> Registration | None:
    return _registry.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_registry)


def recipient_zone(recipient: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(recipient.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Copenhagen")


def render_for(event: Event, recipient: User) -> Rendered | None:
    """The notification in the recipient's language and time zone; None when it cannot be shown any more."""
    registration = _registry.get(event.kind)
    if registration is None:
        return None
    with translation.override(recipient.language), timezone.override(recipient_zone(recipient)):
        try:
            rendered = registration.render(event, recipient)
        except Gone:
            return None
    if rendered.link and not (rendered.link.startswith("/") and not rendered.link.startswith("//")):
        logger.warning("The notice for %s gave a link that is not a site path; it is left out.", event.kind)
        rendered = rendered._replace(link="")
    return rendered


def schedule_notifications(event: Event) -> None:
    """Call inside the action's transaction: once it commits, `notify` runs with the event's id.

    A rolled-back action notifies nobody.
    """
    from kaffebro.notifications.tasks import notify

    transaction.on_commit(partial(notify.enqueue, event.pk))
