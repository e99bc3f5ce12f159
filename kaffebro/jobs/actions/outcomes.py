"""Recording what came of a seeker's search: an application, an interview, an offer, a hire.

The method learns from outcomes only when each is credited to what led there, so every outcome
names its credit (a path and its connector, a coffee meeting, a profile put in play, a suggestion,
or the advertised channel) and the credited object must be the seeker's own. People record late
and out of order, so no order of kinds is enforced; the same outcome twice is refused.

Who records: the seeker herself, or the decision-maker of the posting (or of a suggestion made to
them). A decision-maker sees nothing of her pipeline, so they name a posting or their suggestion,
never her target, and may credit only what they took part in.

Each action checks its precondition (raising `Refused` with a translated message), runs in one
transaction and writes one event naming only ids and small values, never the note.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.jobs.access.outcomes import decides_on
from kaffebro.jobs.models import Credit, Outcome, OutcomeKind, ShareRecipient, Suggestion, SuggestionState
from kaffebro.meetings.models import MeetingRequest
from kaffebro.network import access as network_access
from kaffebro.network.access import target_place
from kaffebro.network.actions import Refused
from kaffebro.network.models import Organisation, Posting, Target, TargetKind, Tie
from kaffebro.notifications.registry import schedule_notifications

__all__ = ["EVENT_KINDS", "Refused", "delete_outcome", "record_outcome"]

EVENT_KINDS = ("outcome.recorded", "outcome.deleted")

MAX_NOTE_CHARS = 500
MAX_OUTCOMES = 1000  # per seeker: a search has dozens; more is a script
EARLIEST = datetime.date(2000, 1, 1)

# Which credited objects each credit takes; a path takes the meeting that went along it too. A connector
# given with a meeting, a profile card or a suggestion must be the one read from it.
ACCEPTS: dict[str, frozenset[str]] = {
    Credit.PATH: frozenset({"connector", "meeting"}),
    Credit.MEETING: frozenset({"connector", "meeting"}),
    Credit.SHARE: frozenset({"connector", "share_recipient"}),
    Credit.SUGGESTION: frozenset({"connector", "suggestion"}),
    Credit.ADVERTISED: frozenset(),
}
# The object each credit must name (a path: its connector, given or read from the meeting).
REQUIRES: dict[str, str] = {
    Credit.PATH: "connector",
    Credit.MEETING: "meeting",
    Credit.SHARE: "share_recipient",
    Credit.SUGGESTION: "suggestion",
}
# A suggestion in these states never reached the decision-maker, so it led nowhere.
NEVER_PASSED_ON = (SuggestionState.AWAITING_CONSENT, SuggestionState.CANCELLED)


@dataclass(frozen=True)
class Credited:
    """What the outcome is credited to, checked to be the seeker's, with the connector it credits."""

    connector: User | None
    meeting: MeetingRequest | None
    share_recipient: ShareRecipient | None
    suggestion: Suggestion | None


@dataclass(frozen=True)
class Where:
    """Where the outcome happened: the seeker's target when she has one for it, the posting, the organisation."""

    target: Target | None
    posting: Posting | None
    organisation: Organisation | None


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise Refused(_("Choose from the list."), field=field)
    return value


