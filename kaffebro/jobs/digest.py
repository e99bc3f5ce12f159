"""The weekly connector digest: who in your network is looking, toward where, and where you could help.

Once per ISO week (Europe/Copenhagen) each member open to introductions gets, in the inbox and by
e-mail unless they chose otherwise (`NotificationPreferences.connector_digest`), a digest of:

- members who are looking and whom the connector knows (their own tie to her), toward where (her
  targets), and how they could help there: how many of their own contacts work at each of those
  organisations now, named from the connector's OWN contact cards;
- what waits for them: introduction requests to answer, and profiles put in play to them unanswered.

What may be shown (this module is the digest's access module: it reads for the connector only):

- A seeker appears only as her `looking_visibility` allows: "All members" lets every member see that
  she is looking; "My connectors" lets the connectors she counts as hers, that is members open to
  introductions whom she recorded as a contact of her own (her tie to them); "Only me" lets nobody.
  A seeker who blocked the connector, or whose person is suppressed, never appears.
- Her targets are shown with shared organisations only: one she typed in privately stays hers.
- Names come only from the connector's own cards. Nobody else's contacts are read, so a non-member
  known only to someone else is never named.

`manage.py send_digests` (run it hourly from cron, docs/jobs.md) enqueues one `send_digest` task per
connector, taking ids. A task writes the week's marker event (`digest.weekly`, or `digest.weekly_inbox`
for the inbox only) under a lock on the member and only when there is none for that week yet, so the
digest goes out once per week however often the command runs; an empty digest is not sent. The event
holds ids only, and the notice renders the digest afresh in the recipient's language, re-checking
everything above, so someone who has since hidden that she is looking drops out of it.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.jobs.models import ShareAnswer, ShareRecipient, ShareState
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.network import access as network_access
from kaffebro.network.access import target_place
from kaffebro.network.actions import Refused
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    Organisation,
    Region,
    SeekerProfile,
    Target,
    TargetKind,
    Tie,
    Visibility,
)
from kaffebro.notifications.models import DigestDelivery, NotificationPreferences
from kaffebro.notifications.registry import Gone, Rendered, schedule_notifications

ZONE = zoneinfo.ZoneInfo("Europe/Copenhagen")
KIND_BY_DELIVERY: dict[str, str] = {DigestDelivery.EMAIL: "digest.weekly", DigestDelivery.INBOX: "digest.weekly_inbox"}
KINDS = tuple(KIND_BY_DELIVERY.values())
MAX_SEEKERS = 25
MAX_PLACES = 5  # targets shown per seeker, the most wanted first
MAX_NAMES = 5  # names shown per organisation
MAX_WAITING = 25  # requests and cards shown


def iso_week(now=None) -> str:
    """The ISO week in Copenhagen, e.g. "2026-W10": a digest goes out once per week."""
    year, week, _day = timezone.localtime(now or timezone.now(), ZONE).isocalendar()
    return f"{year}-W{week:02d}"


def delivery_of(user: User) -> str:
    """How the member wants the digest; a member without preferences gets it in the inbox and by e-mail."""
    value = NotificationPreferences.objects.filter(user=user).values_list("connector_digest", flat=True).first()
    return value or DigestDelivery.EMAIL


def is_connector(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and ConnectorSettings.objects.filter(user=user, open_to_introductions=True).exists()
    )


# Who is looking


def _looking_visible_to(connector: User) -> Q:
    """Seeker profiles whose owner lets the connector see that she is looking."""
    counts_him_as_hers = Tie.objects.filter(owner=OuterRef("user"), person_b__member=connector)
    return Q(looking_visibility=Visibility.MEMBERS) | Q(
        Exists(counts_him_as_hers), looking_visibility=Visibility.CONNECTORS
    )


def looking_known_to(connector: User) -> QuerySet[SeekerProfile]:
    """The seekers the connector knows and may see are looking, by name."""
    knows_her = Tie.objects.filter(owner=connector, person_b__member=OuterRef("user"))
    blocked_him = Block.objects.filter(owner=OuterRef("user"), person__member=connector)
    return (
        SeekerProfile.objects.filter(
            _looking_visible_to(connector), Exists(knows_her), user__is_active=True, user__person__suppressed=False
        )
        .exclude(user=connector)
        .exclude(Exists(blocked_him))
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )


@dataclass(frozen=True)
class Place:
    """One of her targets, with how many of the connector's own contacts work at its organisation now."""

    target: Target
    organisation: Organisation | None
    known: int
    names: tuple[str, ...]  # from the connector's own cards

    def label(self) -> str:
        """Where, in the active language: the posting or unit and the organisation, or the job field."""
        target = self.target
        if target.kind == TargetKind.FIELD:
            if target.region:
                return _("%(field)s in %(region)s") % {
                    "field": target.job_field,
                    "region": Region(target.region).label,
                }
            return target.job_field
        name = self.organisation.name if self.organisation else ""
        if target.posting is not None:
            return _("%(posting)s at %(organisation)s") % {"posting": target.posting.title, "organisation": name}
        if target.unit is not None:
            return _("%(unit)s, %(organisation)s") % {"unit": target.unit.name, "organisation": name}
        return name


