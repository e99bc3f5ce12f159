"""Requests in a given state, made directly (not through the actions), for the calendar and notice tests.

Mette (Danish) asks; Sofie (a member, reading in English) is the person to meet; Jonas (Danish) introduces.
Birgit Lund is not a member: Jonas knows her, and Kaffebro must never write to her.
"""

import datetime
import zoneinfo

from django.utils import timezone

from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import Person, Strength, Target
from tests.conftest import know
from tests.meetings.conftest import GOOD_DA

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
# Two dates around the end of summer time (25 October 2026, 03:00 → 02:00).
BEFORE_SWITCH = datetime.datetime(2026, 10, 23, 14, 30, tzinfo=COPENHAGEN)
AFTER_SWITCH = datetime.datetime(2026, 10, 26, 14, 30, tzinfo=COPENHAGEN)


def brief_of(seeker) -> PrepBrief:
    target = Target.objects.filter(seeker=seeker).first()
    brief, _created = PrepBrief.objects.get_or_create(seeker=seeker, target=target, defaults=GOOD_DA)
    return brief


def meeting(
    seeker,
    *,
    person_member=None,
    person: Person | None = None,
    connector=None,
    state: str = RequestState.SCHEDULED,
    starts: datetime.datetime | None = AFTER_SWITCH,
    minutes: int = 45,
    place: str = "Café Europa, Amagertorv 1, København",
    video_link: str = "",
    sequence: int = 1,
    **fields,
) -> MeetingRequest:
    if person is None:
        person = member_person(person_member)
    kind = RequestKind.INTRODUCTION if connector is not None else RequestKind.DIRECT
    if state != RequestState.DRAFT:  # sent, and (unless said otherwise) it reached the person to meet
        fields.setdefault("first_sent", timezone.now() - datetime.timedelta(days=10))
        fields.setdefault("reached_person", timezone.now() - datetime.timedelta(days=9))
    return MeetingRequest.objects.create(
        seeker=seeker,
        brief=brief_of(seeker),
        kind=kind,
        connector=connector,
        person=person,
        person_member=person_member,
        path=[member_person(connector).pk, person.pk] if connector is not None else [person.pk],
        state=state,
        starts=starts,
        ends=starts + datetime.timedelta(minutes=minutes) if starts else None,
        place=place,
        video_link=video_link,
        calendar_sequence=sequence,
        **fields,
    )


def birgit_known_by(connector) -> Person:
    """A person who is not a member, in the connector's contacts."""
    birgit = Person.objects.create(name="Birgit Lund")
    know(connector, birgit, strength=Strength.GOOD_CONTACT)
    return birgit
