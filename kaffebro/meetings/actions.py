"""Every change to coffee meetings, starting with saving the preparation brief.

Each action checks its precondition (raising `Refused` with a translated message the view
shows), runs in one transaction, makes the change with a conditional update and writes an
event naming only codes and numbers, never what the seeker wrote. Saving a brief sends no
mail, so it schedules no side effects.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.meetings import access as meetings_access
from kaffebro.meetings import readiness
from kaffebro.meetings.models import (
    MAX_PART_CHARS,
    DeclineReason,
    MeetingOutcome,
    MeetingRequest,
    OutcomeKind,
    PrepBrief,
    ProposedTime,
    RequestKind,
)
from kaffebro.meetings.models import RequestState as S
from kaffebro.meetings.states import OPEN, TRANSITIONS, WAITING_FOR_AN_ANSWER
from kaffebro.network import access as network_access
from kaffebro.network.actions import Refused, add_target
from kaffebro.network.changes import note_graph_change
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    ConnectorSettings,
    Organisation,
    Person,
    Position,
    Posting,
    Target,
    TargetKind,
    Unit,
)
from kaffebro.notifications.registry import schedule_notifications
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import BadWayIn, read_way_in

__all__ = [
    "EVENT_KINDS",
    "BriefFields",
    "Refused",
    "StaleBrief",
    "accept",
    "approve_introduction",
    "ask_for_changes",
    "cancel",
    "confirm_held",
    "decline",
    "decline_introduction",
    "expire_requests",
    "invite_to_coffee",
    "log_follow_up",
    "pick_time",
    "propose_times",
    "record_outcome",
    "reschedule",
    "save_brief",
    "send_reminders",
    "send_request",
    "start_direct_request",
    "start_request",
    "withdraw",
]


class StaleBrief(Refused):
    """The brief was saved elsewhere (another tab) after the page the seeker edited was opened."""


# What the seeker writes in the brief: the readiness check reads the same four parts, optional part and checklist.
BriefFields = readiness.BriefText


def _clean(brief_fields: BriefFields) -> dict[str, str | bool]:
    """Trimmed parts, each checked against the stored size; a NUL byte (which PostgreSQL refuses) is refused too."""
    values = brief_fields.values()
    for part in readiness.PARTS:
        text = values[part]
        if not isinstance(text, str):
            raise Refused(_("Write this part as text."), field=part)
        if "\x00" in text:
            raise Refused(_("This part contains a character that cannot be saved."), field=part)
        text = text.strip()
        if len(text) > MAX_PART_CHARS:
            raise Refused(
                _("Keep this part under %(limit)d characters (it has %(count)d).")
                % {"limit": MAX_PART_CHARS, "count": len(text)},
                field=part,
            )
        values[part] = text
    for item in readiness.CHECKLIST:
        values[item] = bool(values[item])
    return values


def _stale() -> StaleBrief:
    return StaleBrief(
        _(
            "Your brief was saved in another window or tab after you opened this page, so nothing was saved here. "
            "Open the brief again to see the latest version, then make your changes to it."
        )
    )


def save_brief(user: User, target: Target, brief_fields: BriefFields, *, base_version: int) -> PrepBrief:
    """Create or improve the seeker's brief for their target, all or nothing.

    `base_version` is the version the seeker's page showed (0 when there was no brief yet). If the
    brief has been saved since, the save is refused with `StaleBrief` and changes nothing, so two
    tabs never silently overwrite each other.
    """
    values = _clean(brief_fields)
    if target.seeker_id != user.pk:
        raise Refused(_("This target no longer exists."))
    try:
        with transaction.atomic():
            if not Target.objects.filter(pk=target.pk, seeker=user).exists():
                raise Refused(_("This target no longer exists."))
            if base_version == 0:
                if PrepBrief.objects.filter(seeker=user, target=target).exists():
                    raise _stale()
                brief = PrepBrief.objects.create(seeker=user, target=target, version=1, **values)
            else:
                changed = PrepBrief.objects.filter(seeker=user, target=target, version=base_version).update(
                    **values, version=F("version") + 1, updated=timezone.now()
                )
                if not changed:
                    raise _stale()
                brief = PrepBrief.objects.get(seeker=user, target=target)
            brief.target = target
            level = readiness.readiness_of(brief).level
            record_event("brief.saved", actor=user, subject=brief.code, version=brief.version, level=str(level))
    except IntegrityError:
        # Another tab created the brief between the check and the insert: the unique constraint refused it.
        raise _stale() from None
    return brief


# Requests for a coffee meeting.
#
# Every action below checks who may do it and its precondition (raising `Refused`), runs in one transaction, moves
# the request's state only along a row of `states.TRANSITIONS` with a conditional update from the row's source
# states (so of two clicks exactly one has an effect), writes exactly one event `meeting.<action>` whose data holds
# the request's id and small values only, never text anyone wrote, and schedules its notifications after commit.
#
# Event kinds: meeting.start_request, meeting.send_request, meeting.approve_introduction, meeting.ask_for_changes,
# meeting.decline_introduction, meeting.accept, meeting.decline, meeting.times_proposed, meeting.pick_time,
# meeting.reschedule, meeting.cancel, meeting.withdraw, meeting.confirm_held (data "happened"; "state" is the state
# after), meeting.log_follow_up, meeting.record_outcome, meeting.expire (system), meeting.reminder (system, the day
# before), meeting.follow_up_reminder (system, two weeks after) and meeting.invited (the other side asked first).

EVENT_KINDS = (
    "meeting.start_request",
    "meeting.send_request",
    "meeting.approve_introduction",
    "meeting.ask_for_changes",
    "meeting.decline_introduction",
    "meeting.accept",
    "meeting.decline",
    "meeting.times_proposed",
    "meeting.pick_time",
    "meeting.reschedule",
    "meeting.cancel",
    "meeting.withdraw",
    "meeting.confirm_held",
    "meeting.log_follow_up",
    "meeting.record_outcome",
    "meeting.expire",
    "meeting.reminder",
    "meeting.follow_up_reminder",
    "meeting.invited",
)

PATHS_CHECKED = 50  # a way in must still be among the seeker's this many best paths
MAX_MESSAGE_CHARS = 2000
MAX_NOTE_CHARS = 3000
MAX_CHANGES_CHARS = 2000
MAX_LEARNED_CHARS = 4000
MAX_NEXT_STEP_CHARS = 2000
MAX_OUTCOME_NOTE_CHARS = 500
MAX_OUTCOMES = 10
MAX_PLACE_CHARS = 300
MAX_VIDEO_LINK_CHARS = 500
MAX_PROPOSED_TIMES = 3
SHORTEST_MEETING = datetime.timedelta(minutes=15)
LONGEST_MEETING = datetime.timedelta(hours=3)
FURTHEST_AHEAD = datetime.timedelta(days=365)
REMINDER_BEFORE = datetime.timedelta(days=1)

# A request the seeker has sent that still waits for someone or something: it counts toward MEETING_OPEN_REQUESTS.
SENT_AND_OPEN = (S.WITH_CONNECTOR, S.WITH_PERSON, S.SCHEDULING, S.SCHEDULED)
# After these, the meeting took place: the outcome and the follow-up belong here.
AFTER_THE_MEETING = (S.HELD, S.FOLLOWED_UP)


def _moved_on() -> Refused:
    return Refused(_("This request has already moved on. Reload the page to see where it is now."))


def _not_yours() -> Refused:
    return Refused(_("Only the people this request is for can do that."))


def _event(name: str, actor: User | None, request: MeetingRequest, **data: Any) -> Event:
    """The action's one event, with ids and small values only, and its notifications after commit."""
    event = record_event(f"meeting.{name}", actor=actor, subject=request.code, request=request.pk, **data)
    schedule_notifications(event)
    return event