@dataclass(frozen=True)
class Looking:
    seeker: User
    profile: SeekerProfile
    places: list[Place]


@dataclass(frozen=True)
class Digest:
    connector: User
    looking: list[Looking]
    introductions: list[MeetingRequest]
    cards: list[ShareRecipient]

    @property
    def is_empty(self) -> bool:
        return not (self.looking or self.introductions or self.cards)

    def ids(self) -> dict[str, list[int]]:
        """What the week's event records: ids only, so the notice can re-check them when shown."""
        return {
            "seekers": [item.seeker.pk for item in self.looking],
            "requests": [request.pk for request in self.introductions],
            "cards": [card.pk for card in self.cards],
        }


def _places(connector: User, profiles: list[SeekerProfile]) -> dict[int, list[Place]]:
    """Per seeker, her targets at shared organisations (or job fields), with the connector's contacts there."""
    targets = Target.objects.filter(seeker_id__in=[profile.user_id for profile in profiles]).select_related(
        "posting__organisation", "posting__unit", "unit__organisation", "organisation"
    )
    chosen: dict[int, list[tuple[Target, Organisation | None]]] = defaultdict(list)
    for target in targets.order_by("seeker_id", "priority", "created", "id"):
        organisation, _unit = target_place(target)
        shared = organisation is None or organisation.private_to_id is None
        if shared and len(chosen[target.seeker_id]) < MAX_PLACES:
            chosen[target.seeker_id].append((target, organisation))
    organisations = {org.pk: org for pairs in chosen.values() for _t, org in pairs if org is not None}
    counts = network_access.first_degree_counts_by_organisation(connector, organisations.values())
    names: dict[int, list[str]] = defaultdict(list)
    own_cards = (
        ContactCard.objects.filter(
            owner=connector,
            person__suppressed=False,
            person__positions__organisation_id__in=list(organisations),
            person__positions__end_date__isnull=True,
        )
        .values_list("person__positions__organisation_id", "full_name")
        .distinct()
        .order_by("full_name")
    )
    for organisation_id, name in own_cards:
        if name not in names[organisation_id] and len(names[organisation_id]) < MAX_NAMES:
            names[organisation_id].append(name)
    return {
        seeker_id: [
            Place(target, org, counts.get(org.pk, 0) if org else 0, tuple(names[org.pk]) if org else ())
            for target, org in pairs
        ]
        for seeker_id, pairs in chosen.items()
    }


def build_digest(connector: User, *, only: dict[str, Any] | None = None) -> Digest:
    """The connector's digest as it is now; with `only` (a week's event data), narrowed to what was sent then.

    Six queries whatever the size of the network: seekers, their targets, contact counts, contact
    names, introduction requests and profiles put in play.
    """
    if not is_connector(connector):
        return Digest(connector, [], [], [])
    profiles = looking_known_to(connector)
    introductions = MeetingRequest.objects.filter(connector=connector, state=RequestState.WITH_CONNECTOR)
    cards = ShareRecipient.objects.filter(member=connector, answer=ShareAnswer.PENDING, share__state=ShareState.SENT)
    if only is not None:
        profiles = profiles.filter(user_id__in=_ids(only, "seekers"))
        introductions = introductions.filter(pk__in=_ids(only, "requests"))
        cards = cards.filter(pk__in=_ids(only, "cards"))
    seekers = list(profiles[:MAX_SEEKERS])
    places = _places(connector, seekers) if seekers else {}
    return Digest(
        connector,
        [Looking(profile.user, profile, places.get(profile.user_id, [])) for profile in seekers],
        list(introductions.select_related("seeker").order_by("answer_due", "id")[:MAX_WAITING]),
        list(cards.select_related("share__seeker", "share__helper").order_by("created", "id")[:MAX_WAITING]),
    )


def _ids(data: dict[str, Any], name: str) -> list[int]:
    values = data.get(name)
    return [value for value in values if isinstance(value, int)] if isinstance(values, list) else []


# Sending, once per week


def _lock_user(user: User) -> None:
    """Serialise one member's digest, so two runs at once cannot both find no marker for the week."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _sent(connector: User, week: str) -> bool:
    return Event.objects.filter(kind__in=KINDS, subject=connector.code, data__week=week).exists()


@task()
def send_digest(connector_id: int, week: str) -> bool:
    """The connector's digest for the week, unless it is empty, turned off, or sent already; returns whether sent."""
    connector = User.objects.filter(pk=connector_id, is_active=True).first()
    if connector is None or not is_connector(connector):
        return False
    kind = KIND_BY_DELIVERY.get(delivery_of(connector))
    if kind is None:
        return False
    digest = build_digest(connector)
    if digest.is_empty:
        return False
    with transaction.atomic():
        _lock_user(connector)
        if _sent(connector, week):
            return False
        event = record_event(kind, subject=connector.code, connector=connector.pk, week=week, **digest.ids())
        schedule_notifications(event)
    return True


