"""The meetings app's personal data: preparation briefs and coffee-meeting requests.

Registered with `kaffebro.core.personal_data` from `MeetingsConfig.ready()`; see docs/privacy.md.

- Export: the member's briefs and requests in full; requests they took part in as connector or person to meet,
  as far as they saw them (what the seeker wrote for herself, her follow-up, stays hers).
- Erasure: the member's own briefs and requests go. The connector and the person to meet keep one neutral inbox
  line ("a request was withdrawn"), no mail. A request of someone else in which the member was the connector or
  the person to meet stays the seeker's: without the member (a request without a connector), what the member
  wrote in it cleared, withdrawn if it was still open, and the seeker's inbox lines about it folded into a neutral
  one.
- Objection: open requests to a person who objected are withdrawn (nobody may introduce them any more).
- Retention: expired, declined and withdrawn requests go EXPIRED_REQUEST_RETENTION_DAYS after they closed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.core.personal_data import AppData, Chore, Erasure, Export, Objection, register
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, PrepBrief, ProposedTime, RequestKind
from kaffebro.meetings.models import RequestState as S
from kaffebro.meetings.states import OPEN, TRANSITIONS
from kaffebro.notifications import registry
from kaffebro.notifications.personal_data import leave_neutral_trace

REQUEST_ERASED = "meetings.request_erased"
PARTY_ERASED = "meetings.party_erased"
WITHDRAWN_AFTER_OBJECTION = "meetings.withdrawn_after_objection"
CLOSED = (S.EXPIRED, S.DECLINED, S.WITHDRAWN)

REQUEST_FIELDS = (
    "code",
    "seeker",
    "brief",
    "kind",
    "connector",
    "person",
    "person_member",
    "path",
    "state",
    "state_changed",
    "answer_due",
    "first_sent",
    "reached_person",
    "message",
    "introduction_note",
    "changes_asked",
    "decline_reason",
    "place",
    "video_link",
    "starts",
    "ends",
    "calendar_sequence",
    "seeker_says_held",
    "other_says_held",
    "learned",
    "next_step",
    "reminder_sent",
    "follow_up_reminder_sent",
    "created",
    "updated",
)
# What the connector and the person to meet see of someone else's request.
AS_OTHER_PARTY = (
    "code",
    "seeker",
    "kind",
    "connector",
    "person",
    "person_member",
    "state",
    "state_changed",
    "first_sent",
    "reached_person",
    "message",
    "introduction_note",
    "changes_asked",
    "decline_reason",
    "place",
    "video_link",
    "starts",
    "ends",
    "other_says_held",
    "created",
    "updated",
)


# As the request page shows it (`access.view_of`, `access.seen_by`): the connector never sees the time or the place
# (only those at the table do), and the person to meet reads the seeker's message only on a direct request (on an
# introduction it was written to the connector).
NOT_SEEN_BY_CONNECTOR = ("place", "video_link", "starts", "ends")
NOT_SEEN_BY_PERSON_INTRODUCED = ("message",)


def as_seen_by_other_party(user, row: dict) -> dict:
    """A request of someone else's exactly as far as this member saw it, the rest blank."""
    hidden: tuple[str, ...]
    if row["connector"] == user.code:
        hidden = NOT_SEEN_BY_CONNECTOR
    elif row["kind"] != RequestKind.DIRECT:
        hidden = NOT_SEEN_BY_PERSON_INTRODUCED
    else:
        hidden = ()
    return {column: None if column in hidden else value for column, value in row.items()}


def seen_as_person_to_meet(user) -> Q:
    return Q(person_member=user, reached_person__isnull=False) & ~Q(seeker=user)


def seen_by_other_party(user) -> Q:
    """Requests of others the member saw: as connector once sent to them, as person to meet once it reached them."""
    return (Q(connector=user, first_sent__isnull=False) | Q(person_member=user, reached_person__isnull=False)) & ~Q(
        seeker=user
    )


EXPORTS = (
    Export(
        "meetings.briefs",
        PrepBrief,
        lambda user: PrepBrief.objects.filter(seeker=user),
        (
            "code",
            "seeker",
            "target",
            "knowledge",
            "offer",
            "difference",
            "ask",
            "their_gain",
            "read_website",
            "knows_unit",
            "read_news",
            "version",
            "created",
            "updated",
        ),
    ),
    Export(
        "meetings.requests_sent",
        MeetingRequest,
        lambda user: MeetingRequest.objects.filter(seeker=user),
        REQUEST_FIELDS,
    ),
    Export(
        "meetings.requests_received",
        MeetingRequest,
        lambda user: MeetingRequest.objects.filter(seen_by_other_party(user)),
        AS_OTHER_PARTY,
        as_seen_by_other_party,
    ),
    Export(
        "meetings.proposed_times",
        ProposedTime,
        lambda user: ProposedTime.objects.filter(
            Q(proposed_by=user)
            | Q(request__seeker=user)
            | Q(request__in=MeetingRequest.objects.filter(seen_as_person_to_meet(user)))
        ),
        ("request", "starts", "ends", "proposed_by", "created"),
    ),
    Export(
        "meetings.outcomes",
        MeetingOutcome,
        lambda user: MeetingOutcome.objects.filter(request__seeker=user),
        ("request", "kind", "note", "created"),
    ),
)


