"""The cast of the data-protection tests, on top of tests/conftest.py.

`everything` gives Mette every role at once, with data in every app: she is a job seeker, an opted-in
connector, a career coach and a decision-maker, and she has contacts, imports, briefs, requests (her own, and
others' in which she introduces or is the person to meet), consents, profiles in play, suggestions, coaching,
outcomes, notifications, API tokens, two-factor log-in and events. Jonas seeks work too and is her counterpart in
most of it; Birthe is a coach; Lars is the stranger, who has Mette in his own address book ("Mette K.") and a
contact of his own that Mette knows as well (Frede). Henrietta and Karsten are known to Mette only; Jonas asked to
meet Henrietta through her.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kaffebro.accounts.models import Authenticator, RecoveryCode, User
from kaffebro.api.models import ApiToken, IdempotencyRecord
from kaffebro.core.events import record_event
from kaffebro.core.models import AccessKind, AccessLog, Event
from kaffebro.jobs.models import (
    CoachAccess,
    CoachNote,
    ConsentScope,
    Credit,
    Outcome,
    OutcomeKind,
    ProfileShare,
    ShareConsent,
    ShareRecipient,
    ShareState,
    Suggestion,
    SuggestionState,
)
from kaffebro.meetings.models import (
    MeetingOutcome,
    MeetingRequest,
    PrepBrief,
    ProposedTime,
    RequestKind,
    RequestState,
)
from kaffebro.network.importing.normalise import key_digest
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    Block,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    PersonKey,
    Position,
    Posting,
    RowOutcome,
    SeekerProfile,
    Target,
    TargetKind,
    Unit,
)
from kaffebro.notifications.models import Notification, NotificationPreferences
from tests.conftest import know, make_member

HENRIETTA_EMAIL = "henrietta.fortrolig@example.org"
# Words only Mette's own data holds: after her erasure, no row anywhere may contain one.
METTES_WORDS = (
    "Mette Kristensen",
    "mette@example.org",
    HENRIETTA_EMAIL,
    "Mettes note om Henrietta",
    "Mettes brief",
    "Mettes besked",
    "Mettes coachnote om Jonas",
    "Mettes token",
    "Kaffebrænderiet Hyggekrogen",
)


@pytest.fixture
def birthe(db) -> User:
    return make_member("birthe@example.org", "Birthe Madsen", language="en", is_coach=True)


@dataclass
class Everything:
    mette: User
    jonas: User
    sofie: User
    lars: User
    birthe: User
    henrietta: Person
    frede: Person
    own_request: MeetingRequest  # Mette's, through Jonas to Sofie: open
    introduced_by_mette: MeetingRequest  # Jonas's, through Mette to Henrietta: open
    meeting_mette: MeetingRequest  # Jonas's, direct to Mette: scheduled
    held_with_mette: MeetingRequest  # Jonas's, direct to Mette: held, with what he learned
    mettes_outcome_for_jonas: Outcome  # recorded by Mette as his coach


def _notify(recipient: User, kind: str, subject: str, actor: User | None = None, **data) -> Notification:
    event = Event.objects.create(kind=kind, subject=subject, actor=actor, data=data)
    return Notification.objects.create(recipient=recipient, event=event, kind=kind)


def _jonas_seeks(jonas: User, organisation: Organisation) -> PrepBrief:
    SeekerProfile.objects.create(user=jonas, headline="Projektleder")
    target = Target.objects.create(seeker=jonas, kind=TargetKind.ORGANISATION, organisation=organisation, priority=1)
    return PrepBrief.objects.create(seeker=jonas, target=target, ask="Jonas spørger om projekter")


def _network(mette: User, jonas: User, sofie: User, lars: User, region_h: Organisation) -> tuple[Person, Person]:
    """Mette as connector and decision-maker, with contacts, imports and settings; Lars knows her as "Mette K."."""
    settings_row = connector_settings(mette)
    settings_row.open_to_introductions = True
    settings_row.contacts_private_by_default = False
    settings_row.save()
    mettes_team = Unit.objects.create(organisation=region_h, name="Mettes team")
    Position.objects.create(
        person=member_person(mette), organisation=region_h, unit=mettes_team, title="Teamleder", is_decision_maker=True
    )
    hideaway = Organisation.objects.create(name="Kaffebrænderiet Hyggekrogen", private_to=mette)
    henrietta = Person.objects.create(name="Hemmelige Henrietta")
    PersonKey.objects.create(person=henrietta, kind="email", digest=key_digest("email", HENRIETTA_EMAIL))
    card = know(mette, henrietta, organisation=hideaway, title="Rådgiver")
    card.email, card.notes = HENRIETTA_EMAIL, "Mettes note om Henrietta"
    card.save()
    Position.objects.create(person=henrietta, organisation=hideaway, title="Rådgiver", recorded_by=mette)
    know(mette, Person.objects.create(name="Kun Karsten"))
    frede = Person.objects.create(name="Fælles Frede")
    know(lars, frede)
    know(mette, frede)
    lars_card_for_mette = know(lars, member_person(mette))
    lars_card_for_mette.full_name = "Mette K."
    lars_card_for_mette.save()
    Block.objects.create(owner=mette, organisation=Organisation.objects.create(name="Ikke her A/S"))
    batch = ImportBatch.objects.create(
        owner=mette, filename="mettes-kontakter.csv", status=ImportStatus.DONE, counts={"created": 1}, total_rows=1
    )
    ImportRow.objects.create(batch=batch, row_number=1, outcome=RowOutcome.CREATED, name=card.full_name, card=card)
    MergeSuggestion.objects.create(owner=mette, person=frede, candidate=henrietta, score=90, reason="similar")
    Posting.objects.create(
        organisation=region_h, unit=mettes_team, title="Analytiker", created_by=mette, decision_maker=mette.person
    )
    return henrietta, frede


def _meetings(mette, jonas, sofie, henrietta, brief_of_jonas) -> tuple[MeetingRequest, ...]:
    now = timezone.now()
    mettes_brief = PrepBrief.objects.create(seeker=mette, target=mette.targets.get(), ask="Mettes brief")
    own = MeetingRequest.objects.create(
        seeker=mette,
        brief=mettes_brief,
        kind=RequestKind.INTRODUCTION,
        connector=jonas,
        person=member_person(sofie),
        person_member=sofie,
        path=[jonas.person.pk, sofie.person.pk],
        state=RequestState.SCHEDULING,
        first_sent=now,
        reached_person=now,
        message="Mettes besked",
    )
    ProposedTime.objects.create(request=own, starts=now, ends=now + datetime.timedelta(hours=1), proposed_by=sofie)
    _notify(jonas, "meetings.sent", own.code, actor=mette, request=own.pk)
    _notify(jonas, "meetings.accepted", own.code, actor=sofie, request=own.pk)
    _notify(sofie, "meetings.approved", own.code, actor=jonas, request=own.pk)
    introduced = MeetingRequest.objects.create(
        seeker=jonas,
        brief=brief_of_jonas,
        kind=RequestKind.INTRODUCTION,
        connector=mette,
        person=henrietta,
        path=[mette.person.pk, henrietta.pk],
        state=RequestState.WITH_PERSON,
        first_sent=now,
        reached_person=now,
        introduction_note="Mettes introduktion af Jonas",
    )
    _notify(jonas, "meetings.approved", introduced.code, actor=mette, request=introduced.pk)
    meeting = MeetingRequest.objects.create(
        seeker=jonas,
        brief=brief_of_jonas,
        kind=RequestKind.DIRECT,
        person=mette.person,
        person_member=mette,
        path=[mette.person.pk],
        state=RequestState.SCHEDULED,
        first_sent=now,
        reached_person=now,
        starts=now + datetime.timedelta(days=2),
        ends=now + datetime.timedelta(days=2, hours=1),
    )
    ProposedTime.objects.create(request=meeting, starts=meeting.starts, ends=meeting.ends, proposed_by=mette)
    _notify(jonas, "meetings.time_picked", meeting.code, actor=mette, request=meeting.pk)
    _notify(mette, "meetings.sent", meeting.code, actor=jonas, request=meeting.pk)
    held = MeetingRequest.objects.create(
        seeker=jonas,
        brief=PrepBrief.objects.create(
            seeker=jonas, target=Target.objects.create(seeker=jonas, kind="field", job_field="data")
        ),
        kind=RequestKind.DIRECT,
        person=mette.person,
        person_member=mette,
        path=[mette.person.pk],
        state=RequestState.HELD,
        first_sent=now,
        reached_person=now,
        other_says_held=True,
        learned="Jonas lærte om teamet",
    )
    MeetingOutcome.objects.create(request=held, kind="new_contact", note="Jonas fik et navn")
    return own, introduced, meeting, held


def _jobs(mette, jonas, sofie, lars, birthe, region_h) -> Outcome:
    consent = ShareConsent.objects.create(seeker=mette, helper=jonas, scope=ConsentScope.STANDING, text="Ja")
    share = ProfileShare.objects.create(seeker=mette, helper=jonas, consent=consent, note="Mette er god", state="sent")
    recipient = ShareRecipient.objects.create(share=share, person=sofie.person, member=sofie, answer="pass_on")
    carried = ShareConsent.objects.create(
        seeker=mette, helper=sofie, scope=ConsentScope.ONE, text="Ja", carried_from=consent
    )
    ProfileShare.objects.create(
        seeker=mette, helper=sofie, consent=carried, note="Videre", state=ShareState.SENT, passed_on_from=recipient
    )
    jonas_consent = ShareConsent.objects.create(seeker=jonas, helper=birthe, scope=ConsentScope.STANDING, text="Ja")
    to_mette = ProfileShare.objects.create(
        seeker=jonas, helper=birthe, consent=jonas_consent, note="Jonas", state=ShareState.SENT
    )
    ShareRecipient.objects.create(
        share=to_mette, person=mette.person, member=mette, answer="coffee", answer_recorded_by=mette
    )
    common = {"organisation": region_h, "how_known": "Kollega", "why_fit": "God"}
    Suggestion.objects.create(
        seeker=mette, suggested_by=jonas, decision_maker=sofie, consent=consent, state=SuggestionState.NEW, **common
    )
    Suggestion.objects.create(
        seeker=jonas, suggested_by=birthe, decision_maker=mette, consent=jonas_consent, state="new", **common
    )
    Suggestion.objects.create(seeker=lars, suggested_by=mette, decision_maker=sofie, state="awaiting_consent", **common)
    CoachAccess.objects.create(seeker=mette, coach=birthe)
    CoachAccess.objects.create(seeker=jonas, coach=mette)
    CoachNote.objects.create(seeker=mette, coach=birthe, text="Birthes note om Mette")
    CoachNote.objects.create(seeker=jonas, coach=mette, text="Mettes coachnote om Jonas")
    Outcome.objects.create(
        seeker=mette, kind=OutcomeKind.APPLIED, date=datetime.date(2026, 2, 1), credit=Credit.PATH, recorded_by=mette
    )
    return Outcome.objects.create(
        seeker=jonas,
        kind=OutcomeKind.INTERVIEW,
        date=datetime.date(2026, 2, 2),
        credit=Credit.PATH,
        connector=mette,
        recorded_by=mette,
    )


def _account(mette: User, jonas: User, birthe: User) -> None:
    now = timezone.now()
    Authenticator.objects.create(member=mette, secret="JBSWY3DPEHPK3PXP")
    RecoveryCode.objects.create(member=mette, code_hash="a" * 64)
    ApiToken.objects.create(user=mette, name="Mettes token", prefix="kb_12345", hash="b" * 64)
    IdempotencyRecord.objects.create(user=mette, key="k1", request="POST /api/v1/contacts/", request_hash="c" * 64)
    NotificationPreferences.objects.create(user=mette, email_notifications=False)
    LogEntry.objects.create(
        user=mette,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id="1",
        object_repr="Region Hovedstaden",
        action_flag=CHANGE,
        change_message="[]",
    )
    record_event("tests.mette_did", actor=mette, subject="x", address=mette.email, note="Mette Kristensen wrote")
    AccessLog.objects.create(subject=mette, viewer=birthe, kind=AccessKind.COACH_OPENED_SEEKER, code="a", created=now)
    AccessLog.objects.create(subject=jonas, viewer=mette, kind=AccessKind.COACH_OPENED_SEEKER, code="b", created=now)
    record_event("accounts.signed_up", actor=mette, subject=mette.code, language="da")


@pytest.fixture
def everything(mette, jonas, sofie, lars, birthe, region_h) -> Everything:
    User.objects.filter(pk=mette.pk).update(is_coach=True)
    mette.refresh_from_db()
    henrietta, frede = _network(mette, jonas, sofie, lars, region_h)
    brief_of_jonas = _jonas_seeks(jonas, region_h)
    own, introduced, meeting, held = _meetings(mette, jonas, sofie, henrietta, brief_of_jonas)
    outcome = _jobs(mette, jonas, sofie, lars, birthe, region_h)
    _account(mette, jonas, birthe)
    return Everything(mette, jonas, sofie, lars, birthe, henrietta, frede, own, introduced, meeting, held, outcome)