def _transition(name: str, request: MeetingRequest, now: datetime.datetime, **changes: Any) -> MeetingRequest:
    """Move the request along the table's row `name`, only from one of its sources; refused when it moved on."""
    transition = TRANSITIONS[name]
    changed = MeetingRequest.objects.filter(pk=request.pk, state__in=transition.sources).update(
        state=transition.target, state_changed=now, updated=now, **changes
    )
    if changed != 1:
        raise _moved_on()
    return MeetingRequest.objects.select_related("seeker", "connector", "person", "person_member").get(pk=request.pk)


def _clean_text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise Refused(_("Write this as text."), field=field)
    if "\x00" in value:
        raise Refused(_("This text contains a character that cannot be saved."), field=field)
    value = value.strip()
    if required and not value:
        raise Refused(_("Please write something here."), field=field)
    if len(value) > limit:
        raise Refused(
            _("Keep this under %(limit)d characters (it has %(count)d).") % {"limit": limit, "count": len(value)},
            field=field,
        )
    return value


def _is_seeker(user: User, request: MeetingRequest) -> bool:
    return user.pk is not None and user.pk == request.seeker_id


def _is_connector(user: User, request: MeetingRequest) -> bool:
    return request.connector_id is not None and user.pk == request.connector_id


def _is_person(user: User, request: MeetingRequest) -> bool:
    return request.person_member_id is not None and user.pk == request.person_member_id


def _answers_for_the_person(user: User, request: MeetingRequest) -> bool:
    """The person to meet, or the connector recording the answer of a person who is not a member."""
    if request.person_member_id is not None:
        return _is_person(user, request)
    return _is_connector(user, request)


def _attends(user: User, request: MeetingRequest) -> bool:
    """The two who meet and have an account: the seeker, and the person to meet when they are a member."""
    return _is_seeker(user, request) or _is_person(user, request)


def _answer_due(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.MEETING_ANSWER_DAYS)


# Starting a request


def _spec_matches(target: Target, spec: TargetSpec) -> bool:
    if spec.kind == "field":
        return (
            target.kind == TargetKind.FIELD
            and target.job_field.strip().casefold() == spec.field.strip().casefold()
            and target.region == spec.region
        )
    return TargetSpec.for_target(target) == spec