def erase(erasure: Erasure) -> None:
    user = erasure.user
    _erase_own_requests(erasure)
    theirs = MeetingRequest.objects.filter(Q(connector=user) | Q(person_member=user)).exclude(seeker=user)
    for request in theirs:
        _without_member(request, erasure)
    ProposedTime.objects.filter(proposed_by=user).delete()


def _erase_own_requests(erasure: Erasure) -> None:
    """The member's requests and briefs go; each other party keeps one neutral line in their inbox."""
    own = MeetingRequest.objects.filter(seeker=erasure.user)
    for code, person_id, state in own.values_list("code", "person_id", "state"):
        erasure.persons.add(person_id)
        neutral = record_event(REQUEST_ERASED)
        leave_neutral_trace([code], neutral=neutral, erased_user_id=erasure.user.pk, unread=state in OPEN)
        Event.objects.filter(subject=code).delete()
    own.delete()
    PrepBrief.objects.filter(seeker=erasure.user).delete()


def _without_member(request: MeetingRequest, erasure: Erasure) -> None:
    """Someone else's request loses the member and what they wrote; an open one is withdrawn."""
    user_id = erasure.user.pk
    now = timezone.now()
    fields: dict[str, object] = {"updated": now}
    if request.connector_id == user_id:
        # A request without a connector is a direct one (the database allows no other): the seeker's record keeps
        # who she asked to meet, not who would have introduced her.
        fields.update(connector=None, kind=RequestKind.DIRECT, introduction_note="", changes_asked="")
        fields["path"] = [person for person in request.path if person != erasure.person_id]
    if request.person_member_id == user_id:
        fields.update(person_member=None, decline_reason="", other_says_held=None)
    was_open = request.state in TRANSITIONS["withdraw"].sources
    if was_open:
        fields.update(state=TRANSITIONS["withdraw"].target, state_changed=now, answer_due=None)
    MeetingRequest.objects.filter(pk=request.pk).update(**fields)
    neutral = record_event(PARTY_ERASED, subject=request.code, request=request.pk, withdrawn=was_open)
    leave_neutral_trace([request.code], neutral=neutral, erased_user_id=user_id, unread=was_open)


def withdraw_for_objection(objection: Objection) -> None:
    """Open requests to a person who objected (their node is now suppressed) are withdrawn, without notices."""
    doomed = MeetingRequest.objects.filter(
        state__in=TRANSITIONS["withdraw"].sources, person__suppressed=True, person_member__isnull=True
    )
    now = timezone.now()
    for request in doomed:
        changed = MeetingRequest.objects.filter(pk=request.pk, state=request.state).update(
            state=TRANSITIONS["withdraw"].target, state_changed=now, answer_due=None, updated=now
        )
        if changed:
            record_event(WITHDRAWN_AFTER_OBJECTION, subject=request.code, request=request.pk)


def delete_closed_requests(now: datetime.datetime) -> int:
    """Requests that ended without a meeting, closed longer ago than EXPIRED_REQUEST_RETENTION_DAYS."""
    before = now - datetime.timedelta(days=settings.EXPIRED_REQUEST_RETENTION_DAYS)
    due = list(MeetingRequest.objects.filter(state__in=CLOSED, state_changed__lt=before).values_list("pk", flat=True))
    deleted = 0
    for pk in due:
        with transaction.atomic():
            gone, _counts = MeetingRequest.objects.filter(pk=pk, state__in=CLOSED, state_changed__lt=before).delete()
            if gone:
                deleted += 1
    if deleted:
        record_event("privacy.retention", what="meetings.requests", deleted=deleted)
    return deleted


def _erased_request_notice(event: Event, recipient) -> registry.Rendered:
    return registry.Rendered(
        subject=_("A coffee meeting request was withdrawn"),
        text=_(
            "The member who asked has left Kaffebro, and their data has been erased. There is nothing more for you "
            "to do; if the meeting was in your calendar, you can delete it."
        ),
    )


def _party_erased_notice(event: Event, recipient) -> registry.Rendered:
    request = MeetingRequest.objects.filter(code=event.subject).first()
    if request is None:
        raise registry.Gone
    lines = [_("Someone taking part in this coffee meeting request has left Kaffebro, and their data has been erased.")]
    if event.data.get("withdrawn"):
        lines.append(
            _("The request was still open, so it is withdrawn; if the meeting was in your calendar, delete it.")
        )
    return registry.Rendered(
        subject=_("A member taking part in your coffee meeting request has left Kaffebro"),
        text="\n\n".join(lines),
        link=reverse("meetings:request", args=[request.code]),
    )


def _nobody(event: Event) -> list[int]:
    """Nobody is notified anew: the erasure only rewrites notifications members already had."""
    return []


registry.register(REQUEST_ERASED, render=_erased_request_notice, recipients=_nobody, email=False)
registry.register(PARTY_ERASED, render=_party_erased_notice, recipients=_nobody, email=False)
register(
    AppData(
        "meetings",
        exports=EXPORTS,
        erase=erase,
        objection=withdraw_for_objection,
        chores=(Chore("closed_requests_deleted", delete_closed_requests),),
    )
)
