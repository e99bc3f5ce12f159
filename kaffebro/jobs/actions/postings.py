"""Every change to job postings: write one, edit it, close and reopen it, import one from a job ad, and nudge.

Who may: operators, and decision-makers for the place where they decide (`access.postings`). Each
action checks that and its precondition (raising `Refused` with a translated message the form
shows), runs in one transaction, makes the change with a conditional update where a row changes
state, and writes one event naming only codes and ids, never what anybody wrote.

A posting is read by the path engine when a member searches (`TargetSpec.for_posting` takes the
unit and the decision-maker from the posting row), never from the graph snapshot: no change here
alters a person's ties or positions, so none calls `note_graph_change`.

Event kinds: posting.created, posting.imported (a posting made from a job ad), posting.edited,
posting.closed, posting.reopened, and posting.deadline_nudge (system: a seeker who targets the posting
has asked nobody for a coffee meeting as the deadline nears).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.jobs.access import postings as access
from kaffebro.jobs.jobad import sanitise_description
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.meetings.timeline import timeline
from kaffebro.network.actions import Refused
from kaffebro.network.models import (
    EmploymentType,
    Organisation,
    Person,
    Posting,
    PostingSource,
    Target,
    TargetKind,
    Unit,
)
from kaffebro.notifications.registry import schedule_notifications

__all__ = [
    "EVENT_KINDS",
    "NUDGE",
    "TRANSITIONS",
    "PostingFields",
    "Refused",
    "StalePosting",
    "close_posting",
    "create_posting",
    "edit_posting",
    "import_job_ad",
    "reopen_posting",
    "send_deadline_nudges",
]

NUDGE = "posting.deadline_nudge"
EVENT_KINDS = ("posting.created", "posting.imported", "posting.edited", "posting.closed", "posting.reopened", NUDGE)

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 200  # location, reference number
MAX_JOB_FIELD_CHARS = 100
MAX_URL_CHARS = 500
MAX_DESCRIPTION_CHARS = 20_000  # after sanitising, as stored
MAX_DESCRIPTION_INPUT_CHARS = 100_000  # before: a pasted page is refused before the sanitiser reads it
LATEST_DEADLINE = datetime.timedelta(days=2 * 365)
OPEN, CLOSED = "open", "closed"

# Every allowed change of a posting's state, in one table: (from, to). A posting is open while `closed` is empty.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "close": (OPEN, CLOSED),
    "reopen": (CLOSED, OPEN),
}


def state_of(posting: Posting) -> str:
    return CLOSED if posting.closed is not None else OPEN


class StalePosting(Refused):
    """The posting was saved elsewhere after the page the member edited was opened."""


@dataclass
class PostingFields:
    """What a manager writes about a posting; the organisation is fixed by the page (or the ad)."""

    title: str
    unit: Unit | None = None
    decision_maker: Person | None = None
    contact_person: Person | None = None
    deadline: datetime.date | None = None
    is_public: bool = False
    employment_type: str = ""
    location: str = ""
    description: str = ""
    url: str = ""
    identifier: str = ""
    job_field: str = ""


def _text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise Refused(_("Write this as text."), field=field)
    if "\x00" in value:
        raise Refused(_("This text contains a character that cannot be saved."), field=field)
    value = " ".join(value.split())
    if required and not value:
        raise Refused(_("Please write something here."), field=field)
    if len(value) > limit:
        raise Refused(
            _("Keep this under %(limit)d characters (it has %(count)d).") % {"limit": limit, "count": len(value)},
            field=field,
        )
    return value


def _description(value: str) -> str:
    if not isinstance(value, str):
        raise Refused(_("Write this as text."), field="description")
    if "\x00" in value:
        raise Refused(_("This text contains a character that cannot be saved."), field="description")
    if len(value) > MAX_DESCRIPTION_INPUT_CHARS:
        raise Refused(
            _("The description is far too long: keep it under %(limit)d characters.")
            % {"limit": MAX_DESCRIPTION_CHARS},
            field="description",
        )
    cleaned = sanitise_description(value)
    if len(cleaned) > MAX_DESCRIPTION_CHARS:
        raise Refused(
            _("Keep the description under %(limit)d characters (it has %(count)d). Link to the full ad instead.")
            % {"limit": MAX_DESCRIPTION_CHARS, "count": len(cleaned)},
            field="description",
        )
    return cleaned


def _url(value: str) -> str:
    value = _text(value, MAX_URL_CHARS, "url")
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise Refused(_("Write the whole web address, starting with https://."), field="url") from None
    return value


def _deadline(value: datetime.date | None, unchanged: datetime.date | None) -> datetime.date | None:
    """A deadline from today on and not absurdly far ahead; a deadline already saved may stay as it is."""
    if value is None or value == unchanged:
        return value
    today = timezone.localdate()
    if value < today:
        raise Refused(_("The application deadline cannot be in the past."), field="deadline")
    if value > today + LATEST_DEADLINE:
        raise Refused(_("The application deadline must be within two years."), field="deadline")
    return value


def _check_place(user: User, organisation: Organisation, fields: PostingFields) -> None:
    scope = access.scope_of(user)
    if fields.unit is not None and fields.unit.organisation_id != organisation.pk:
        raise Refused(_("Choose one of the organisation's units."), field="unit")
    if not scope.covers(organisation, fields.unit.pk if fields.unit else None):
        if fields.unit is None and scope.covers_organisation(organisation):
            raise Refused(_("Choose the unit where you decide on hiring."), field="unit")
        raise Refused(_("Only a decision-maker there or an operator can manage this posting."))


def _check_people(organisation: Organisation, fields: PostingFields, posting: Posting | None) -> None:
    """The decision-maker decides there and the contact works there (by reference data); what is saved may stay."""
    deciders, contacts = access.decision_makers_at(organisation), access.contacts_at(organisation)
    if _new_person(fields.decision_maker, posting.decision_maker_id if posting else None, deciders):
        raise Refused(_("Choose a decision-maker who works in the organisation."), field="decision_maker")
    if _new_person(fields.contact_person, posting.contact_person_id if posting else None, contacts):
        raise Refused(_("Choose a contact person who works in the organisation."), field="contact_person")


def _new_person(person: Person | None, saved_id: int | None, allowed: QuerySet[Person]) -> bool:
    """Whether a person is named who is neither the one saved before nor among those allowed."""
    return person is not None and person.pk != saved_id and not allowed.filter(pk=person.pk).exists()


def _values(user: User, organisation: Organisation, fields: PostingFields, posting: Posting | None) -> dict:
    """The checked, cleaned values to store; `Refused` for the first thing that is wrong."""
    _check_place(user, organisation, fields)
    _check_people(organisation, fields, posting)
    if fields.employment_type and fields.employment_type not in EmploymentType.values:
        raise Refused(_("Choose the employment type from the list."), field="employment_type")
    return {
        "title": _text(fields.title, MAX_TITLE_CHARS, "title", required=True),
        "unit": fields.unit,
        "decision_maker": fields.decision_maker,
        "contact_person": fields.contact_person,
        "deadline": _deadline(fields.deadline, posting.deadline if posting else None),
        "is_public": bool(fields.is_public),
        "employment_type": fields.employment_type,
        "location": _text(fields.location, MAX_TEXT_CHARS, "location"),
        "description": _description(fields.description),
        "url": _url(fields.url),
        "identifier": _text(fields.identifier, MAX_TEXT_CHARS, "identifier"),
        "job_field": _text(fields.job_field, MAX_JOB_FIELD_CHARS, "job_field"),
    }


def _create(user: User, organisation: Organisation, fields: PostingFields, source: str, kind: str, **data) -> Posting:
    values = _values(user, organisation, fields, None)
    with transaction.atomic():
        if not Organisation.objects.filter(pk=organisation.pk, private_to__isnull=True).exists():
            raise Refused(_("This organisation no longer exists."))
        posting = Posting.objects.create(organisation=organisation, source=source, created_by=user, **values)
        record_event(kind, actor=user, subject=posting.code, posting=posting.pk, **data)
    return posting


def create_posting(user: User, organisation: Organisation, fields: PostingFields) -> Posting:
    """A new posting, written by hand by a decision-maker there or an operator."""
    return _create(user, organisation, fields, PostingSource.MANUAL, "posting.created")


def import_job_ad(user: User, organisation: Organisation, fields: PostingFields, *, matched_by: str = "") -> Posting:
    """The posting the member confirmed from a job ad's preview (possibly corrected), all or nothing.

    `matched_by` says how the ad's employer was found ("cvr", "name", "website", "key"; "" when the
    member chose the organisation), for the event log.
    """
    return _create(user, organisation, fields, PostingSource.JSONLD, "posting.imported", matched_by=matched_by)


def _stale() -> StalePosting:
    return StalePosting(
        _(
            "The posting was changed in another window, or by someone else, after you opened this page, so nothing "
            "was saved here. Open it again to see the latest version."
        )
    )


def edit_posting(user: User, posting: Posting, fields: PostingFields, *, base_updated: datetime.datetime) -> Posting:
    """Change a posting; refused with `StalePosting` when it changed since the page showed `base_updated`."""
    if not access.may_manage(user, posting):
        raise Refused(_("Only a decision-maker there or an operator can manage this posting."))
    values = _values(user, posting.organisation, fields, posting)
    with transaction.atomic():
        changed = Posting.objects.filter(pk=posting.pk, updated=base_updated).update(**values, updated=timezone.now())
        if not changed:
            raise _stale()
        record_event("posting.edited", actor=user, subject=posting.code, posting=posting.pk)
    return Posting.objects.select_related(*access.POSTING_RELATED).get(pk=posting.pk)


def _transition(name: str, user: User, posting: Posting) -> Posting:
    if not access.may_manage(user, posting):
        raise Refused(_("Only a decision-maker there or an operator can manage this posting."))
    source, target = TRANSITIONS[name]
    now = timezone.now()
    with transaction.atomic():
        changed = Posting.objects.filter(pk=posting.pk, closed__isnull=source == OPEN).update(
            closed=now if target == CLOSED else None, updated=now
        )
        if not changed:
            raise Refused(
                _("The posting is already closed.") if target == CLOSED else _("The posting is already open.")
            )
        record_event(f"posting.{'closed' if target == CLOSED else 'reopened'}", actor=user, subject=posting.code)
    return Posting.objects.select_related(*access.POSTING_RELATED).get(pk=posting.pk)


def close_posting(user: User, posting: Posting) -> Posting:
    """The job is filled or the ad taken down: the posting leaves the open lists and nudges stop."""
    return _transition("close", user, posting)


def reopen_posting(user: User, posting: Posting) -> Posting:
    return _transition("reopen", user, posting)


# The deadline nudge. Run by `manage.py job_chores`.


def _asked_for_coffee() -> Exists:
    """The seeker has a coffee-meeting request toward the target that left the draft stage."""
    return Exists(
        MeetingRequest.objects.filter(seeker_id=OuterRef("seeker_id"), brief__target_id=OuterRef("pk")).exclude(
            state=RequestState.DRAFT
        )
    )


def _nudged() -> Exists:
    return Exists(Event.objects.filter(kind=NUDGE, subject=OuterRef("code")))


def nudges_due(today: datetime.date) -> list[Target]:
    """Posting targets whose latest sensible coffee date has come, with no request sent and no nudge yet."""
    # The latest coffee date is MEETING_LEAD_DAYS before the deadline, or up to two days earlier (a weekend).
    window_end = today + datetime.timedelta(days=settings.MEETING_LEAD_DAYS + 2)
    candidates = (
        Target.objects.filter(
            kind=TargetKind.POSTING,
            posting__closed__isnull=True,
            posting__deadline__gte=today,
            posting__deadline__lte=window_end,
            seeker__is_active=True,
        )
        .exclude(_asked_for_coffee())
        .exclude(_nudged())
        .select_related("posting")
    )
    return [
        target
        for target in candidates
        if target.posting is not None
        and target.posting.deadline is not None
        and timeline(target.posting.deadline, today=today).latest_coffee <= today
    ]


def _nudge(target: Target) -> bool:
    """One nudge for the target, at most once ever: the event is the marker, checked under the seeker's lock."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=target.seeker_id).values_list("pk", flat=True).first()
        due = (
            Target.objects.filter(pk=target.pk, posting__closed__isnull=True)
            .exclude(_asked_for_coffee())
            .exclude(_nudged())
            .exists()
        )
        if not due:
            return False
        event = record_event(
            NUDGE,
            subject=target.code,
            seeker=target.seeker_id,
            target=target.pk,
            posting=target.posting_id,
        )
        schedule_notifications(event)
    return True


def send_deadline_nudges(today: datetime.date | None = None) -> int:
    """Remind each seeker once, near a posting's deadline, to ask for a coffee before applying; how many were sent."""
    today = today or timezone.localdate()
    return sum(_nudge(target) for target in nudges_due(today))