def _target_for(seeker: User, spec: TargetSpec) -> Target:
    """The seeker's own target for the place a way in leads to; added to their list when they have none."""
    targets = Target.objects.filter(seeker=seeker).select_related("posting", "unit", "organisation")
    for target in targets:
        if _spec_matches(target, spec):
            return target
    if spec.kind == "field":
        return add_target(seeker, TargetKind.FIELD, job_field=spec.field, region=spec.region)
    unit_id, organisation_id = spec.unit_id, spec.organisation_id
    if spec.kind == "person":
        position = (
            Position.objects.filter(person_id=spec.person_id or 0, end_date__isnull=True)
            .order_by("-is_decision_maker", "id")
            .first()
        )
        if position is None:
            raise Refused(_("Add where you want to land as a target first, then ask for a meeting from there."))
        unit_id, organisation_id = position.unit_id, position.organisation_id
    visible = network_access.visible_organisations(seeker)
    if unit_id and visible.filter(units__pk=unit_id).exists():
        for target in targets:
            if target.kind == TargetKind.UNIT and target.unit_id == unit_id:
                return target
        return add_target(seeker, TargetKind.UNIT, unit=Unit.objects.get(pk=unit_id))
    organisation = visible.filter(pk=organisation_id).first() if organisation_id else None
    if organisation is None:
        raise Refused(_("Add where you want to land as a target first, then ask for a meeting from there."))
    for target in targets:
        if target.kind == TargetKind.ORGANISATION and target.organisation_id == organisation.pk:
            return target
    return add_target(seeker, TargetKind.ORGANISATION, organisation=organisation)


def _brief_for(seeker: User, target: Target) -> PrepBrief:
    brief, _created = PrepBrief.objects.get_or_create(seeker=seeker, target=target)
    return brief


def _open_request(seeker: User, person_id: int) -> MeetingRequest | None:
    return MeetingRequest.objects.filter(seeker=seeker, person_id=person_id, state__in=OPEN).first()


def _active_member(person: Person) -> User | None:
    member = person.member
    return member if member is not None and member.is_active else None


def _way_refused() -> Refused:
    return Refused(
        _("This way in is no longer open: the network has changed since you saw it. Look at your paths again.")
    )


def start_request(seeker: User, way_token: str) -> MeetingRequest:
    """A draft request along a way in from a path card (a signed token for this seeker).

    One hop to a member is a direct request; two or more hops ask the first person, who must be a member who
    makes introductions, to introduce the seeker. The path must still be among the seeker's best paths. An open
    request to the same person is returned instead of a second one (a draft never sent takes the new way).
    """
    try:
        spec, person_ids = read_way_in(seeker.pk, way_token)
    except BadWayIn:
        raise Refused(_("This link has expired or is not yours. Open your paths again and choose a way in.")) from None
    if not person_ids:
        raise _way_refused()
    ways = find_paths(seeker, spec, k=PATHS_CHECKED)
    if not any(tuple(way.person_ids) == person_ids for way in ways.paths):
        raise _way_refused()
    persons = Person.objects.select_related("member").in_bulk(person_ids)
    if len(persons) != len(set(person_ids)) or any(person.suppressed for person in persons.values()):
        raise _way_refused()
    person = persons[person_ids[-1]]
    person_member = _active_member(person)
    connector: User | None = None
    if len(person_ids) == 1:
        if person_member is None:
            raise Refused(
                _(
                    "You know this person yourself. Kaffebro only writes to members, so ask them directly "
                    "with your brief in hand."
                )
            )
        kind = RequestKind.DIRECT
    else:
        connector = _active_member(persons[person_ids[0]])
        if connector is None or not connector_settings(connector).open_to_introductions:
            raise _way_refused()
        kind = RequestKind.INTRODUCTION
    way = {"kind": kind, "connector": connector, "person_member": person_member, "path": list(person_ids)}
    return _create_request(seeker, person, way, lambda: _target_for(seeker, spec))


def start_direct_request(seeker: User, target: Target, member: User) -> MeetingRequest:
    """A draft request straight to a member, toward one of the seeker's targets."""
    if target.seeker_id != seeker.pk:
        raise Refused(_("This target no longer exists."))
    if member.pk == seeker.pk:
        raise Refused(_("You cannot ask yourself for a coffee meeting."))
    if not member.is_active:
        raise Refused(_("This member is no longer on Kaffebro."))
    person = member_person(member)
    if person.suppressed:
        raise Refused(_("This member is no longer on Kaffebro."))
    way = {"kind": RequestKind.DIRECT, "connector": None, "person_member": member, "path": [person.pk]}

    def own_target() -> Target:
        if not Target.objects.filter(pk=target.pk, seeker=seeker).exists():
            raise Refused(_("This target no longer exists."))
        return target

    return _create_request(seeker, person, way, own_target)


def _create_request(
    seeker: User, person: Person, way: dict[str, Any], target_of: Callable[[], Target]
) -> MeetingRequest:
    try:
        with transaction.atomic():
            existing = _open_request(seeker, person.pk)
            if existing is not None:
                if existing.state == S.DRAFT and existing.first_sent is None:
                    # Never sent, so nobody has seen it: it takes the way the seeker chose now.
                    MeetingRequest.objects.filter(pk=existing.pk, state=S.DRAFT, first_sent__isnull=True).update(
                        kind=way["kind"],
                        connector=way["connector"],
                        person_member=way["person_member"],
                        path=way["path"],
                        updated=timezone.now(),
                    )
                    existing.refresh_from_db()
                return existing
            target = target_of()
            request = MeetingRequest.objects.create(
                seeker=seeker, brief=_brief_for(seeker, target), person=person, state=S.DRAFT, **way
            )
            _event("start_request", seeker, request, request_kind=str(request.kind))
    except IntegrityError:
        # The same request started twice at once: the partial unique constraint kept one.
        existing = _open_request(seeker, person.pk)
        if existing is None:
            raise
        return existing
    return request


