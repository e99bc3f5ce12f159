"""The cast of the request tests, on top of tests/conftest.py.

Mette (seeker) asks Jonas (connector) to introduce her to Sofie (the decision-maker in
Digitalisering, a member) or to Karen (in Digitalisering too, not a member: Jonas knows her).
Lars is the stranger. `request_in(state)` puts a request straight into any state, so every row
of the transition table can be tried from every state.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from kaffebro.meetings import actions
from kaffebro.meetings.models import MeetingRequest, PrepBrief, ProposedTime, RequestKind, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import Person
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in

NOTE = "Mette is a thoughtful analyst; I think you would enjoy twenty minutes with her."


def token_for(seeker, spec: TargetSpec, last_person_id: int, hops: int | None = None) -> str:
    """The signed way in of the seeker's path (as a path card hands it on) ending at this person."""
    ways = find_paths(seeker, spec, k=50)
    way = next(way for way in ways.paths if way.person_ids[-1] == last_person_id and (hops is None or way.hops == hops))
    return sign_way_in(seeker.pk, spec, way.person_ids)


def start_introduction(mette, unit, person_id: int) -> MeetingRequest:
    return actions.start_request(mette, token_for(mette, TargetSpec.for_unit(unit), person_id, hops=2))


def request_in(
    state: str,
    mette,
    jonas,
    sofie,
    brief: PrepBrief,
    *,
    kind: str = RequestKind.INTRODUCTION,
    person: Person | None = None,
) -> MeetingRequest:
    """A request put straight into a state, as the actions would have left it there."""
    now = timezone.now()
    introduction = kind == RequestKind.INTRODUCTION
    person = person or member_person(sofie)
    member = person.member
    sent = state != RequestState.DRAFT
    reached = state not in (RequestState.DRAFT, RequestState.WITH_CONNECTOR) or not introduction
    after = state in (RequestState.HELD, RequestState.FOLLOWED_UP)
    scheduled = state in (RequestState.SCHEDULED, RequestState.HELD, RequestState.FOLLOWED_UP)
    return MeetingRequest.objects.create(
        seeker=mette,
        brief=brief,
        kind=kind,
        connector=jonas if introduction else None,
        person=person,
        person_member=member,
        path=[member_person(jonas).pk, person.pk] if introduction else [person.pk],
        state=state,
        first_sent=now - datetime.timedelta(days=20) if sent else None,
        reached_person=now - datetime.timedelta(days=19) if sent and reached else None,
        answer_due=now - datetime.timedelta(days=1) if sent else None,
        starts=now - datetime.timedelta(hours=2) if scheduled else None,
        ends=now - datetime.timedelta(hours=1) if scheduled else None,
        seeker_says_held=True if after else None,
        other_says_held=True if after else None,
    )


def propose(request: MeetingRequest, by, *, days: int = 3) -> ProposedTime:
    starts = timezone.now() + datetime.timedelta(days=days)
    return ProposedTime.objects.create(
        request=request, starts=starts, ends=starts + datetime.timedelta(minutes=45), proposed_by=by
    )
