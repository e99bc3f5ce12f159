"""The insights cast, on top of tests/conftest.py, and a builder for small hand-made datasets.

Birthe is a career coach; Olga (the operator) and Lars (the stranger) come from tests/conftest.py.
`build` makes seekers with segments, their coffee meetings, names passed on, suggestions and
outcomes straight in the database, exactly as the actions would have left them.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.jobs.models import CoachAccess, Credit, Outcome, Suggestion, SuggestionState
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.meetings.models import OutcomeKind as MeetingOutcomeKind
from kaffebro.network.models import Organisation, Person, SeekerProfile, Target, TargetKind
from tests.conftest import log_in_with_second_factor, make_member

S = RequestState
SENT = {S.WITH_CONNECTOR, S.WITH_PERSON, S.SCHEDULING, S.SCHEDULED, S.HELD, S.FOLLOWED_UP, S.DECLINED, S.EXPIRED}
REACHED = SENT - {S.WITH_CONNECTOR}
HELD = {S.HELD, S.FOLLOWED_UP}


class Builder:
    """Makes the rows of a dataset; every seeker gets a profile with the segments asked for."""

    def __init__(self):
        self.numbers = itertools.count(1)
        self.briefs: dict[int, PrepBrief] = {}
        self.helper = make_member("helper@example.org", "Hjælper Hansen")
        self.organisation = Organisation.objects.create(name="Et Firma A/S")

    def seeker(self, name: str = "", **segments) -> User:
        number = next(self.numbers)
        user = make_member(f"seeker{number}@example.org", name or f"Søger {number}", language="en")
        SeekerProfile.objects.create(user=user, headline=f"Søger nummer {number}", **segments)
        return user

    def seekers(self, count: int, **segments) -> list[User]:
        return [self.seeker(**segments) for _ in range(count)]

    def brief(self, seeker: User) -> PrepBrief:
        if seeker.pk not in self.briefs:
            target = Target.objects.create(seeker=seeker, kind=TargetKind.FIELD, job_field="dataanalyse")
            self.briefs[seeker.pk] = PrepBrief.objects.create(seeker=seeker, target=target)
        return self.briefs[seeker.pk]

    def meeting(
        self, seeker: User, state: str, *, starts: datetime.datetime | None = None, connector: User | None = None
    ) -> MeetingRequest:
        now = timezone.now()
        return MeetingRequest.objects.create(
            seeker=seeker,
            brief=self.brief(seeker),
            kind=RequestKind.INTRODUCTION if connector else RequestKind.DIRECT,
            connector=connector,
            person=Person.objects.create(name=f"Kontakt {next(self.numbers)}"),
            state=state,
            first_sent=now if state in SENT else None,
            reached_person=now if state in REACHED else None,
            starts=starts or (now if state in HELD else None),
        )

    def passed_on(self, meeting: MeetingRequest) -> MeetingOutcome:
        return MeetingOutcome.objects.create(request=meeting, kind=MeetingOutcomeKind.NAME_PASSED_ON)

    def suggestion(self, seeker: User, state: str = SuggestionState.NEW) -> Suggestion:
        return Suggestion.objects.create(
            seeker=seeker,
            suggested_by=self.helper,
            decision_maker=self.helper,
            organisation=self.organisation,
            how_known="Vi har arbejdet sammen.",
            why_fit="Hun kan sit kram.",
            state=state,
        )

    def outcome(
        self,
        seeker: User,
        kind: str,
        on: datetime.date = datetime.date(2026, 1, 1),
        *,
        credit: str = Credit.ADVERTISED,
        organisation: Organisation | None = None,
        connector: User | None = None,
    ) -> Outcome:
        return Outcome.objects.create(
            seeker=seeker,
            kind=kind,
            date=on,
            credit=credit,
            organisation=organisation,
            connector=connector,
            recorded_by=seeker,
        )


@pytest.fixture
def build(db) -> Builder:
    return Builder()


@pytest.fixture
def birthe(db) -> User:
    """Birthe is a career coach at a job club."""
    return make_member("birthe@example.org", "Birthe Madsen", language="en", is_coach=True)


def follow(coach: User, *seekers: User, withdrawn: bool = False) -> None:
    """The seekers let the coach follow their search (and, with `withdrawn`, took it back)."""
    for seeker in seekers:
        CoachAccess.objects.create(seeker=seeker, coach=coach, withdrawn=timezone.now() if withdrawn else None)


def client_for(user: User) -> Client:
    """A client logged in as the member, past the second factor an operator or a coach must give."""
    client = Client(raise_request_exception=False)
    log_in_with_second_factor(client, user)
    return client


@pytest.fixture
def english(olga, lars):
    """Olga and Lars read in English, so assertions on page text hold whatever the Danish catalogue says."""
    User.objects.filter(pk__in=[olga.pk, lars.pk]).update(language="en")