# An invitation from the other side


def _invitation_places(
    organisation: Organisation, unit: Unit | None, posting: Posting | None
) -> list[tuple[str, Organisation | Unit | Posting]]:
    """Where the invitation comes from, narrowest first: the posting, its unit (or the unit given), the organisation."""
    unit = unit or (posting.unit if posting is not None else None)
    if (unit is not None and unit.organisation_id != organisation.pk) or (
        posting is not None and posting.organisation_id != organisation.pk
    ):
        raise Refused(_("The unit and the posting must belong to the organisation you invite from."))
    places: list[tuple[str, Organisation | Unit | Posting]] = []
    if posting is not None:
        places.append((TargetKind.POSTING, posting))
    if unit is not None:
        places.append((TargetKind.UNIT, unit))
    return [*places, (TargetKind.ORGANISATION, organisation)]


def _invitation_target(seeker: User, organisation: Organisation, unit: Unit | None, posting: Posting | None) -> Target:
    """The seeker's own target for the narrowest place the invitation comes from; added to her list when missing.

    When her list is full, a target she already has for a broader place (the unit, the organisation) is used.
    """
    places = _invitation_places(organisation, unit, posting)
    if organisation.private_to_id not in (None, seeker.pk):
        raise Refused(_("You can only invite from an organisation everyone on Kaffebro can see."))
    targets = list(Target.objects.filter(seeker=seeker))

    def existing(kind: str, place: Organisation | Unit | Posting) -> Target | None:
        return next((t for t in targets if t.kind == kind and getattr(t, f"{kind}_id") == place.pk), None)

    narrowest_kind, narrowest = places[0]
    found = existing(narrowest_kind, narrowest)
    if found is not None:
        return found
    try:
        return add_target(
            seeker,
            narrowest_kind,
            posting=narrowest if isinstance(narrowest, Posting) else None,
            unit=narrowest if isinstance(narrowest, Unit) else None,
            organisation=narrowest if isinstance(narrowest, Organisation) else None,
        )
    except Refused:
        broader = [existing(kind, place) for kind, place in places[1:]]
        found = next((target for target in broader if target is not None), None)
        if found is None:
            raise Refused(
                _("%(name)s cannot take another target right now, so the invitation cannot be made. Try again later.")
                % {"name": seeker.display_name}
            ) from None
        return found


def _open_between(seeker: User, inviter: User, inviter_person: Person) -> bool:
    """Whether the two already have an open request, whichever of them asked."""
    return (
        MeetingRequest.objects.filter(state__in=OPEN)
        .filter(Q(seeker=seeker, person=inviter_person) | Q(seeker=inviter, person__member=seeker))
        .exists()
    )


def _already_open(seeker: User) -> Refused:
    return Refused(
        _("You and %(name)s already have an open coffee meeting request. Continue there: see your coffee meetings.")
        % {"name": seeker.display_name}
    )


def invite_to_coffee(
    inviter: User,
    seeker: User,
    *,
    organisation: Organisation,
    unit: Unit | None = None,
    posting: Posting | None = None,
    message: str = "",
) -> MeetingRequest:
    """A member invites a seeker to a coffee meeting: a share recipient's "yes, coffee", or a decision-maker
    inviting a suggested candidate. The caller has checked that the inviter may see the seeker.

    The inviter asked, so no introduction and no ready brief are needed: the request is direct, sent and
    reached at once, with the inviter as the person to meet, and starts in scheduling (the table's row
    "invite"), where both propose and pick times as in any request. It is linked to the seeker's target for
    where the invitation comes from (added to her list when missing) and her brief for it (an empty one when
    she has none: she may write it before the meeting). An invitation walked no path, so `path` stays empty:
    that is how the pages tell it from a request the seeker sent (`access.invited`).
    """
    if inviter.pk == seeker.pk:
        raise Refused(_("You cannot invite yourself to a coffee meeting."))
    if not inviter.is_active or not seeker.is_active:
        raise Refused(_("This member is no longer on Kaffebro."))
    message = _clean_text(message, MAX_MESSAGE_CHARS, "message")
    person = member_person(inviter)
    if person.suppressed:
        raise Refused(_("Your account cannot send invitations right now."))
    now = timezone.now()
    transition = TRANSITIONS["invite"]
    try:
        with transaction.atomic():
            _lock_user(seeker)  # one invitation to her at a time, so the same two cannot both pass the check
            if _open_between(seeker, inviter, person):
                raise _already_open(seeker)
            target = _invitation_target(seeker, organisation, unit, posting)
            request = MeetingRequest.objects.create(
                seeker=seeker,
                brief=_brief_for(seeker, target),
                kind=RequestKind.DIRECT,
                person=person,
                person_member=inviter,
                path=[],
                state=transition.target,
                state_changed=now,
                first_sent=now,
                reached_person=now,
                answer_due=_answer_due(now),
                message=message,
            )
            _event("invited", inviter, request, request_kind=str(request.kind), state=str(request.state))
    except IntegrityError:
        # The same invitation twice at once (SQLite has no row locks): the partial unique constraint kept one.
        raise _already_open(seeker) from None
    return request