def connectors_due(week: str) -> QuerySet[User]:
    """Active connectors who want the digest and have not had this week's."""
    marked = Event.objects.filter(kind__in=KINDS, subject=OuterRef("code"), data__week=week)
    return (
        User.objects.filter(is_active=True, connector_settings__open_to_introductions=True)
        .exclude(notification_preferences__connector_digest=DigestDelivery.OFF)
        .exclude(Exists(marked))
        .order_by("id")
    )


def send_digests(now=None) -> int:
    """Enqueue one `send_digest` task per connector due this week; returns how many were enqueued."""
    week = iso_week(now)
    connector_ids = list(connectors_due(week).values_list("pk", flat=True))
    for connector_id in connector_ids:
        send_digest.enqueue(connector_id, week)
    return len(connector_ids)


# The setting


def set_delivery(user: User, delivery: str) -> bool:
    """How the member wants the digest: in the inbox and by e-mail, in the inbox only, or not at all."""
    if delivery not in DigestDelivery.values:
        raise Refused(_("Choose from the list."), field="delivery")
    with transaction.atomic():
        preferences, _created = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
        if preferences.connector_digest == delivery:
            return False
        NotificationPreferences.objects.filter(pk=preferences.pk).update(connector_digest=delivery)
        record_event("digest.delivery_set", actor=user, subject=user.code, delivery=delivery)
    return True


# How it reads, in the recipient's language


INDENT = "  \u2013 "  # an en dash, indented under the seeker's line


def _place_line(place: Place) -> str:
    values: dict[str, object] = {"place": place.label(), "count": place.known}
    if place.organisation is None:
        return INDENT + _("toward %(place)s") % values
    if not place.known:
        return INDENT + _("toward %(place)s: you know nobody there yet") % values
    known = ngettext(
        "toward %(place)s: you know %(count)d person there",
        "toward %(place)s: you know %(count)d people there",
        place.known,
    )
    line = known % values
    if place.names:
        line += " (" + ", ".join(place.names) + ")"
    return INDENT + line


def paragraphs(digest: Digest) -> list[str]:
    """The digest as plain paragraphs, for the inbox and the mail."""
    body = [
        _(
            "Here is who in your network is looking for work, and where you could help. Only people who let you "
            "see that they are looking are shown, and names come only from your own contacts."
        )
    ]
    if digest.looking:
        lines = [
            ngettext(
                "%(count)d person you know is looking:", "%(count)d people you know are looking:", len(digest.looking)
            )
            % {"count": len(digest.looking)}
        ]
        for item in digest.looking:
            headline = f": {item.profile.headline}" if item.profile.headline else ""
            lines.append(f"• {item.seeker.display_name}{headline}")
            lines.extend(_place_line(place) for place in item.places)
        body.append("\n".join(lines))
    waiting = [
        "• " + _("%(seeker)s asks you for an introduction") % {"seeker": request.seeker.display_name}
        for request in digest.introductions
    ] + [
        "• "
        + _("%(helper)s put %(seeker)s's profile in play to you")
        % {"helper": card.share.helper.display_name, "seeker": card.share.seeker.display_name}
        for card in digest.cards
    ]
    if waiting:
        body.append("\n".join([_("Waiting for your answer:"), *waiting]))
    body.append(_("You can change how you get this digest, or turn it off, on the digest page."))
    return body


def subject_of(digest: Digest) -> str:
    if digest.looking:
        return ngettext(
            "Your weekly digest: %(count)d person you know is looking",
            "Your weekly digest: %(count)d people you know are looking",
            len(digest.looking),
        ) % {"count": len(digest.looking)}
    waiting = len(digest.introductions) + len(digest.cards)
    return ngettext(
        "Your weekly digest: %(count)d request waits for you",
        "Your weekly digest: %(count)d requests wait for you",
        waiting,
    ) % {"count": waiting}


def recipients(event: Event) -> list[int]:
    connector = event.data.get("connector")
    return [connector] if isinstance(connector, int) else []


def render(event: Event, recipient: User) -> Rendered:
    """The week's digest as it may be shown now; Gone when nothing of it is left to show."""
    if event.data.get("connector") != recipient.pk:
        raise Gone
    digest = build_digest(recipient, only=event.data)
    if digest.is_empty:
        raise Gone
    body = paragraphs(digest)
    return Rendered(
        subject=subject_of(digest),
        text="\n\n".join(body),
        html="".join(linebreaks(escape(paragraph)) for paragraph in body),
        link=reverse("jobs:digest"),
    )