def _clean_date(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise Refused(_("Give the date as a day."), field="date")
    if value > timezone.localdate():
        raise Refused(_("The date cannot be in the future. Record it once it has happened."), field="date")
    if value < EARLIEST:
        raise Refused(_("Give a date from the year 2000 on."), field="date")
    return value


def _clean_note(note: str) -> str:
    if not isinstance(note, str):
        raise Refused(_("Write the note as text."), field="note")
    if "\x00" in note:
        raise Refused(_("This text contains a character that cannot be saved."), field="note")
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise Refused(
            _("Keep the note under %(limit)d characters (it has %(count)d).")
            % {"limit": MAX_NOTE_CHARS, "count": len(note)},
            field="note",
        )
    return note


def _not_hers() -> Refused:
    return Refused(_("Credit only your own meetings, profiles in play and suggestions."), field="credit")


def _knows(seeker: User, connector: User) -> bool:
    """Whether the seeker could have reached anyone through the connector: she knows them or they introduced her."""
    return (
        Tie.objects.filter(owner=seeker, person_b__member=connector).exists()
        or MeetingRequest.objects.filter(seeker=seeker, connector=connector, first_sent__isnull=False).exists()
    )


def _credited(
    seeker: User,
    credit: str,
    connector: User | None,
    meeting: MeetingRequest | None,
    share_recipient: ShareRecipient | None,
    suggestion: Suggestion | None,
) -> Credited:
    """The credited objects, each checked to be the seeker's, and the connector they credit."""
    given = {"connector": connector, "meeting": meeting, "share_recipient": share_recipient, "suggestion": suggestion}
    if any(value is not None and name not in ACCEPTS[credit] for name, value in given.items()):
        raise Refused(_("What led here does not match the credit you chose."), field="credit")
    derived: User | None = None
    if meeting is not None:
        if meeting.seeker_id != seeker.pk:
            raise _not_hers()
        if meeting.first_sent is None:
            raise Refused(_("This request was never sent, so nothing came of it yet."), field="credit")
        derived = meeting.connector
    if share_recipient is not None:
        share = share_recipient.share
        if share.seeker_id != seeker.pk:
            raise _not_hers()
        derived = share.helper
    if suggestion is not None:
        if suggestion.seeker_id != seeker.pk:
            raise _not_hers()
        if suggestion.state in NEVER_PASSED_ON:
            raise Refused(_("This suggestion never reached the decision-maker."), field="credit")
        derived = suggestion.suggested_by
    credited_object = meeting is not None or share_recipient is not None or suggestion is not None
    if credited_object:
        if connector is not None and (derived is None or connector.pk != derived.pk):
            raise Refused(_("The connector is the one who made it happen; leave it as it is."), field="connector")
        connector = derived
    if (
        credit == Credit.PATH
        and connector is not None
        and (connector.pk == seeker.pk or not connector.is_active or not _knows(seeker, connector))
    ):
        raise Refused(_("Credit a connector from your own network."), field="connector")
    required = REQUIRES.get(credit)
    if required is not None and {**given, "connector": connector}[required] is None:
        raise Refused(_("Say what led here: choose it from the list."), field="credit")
    return Credited(connector, meeting, share_recipient, suggestion)


def _resolve_target(
    seeker: User, posting: Posting | None, unit_id: int | None, organisation: Organisation | None
) -> Target | None:
    """The seeker's own target for the place, when she has one: the posting first, then the unit, the organisation."""
    wanted = Q(pk__in=[])
    if posting is not None:
        wanted |= Q(kind=TargetKind.POSTING, posting=posting)
    if unit_id is not None:
        wanted |= Q(kind=TargetKind.UNIT, unit_id=unit_id)
    if organisation is not None:
        wanted |= Q(kind=TargetKind.ORGANISATION, organisation=organisation)
    order: list[str] = [TargetKind.POSTING, TargetKind.UNIT, TargetKind.ORGANISATION]
    found = sorted(Target.objects.filter(wanted, seeker=seeker), key=lambda target: order.index(target.kind))
    return found[0] if found else None


def _agree(first, second, message: str, field: str):
    """The one of two ways of naming the same thing that is given; refused when both are given and differ."""
    if first is not None and second is not None and first.pk != second.pk:
        raise Refused(message, field=field)
    return first if first is not None else second


def _where(
    seeker: User,
    target: Target | None,
    posting: Posting | None,
    organisation: Organisation | None,
    credited: Credited,
) -> Where:
    if target is not None and target.seeker_id != seeker.pk:
        raise Refused(_("Choose one of your own targets."), field="target")
    suggestion = credited.suggestion
    other_posting = _("This belongs to another job posting.")
    if target is not None:
        posting = _agree(target.posting, posting, other_posting, "posting")
    if suggestion is not None:
        posting = _agree(posting, suggestion.posting, other_posting, "posting")
    placed_organisation = None
    if target is not None:
        placed_organisation, _unit = target_place(target)
    elif posting is not None:
        placed_organisation = posting.organisation
    elif suggestion is not None:
        placed_organisation = suggestion.organisation
    organisation = _agree(placed_organisation, organisation, _("This belongs to another organisation."), "organisation")
    if (
        organisation is not None
        and not network_access.visible_organisations(seeker).filter(pk=organisation.pk).exists()
    ):
        raise Refused(_("Choose an organisation from the list."), field="organisation")
    if target is None and posting is None and organisation is None:
        raise Refused(_("Say where: choose one of your targets."), field="target")
    if target is None:
        unit_id = posting.unit_id if posting is not None else (suggestion.unit_id if suggestion is not None else None)
        target = _resolve_target(seeker, posting, unit_id, organisation)
    return Where(target, posting, organisation)


def _check_recorder(recorded_by: User, seeker: User, where: Where, credited: Credited, *, named_target: bool) -> None:
    """The seeker, or the decision-maker of the posting or of the credited suggestion, crediting only their part."""
    if recorded_by.pk == seeker.pk:
        return
    suggestion = credited.suggestion
    decides = (where.posting is not None and decides_on(recorded_by, where.posting)) or (
        suggestion is not None and suggestion.decision_maker_id == recorded_by.pk
    )
    if not decides or named_target:
        raise Refused(_("Only the seeker, or the decision-maker of the posting, can record this."))
    took_part = (
        (credited.meeting is None or credited.meeting.person_member_id == recorded_by.pk)
        and (credited.share_recipient is None or credited.share_recipient.member_id == recorded_by.pk)
        and (suggestion is None or suggestion.decision_maker_id == recorded_by.pk)
        and (credited.connector is None or credited.meeting or credited.share_recipient or suggestion)
    )
    if not took_part:
        raise Refused(_("Credit only what you took part in yourself."), field="credit")


def _lock_seeker(seeker: User) -> None:
    """Serialise one seeker's outcomes, so two identical ones recorded at once cannot both pass the check."""
    User.objects.select_for_update().filter(pk=seeker.pk).values_list("pk", flat=True).first()


def _duplicate(seeker: User, kind: str, where: Where) -> bool:
    """The same kind of outcome already recorded for the same target or posting (or organisation, without both)."""
    if where.target is None and where.posting is None:
        same = Q(target__isnull=True, posting__isnull=True, organisation=where.organisation)
    else:
        same = Q(pk__in=[])
        if where.target is not None:
            same |= Q(target=where.target)
        if where.posting is not None:
            same |= Q(posting=where.posting)
    return Outcome.objects.filter(same, seeker=seeker, kind=kind).exists()


def record_outcome(
    recorded_by: User,
    seeker: User,
    kind: str,
    *,
    date: datetime.date,
    credit: str,
    target: Target | None = None,
    posting: Posting | None = None,
    organisation: Organisation | None = None,
    connector: User | None = None,
    meeting: MeetingRequest | None = None,
    share_recipient: ShareRecipient | None = None,
    suggestion: Suggestion | None = None,
    note: str = "",
) -> Outcome:
    """Record a dated outcome of the seeker's search, credited to what led there.

    The connector is read from the credited meeting, profile in play or suggestion; the seeker's
    target is found from the posting or the organisation when not given. The credited connector
    (and the seeker, when the decision-maker recorded it) hear of it after commit.
    """
    kind = _choice(kind, OutcomeKind, "kind")
    credit = _choice(credit, Credit, "credit")
    date = _clean_date(date)
    note = _clean_note(note)
    credited = _credited(seeker, credit, connector, meeting, share_recipient, suggestion)
    where = _where(seeker, target, posting, organisation, credited)
    _check_recorder(recorded_by, seeker, where, credited, named_target=target is not None)
    with transaction.atomic():
        _lock_seeker(seeker)
        if where.target is not None and not Target.objects.filter(pk=where.target.pk, seeker=seeker).exists():
            raise Refused(_("This target no longer exists."), field="target")
        if _duplicate(seeker, kind, where):
            raise Refused(
                _("“%(outcome)s” is already recorded here. Change the date by removing the old one first.")
                % {"outcome": OutcomeKind(kind).label},
                field="kind",
            )
        if Outcome.objects.filter(seeker=seeker).count() >= MAX_OUTCOMES:
            raise Refused(_("You have recorded as many outcomes as Kaffebro keeps. Remove old ones first."))
        outcome = Outcome.objects.create(
            seeker=seeker,
            target=where.target,
            posting=where.posting,
            organisation=where.organisation,
            kind=kind,
            date=date,
            credit=credit,
            connector=credited.connector,
            meeting=credited.meeting,
            share_recipient=credited.share_recipient,
            suggestion=credited.suggestion,
            recorded_by=recorded_by,
            note=note,
        )
        event = record_event(
            "outcome.recorded",
            actor=recorded_by,
            subject=outcome.code,
            outcome=outcome.pk,
            seeker=seeker.pk,
            outcome_kind=kind,
            credit=credit,
            connector=credited.connector.pk if credited.connector else None,
        )
        schedule_notifications(event)
    return outcome


def delete_outcome(seeker: User, outcome: Outcome) -> None:
    """The seeker removes one of her outcomes, recorded by mistake (by her or by a decision-maker)."""
    if outcome.seeker_id != seeker.pk:
        raise Refused(_("Only the seeker can remove an outcome."))
    with transaction.atomic():
        deleted, _rows = Outcome.objects.filter(pk=outcome.pk, seeker=seeker).delete()
        if not deleted:
            raise Refused(_("This outcome was already removed."))
        record_event("outcome.deleted", actor=seeker, subject=outcome.code, outcome_kind=outcome.kind)