# Sending


def _lock_user(user: User) -> None:
    """Serialise one member's sends, so two at once cannot both pass a limit."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _check_seeker_limits(seeker: User, request: MeetingRequest, now: datetime.datetime) -> None:
    open_count = MeetingRequest.objects.filter(seeker=seeker, state__in=SENT_AND_OPEN).exclude(pk=request.pk).count()
    if open_count >= settings.MEETING_OPEN_REQUESTS:
        raise Refused(
            _(
                "You already have %(count)d requests waiting. Let them be answered, or withdraw one, "
                "before you send another."
            )
            % {"count": open_count}
        )
    sent = Event.objects.filter(
        kind="meeting.send_request", actor=seeker, created__gte=now - datetime.timedelta(hours=1)
    ).count()
    if sent >= settings.MEETING_SENDS_PER_HOUR:
        raise Refused(
            _("You have sent %(count)d requests in the last hour. Please wait a little before you send more.")
            % {"count": sent}
        )


def _this_month(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now).replace(day=1)


def _connector_refusal(connector: User, row: ConnectorSettings, now: datetime.datetime) -> Refused | None:
    """Why the connector cannot take an introduction request now, or None."""
    name = {"name": connector.display_name}
    if not connector.is_active or not row.open_to_introductions:
        return Refused(_("%(name)s no longer makes introductions. Choose another way in.") % name)
    if row.paused_until is not None and row.paused_until >= timezone.localdate(now):
        return Refused(
            _("%(name)s has paused introductions until %(date)s. Choose another way in, or ask again later.")
            % {**name, "date": date_format(row.paused_until, "DATE_FORMAT")}
        )
    if _used_this_month(row, now) >= row.monthly_limit:
        return Refused(
            _(
                "%(name)s has had as many introduction requests as they take this month. Choose another way in, "
                "or ask again next month."
            )
            % name
        )
    return None


def _used_this_month(row: ConnectorSettings, now: datetime.datetime) -> int:
    """The month's count; a count from an earlier month is spent."""
    return row.introductions_used if row.introductions_month == _this_month(now) else 0


def _still_introduces(connector: User) -> bool:
    return connector.is_active and ConnectorSettings.objects.filter(user=connector, open_to_introductions=True).exists()


def _count_introduction(connector: User, now: datetime.datetime) -> None:
    """One more introduction request this month, only while the connector is open, not paused and under the limit.

    The connector's settings row is locked first, so concurrent sends to the same connector are counted one
    after the other against the latest count; the update is conditional on the count read, so a send that
    raced past the lock anyway (SQLite has no row locks) is refused rather than counted twice.
    """
    connector_settings(connector)  # the row exists from here on
    row = ConnectorSettings.objects.select_for_update().get(user=connector)
    refusal = _connector_refusal(connector, row, now)
    if refusal is not None:
        raise refusal
    counted = ConnectorSettings.objects.filter(
        pk=row.pk, introductions_month=row.introductions_month, introductions_used=row.introductions_used
    ).update(introductions_month=_this_month(now), introductions_used=_used_this_month(row, now) + 1, updated=now)
    if not counted:
        raise _moved_on()
    note_graph_change([member_person(connector).pk], "connector.capacity")


def _give_back_introduction(connector: User, now: datetime.datetime) -> None:
    """A "not now" does not count against the connector: this month's count goes back down."""
    given = ConnectorSettings.objects.filter(
        user=connector, introductions_month=_this_month(now), introductions_used__gt=0
    ).update(introductions_used=F("introductions_used") - 1, updated=now)
    if given:
        note_graph_change([member_person(connector).pk], "connector.capacity")


def send_request(seeker: User, request: MeetingRequest, message: str = "") -> MeetingRequest:
    """Send a draft: to the connector (an introduction) or to the person to meet (direct)."""
    if not _is_seeker(seeker, request):
        raise _not_yours()
    message = _clean_text(message, MAX_MESSAGE_CHARS, "message")
    now = timezone.now()
    with transaction.atomic():
        _lock_user(seeker)
        current = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("connector")
            .filter(pk=request.pk, seeker=seeker)
            .first()
        )
        if current is None or current.state != S.DRAFT:
            raise _moved_on()
        brief = meetings_access.briefs_of(seeker).get(pk=current.brief_id)
        if not readiness.brief_passes(brief):
            raise Refused(
                _("Your brief is not ready yet. Finish it first: the notes on the brief show what is missing.")
            )
        _check_seeker_limits(seeker, current, now)
        introduction = current.kind == RequestKind.INTRODUCTION
        if introduction:
            assert current.connector is not None
            if current.first_sent is None:
                _count_introduction(current.connector, now)
            elif not _still_introduces(current.connector):
                # Sent again after the connector asked for changes: it counted the first time, so only
                # whether they still make introductions matters.
                raise Refused(
                    _("%(name)s no longer makes introductions. Choose another way in.")
                    % {"name": current.connector.display_name}
                )
        changes: dict[str, Any] = {"message": message, "answer_due": _answer_due(now), "changes_asked": ""}
        changes["first_sent"] = Coalesce(F("first_sent"), Value(now))
        if not introduction:
            changes["reached_person"] = Coalesce(F("reached_person"), Value(now))
        updated = _transition("send_to_connector" if introduction else "send_direct", current, now, **changes)
        _event("send_request", seeker, updated, request_kind=str(updated.kind), state=str(updated.state))
    return updated


# The connector


def approve_introduction(connector: User, request: MeetingRequest, note: str) -> MeetingRequest:
    """The connector introduces the seeker, with a note of their own; the person to meet is asked next."""
    if not _is_connector(connector, request):
        raise _not_yours()
    note = _clean_text(note, MAX_NOTE_CHARS, "note", required=True)
    now = timezone.now()
    with transaction.atomic():
        updated = _transition(
            "approve_introduction",
            request,
            now,
            introduction_note=note,
            answer_due=_answer_due(now),
            reached_person=Coalesce(F("reached_person"), Value(now)),
        )
        _event("approve_introduction", connector, updated)
    return updated


def ask_for_changes(connector: User, request: MeetingRequest, changes: str) -> MeetingRequest:
    """The connector sends the request back to the seeker's draft, saying what to change."""
    if not _is_connector(connector, request):
        raise _not_yours()
    changes = _clean_text(changes, MAX_CHANGES_CHARS, "changes", required=True)
    now = timezone.now()
    with transaction.atomic():
        updated = _transition("ask_for_changes", request, now, changes_asked=changes, answer_due=None)
        _event("ask_for_changes", connector, updated)
    return updated


def _reason(reason: str) -> str:
    if reason not in DeclineReason.values:
        raise Refused(_("Choose a reason from the list."), field="reason")
    return reason


def decline_introduction(connector: User, request: MeetingRequest, reason: str) -> MeetingRequest:
    """The connector declines; "not now" does not count against the connector's month."""
    if not _is_connector(connector, request):
        raise _not_yours()
    reason = _reason(reason)
    now = timezone.now()
    with transaction.atomic():
        updated = _transition("decline_introduction", request, now, decline_reason=reason, answer_due=None)
        if reason == DeclineReason.NOT_NOW:
            _give_back_introduction(connector, now)
        _event("decline_introduction", connector, updated, reason=reason)
    return updated


# The person to meet (or the connector recording the answer of a person who is not a member)


def accept(user: User, request: MeetingRequest) -> MeetingRequest:
    if not _answers_for_the_person(user, request):
        raise _not_yours()
    now = timezone.now()
    with transaction.atomic():
        updated = _transition("accept", request, now, answer_due=_answer_due(now))
        _event("accept", user, updated)
    return updated


def decline(user: User, request: MeetingRequest, reason: str) -> MeetingRequest:
    if not _answers_for_the_person(user, request):
        raise _not_yours()
    reason = _reason(reason)
    now = timezone.now()
    with transaction.atomic():
        updated = _transition("decline", request, now, decline_reason=reason, answer_due=None)
        _event("decline", user, updated, reason=reason)
    return updated


# Finding a time


def _clean_times(
    times: list[tuple[datetime.datetime, datetime.datetime]], now: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    if not times:
        raise Refused(_("Propose at least one time."), field="times")
    if len(times) > MAX_PROPOSED_TIMES:
        raise Refused(_("Propose at most %(count)d times.") % {"count": MAX_PROPOSED_TIMES}, field="times")
    cleaned = []
    for starts, ends in times:
        if not isinstance(starts, datetime.datetime) or not isinstance(ends, datetime.datetime):
            raise Refused(_("Give each time a start and an end."), field="times")
        if timezone.is_naive(starts) or timezone.is_naive(ends):
            starts, ends = timezone.make_aware(starts), timezone.make_aware(ends)
        if starts <= now:
            raise Refused(_("Propose times in the future."), field="times")
        if starts > now + FURTHEST_AHEAD:
            raise Refused(_("Propose times within the coming year."), field="times")
        if not SHORTEST_MEETING <= ends - starts <= LONGEST_MEETING:
            raise Refused(_("A coffee meeting lasts from 15 minutes to 3 hours."), field="times")
        cleaned.append((starts, ends))
    if len({starts for starts, _ends in cleaned}) != len(cleaned):
        raise Refused(_("Propose different times."), field="times")
    return sorted(cleaned)


def _clean_video_link(link: str) -> str:
    link = _clean_text(link, MAX_VIDEO_LINK_CHARS, "video_link")
    if not link:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(link)
    except ValidationError:
        raise Refused(_("Write the video link as a web address starting with https://."), field="video_link") from None
    return link


def propose_times(
    user: User,
    request: MeetingRequest,
    times: list[tuple[datetime.datetime, datetime.datetime]],
    place: str = "",
    video_link: str = "",
) -> list[ProposedTime]:
    """Up to three times and a place (or a video link); they replace what this user proposed before."""
    allowed = _is_seeker(user, request) or _is_person(user, request)  # for a non-member, the seeker records times
    if not allowed:
        raise _not_yours()
    now = timezone.now()
    cleaned = _clean_times(times, now)
    place = _clean_text(place, MAX_PLACE_CHARS, "place")
    video_link = _clean_video_link(video_link)
    if not place and not video_link:
        raise Refused(_("Say where to meet: a café's address or a video link."), field="place")
    with transaction.atomic():
        current = MeetingRequest.objects.select_for_update().filter(pk=request.pk).first()
        if current is None or current.state != S.SCHEDULING:
            raise _moved_on()
        MeetingRequest.objects.filter(pk=current.pk, state=S.SCHEDULING).update(
            place=place, video_link=video_link, answer_due=_answer_due(now), updated=now
        )
        ProposedTime.objects.filter(request=current, proposed_by=user).delete()
        proposed = ProposedTime.objects.bulk_create(
            ProposedTime(request=current, starts=starts, ends=ends, proposed_by=user) for starts, ends in cleaned
        )
        proposed = list(ProposedTime.objects.filter(request=current, proposed_by=user).order_by("starts"))
        _event("times_proposed", user, current, times=[time.pk for time in proposed])
    return proposed


def pick_time(user: User, request: MeetingRequest, proposed: ProposedTime) -> MeetingRequest:
    """Agree one of the other side's times (for a non-member, the seeker picks the time they agreed by hand)."""
    if not _attends(user, request):
        raise _not_yours()
    if proposed.request_id != request.pk:
        raise Refused(_("Choose one of the times proposed for this meeting."), field="proposed")
    if request.person_member_id is None:
        if proposed.proposed_by_id != request.seeker_id:
            raise Refused(_("Choose one of the times proposed for this meeting."), field="proposed")
    elif proposed.proposed_by_id == user.pk:
        raise Refused(_("Choose one of the times the other side proposed."), field="proposed")
    now = timezone.now()
    with transaction.atomic():
        time = ProposedTime.objects.filter(pk=proposed.pk, request_id=request.pk).first()
        if time is None:
            raise Refused(_("This time was changed. Choose from the times proposed now."), field="proposed")
        if time.starts <= now:
            raise Refused(_("This time has passed. Choose another, or propose new times."), field="proposed")
        updated = _transition(
            "pick_time",
            request,
            now,
            starts=time.starts,
            ends=time.ends,
            answer_due=None,
            reminder_sent=None,
            seeker_says_held=None,
            other_says_held=None,
            calendar_sequence=F("calendar_sequence") + 1,
        )
        _event("pick_time", user, updated, proposed=time.pk, sequence=updated.calendar_sequence)
    return updated


def reschedule(user: User, request: MeetingRequest) -> MeetingRequest:
    """Back to finding a time; the invitation is updated (a higher SEQUENCE)."""
    if not _attends(user, request):
        raise _not_yours()
    now = timezone.now()
    with transaction.atomic():
        updated = _transition(
            "reschedule", request, now, answer_due=_answer_due(now), calendar_sequence=F("calendar_sequence") + 1
        )
        _event("reschedule", user, updated, sequence=updated.calendar_sequence)
    return updated


def cancel(user: User, request: MeetingRequest) -> MeetingRequest:
    """Either side calls the meeting off while finding a time or once it is scheduled."""
    if not _attends(user, request):
        raise _not_yours()
    now = timezone.now()
    with transaction.atomic():
        updated = _transition("cancel", request, now, answer_due=None, calendar_sequence=F("calendar_sequence") + 1)
        _event("cancel", user, updated, sequence=updated.calendar_sequence)
    return updated


def withdraw(seeker: User, request: MeetingRequest) -> MeetingRequest:
    """The seeker takes back an open request; an invitation already sent is cancelled (a higher SEQUENCE)."""
    if not _is_seeker(seeker, request):
        raise _not_yours()
    now = timezone.now()
    with transaction.atomic():
        updated = _transition(
            "withdraw",
            request,
            now,
            answer_due=None,
            calendar_sequence=Case(
                When(starts__isnull=False, then=F("calendar_sequence") + 1),
                default=F("calendar_sequence"),
                output_field=PositiveIntegerField(),
            ),
        )
        _event("withdraw", seeker, updated, sequence=updated.calendar_sequence)
    return updated


# After the meeting


def confirm_held(user: User, request: MeetingRequest, happened: bool) -> MeetingRequest:
    """Either side says whether the meeting happened, once it has started.

    The first answer moves the request: held, or back to finding a time when it did not happen. The other
    side's answer after that is only recorded.
    """
    if not _attends(user, request):
        raise _not_yours()
    happened = bool(happened)
    now = timezone.now()
    answer = "seeker_says_held" if _is_seeker(user, request) else "other_says_held"
    with transaction.atomic():
        current = MeetingRequest.objects.select_for_update().filter(pk=request.pk).first()
        if current is None:
            raise _moved_on()
        if current.state == S.SCHEDULED:
            if current.starts is None or current.starts > now:
                raise Refused(_("You can say whether the meeting happened once it has begun."))
            name = "confirm_held" if happened else "not_held"
            changes: dict[str, Any] = {answer: happened}
            if not happened:
                changes["answer_due"] = _answer_due(now)
            updated = _transition(name, current, now, **changes)
        elif current.state in AFTER_THE_MEETING and getattr(current, answer) is None:
            recorded = MeetingRequest.objects.filter(
                pk=current.pk, state__in=AFTER_THE_MEETING, **{f"{answer}__isnull": True}
            ).update(**{answer: happened}, updated=now)
            if recorded != 1:
                raise _moved_on()
            updated = MeetingRequest.objects.get(pk=current.pk)
        else:
            raise _moved_on()
        _event("confirm_held", user, updated, happened=happened, state=str(updated.state))
    return updated


def _clean_outcomes(outcomes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(outcomes) > MAX_OUTCOMES:
        raise Refused(_("Record at most %(count)d outcomes at a time.") % {"count": MAX_OUTCOMES}, field="outcomes")
    cleaned = []
    for kind, note in outcomes:
        if kind not in OutcomeKind.values:
            raise Refused(_("Choose an outcome from the list."), field="outcomes")
        cleaned.append((kind, _clean_text(note or "", MAX_OUTCOME_NOTE_CHARS, "outcomes")))
    return cleaned


def log_follow_up(
    seeker: User, request: MeetingRequest, learned: str, next_step: str, outcomes: Sequence[tuple[str, str]] = ()
) -> MeetingRequest:
    """The seeker writes down what they learned and their next step, and what came of the meeting."""
    if not _is_seeker(seeker, request):
        raise _not_yours()
    learned = _clean_text(learned, MAX_LEARNED_CHARS, "learned", required=True)
    next_step = _clean_text(next_step, MAX_NEXT_STEP_CHARS, "next_step", required=True)
    cleaned = _clean_outcomes(list(outcomes))
    now = timezone.now()
    with transaction.atomic():
        updated = _transition("log_follow_up", request, now, learned=learned, next_step=next_step)
        MeetingOutcome.objects.bulk_create(
            MeetingOutcome(request=updated, kind=kind, note=note) for kind, note in cleaned
        )
        _event("log_follow_up", seeker, updated, outcomes=[kind for kind, _note in cleaned])
    return updated


def record_outcome(seeker: User, request: MeetingRequest, kind: str, note: str = "") -> MeetingOutcome:
    """What came of a held meeting (a name passed on, an invitation to apply or to interview)."""
    if not _is_seeker(seeker, request):
        raise _not_yours()
    ((kind, note),) = _clean_outcomes([(kind, note)])
    with transaction.atomic():
        current = MeetingRequest.objects.select_for_update().filter(pk=request.pk, seeker=seeker).first()
        if current is None or current.state not in AFTER_THE_MEETING:
            raise Refused(_("You can record what came of a meeting once it has been held."))
        outcome = MeetingOutcome.objects.create(request=current, kind=kind, note=note)
        _event("record_outcome", seeker, current, outcome=outcome.pk, outcome_kind=kind)
    return outcome


# The system: closing requests nobody answered, and reminders


def expire_requests(now: datetime.datetime | None = None) -> int:
    """Close politely every request that waited for an answer past its due date; how many were closed."""
    now = now or timezone.now()
    due = MeetingRequest.objects.filter(state__in=WAITING_FOR_AN_ANSWER, answer_due__lt=now).values_list(
        "pk", flat=True
    )
    closed = 0
    for pk in list(due):
        with transaction.atomic():
            changed = MeetingRequest.objects.filter(
                pk=pk, state__in=TRANSITIONS["expire"].sources, answer_due__lt=now
            ).update(state=TRANSITIONS["expire"].target, state_changed=now, updated=now)
            if changed:
                request = MeetingRequest.objects.get(pk=pk)
                _event("expire", None, request)
                closed += 1
    return closed


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Day-before reminders of scheduled meetings and follow-up reminders after held ones; how many were sent."""
    now = now or timezone.now()
    sent = 0
    tomorrow = MeetingRequest.objects.filter(
        state=S.SCHEDULED, reminder_sent__isnull=True, starts__gt=now, starts__lte=now + REMINDER_BEFORE
    ).values_list("pk", flat=True)
    for pk in list(tomorrow):
        with transaction.atomic():
            if MeetingRequest.objects.filter(pk=pk, state=S.SCHEDULED, reminder_sent__isnull=True).update(
                reminder_sent=now
            ):
                _event("reminder", None, MeetingRequest.objects.get(pk=pk))
                sent += 1
    follow_up_after = now - datetime.timedelta(days=settings.MEETING_FOLLOW_UP_DAYS)
    held = MeetingRequest.objects.filter(
        state__in=AFTER_THE_MEETING, follow_up_reminder_sent__isnull=True, ends__lte=follow_up_after
    ).values_list("pk", flat=True)
    for pk in list(held):
        with transaction.atomic():
            if MeetingRequest.objects.filter(
                pk=pk, state__in=AFTER_THE_MEETING, follow_up_reminder_sent__isnull=True
            ).update(follow_up_reminder_sent=now):
                _event("follow_up_reminder", None, MeetingRequest.objects.get(pk=pk))
                sent += 1
    return sent
