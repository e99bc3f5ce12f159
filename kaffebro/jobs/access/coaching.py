"""Every read of coaching data goes through here.

A seeker lets a career coach follow her search (`CoachAccess`); the coach sees it only while the
access is open and they are still a coach. The moment she withdraws it, every page of hers answers
the coach 404, exactly as if it never existed. A member who is not a coach has no caseload (403 on
the caseload page, which is theirs to ask for) and sees no seeker (404).

The caseload costs the same number of queries for one seeker as for a full page of them: activity
is aggregated per seeker in one query per source, and targets and ways in are read for the page only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.jobs.models import CoachAccess, CoachNote, Outcome
from kaffebro.jobs.pipeline import AFTER_THE_MEETING, BestWay, best_ways
from kaffebro.meetings.models import MeetingRequest
from kaffebro.meetings.models import RequestState as S
from kaffebro.network.access import PlacedTarget, target_place
from kaffebro.network.models import Target

# A request the seeker sent that still waits for someone or something.
SENT_AND_OPEN = (S.WITH_CONNECTOR, S.WITH_PERSON, S.SCHEDULING, S.SCHEDULED)


def is_coach(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_coach)


def require_coach(user: User) -> None:
    """The caseload is only for coaches: anyone else is refused (403), since the page itself is no secret."""
    if not is_coach(user):
        raise PermissionDenied


def caseload_of(coach: User) -> QuerySet[CoachAccess]:
    """The open accesses seekers gave this coach; none for anyone who is not a coach (any more)."""
    if not is_coach(coach):
        return CoachAccess.objects.none()
    return CoachAccess.objects.filter(coach=coach, withdrawn__isnull=True).select_related("seeker")


def access_for_coach(coach: User, code: str) -> CoachAccess:
    """One seeker of the coach's caseload by the access's code: 403 for a member who is no coach (as on the
    caseload itself), 404 once withdrawn and for anyone else's."""
    require_coach(coach)
    return get_object_or_404(caseload_of(coach), code=code)


def grants_of(seeker: User) -> QuerySet[CoachAccess]:
    """The coaches the seeker has let follow her search, open ones first, with the coach."""
    if not seeker.is_authenticated:
        return CoachAccess.objects.none()
    return (
        CoachAccess.objects.filter(seeker=seeker)
        .select_related("coach")
        .order_by(F("withdrawn").asc(nulls_first=True), "-granted")
    )


def access_grant(seeker: User, code: str) -> CoachAccess:
    """One of the seeker's own grants; 404 for anyone else's."""
    return get_object_or_404(grants_of(seeker), code=code)


def notes_for_seeker(seeker: User) -> QuerySet[CoachNote]:
    """Every note a coach wrote about the seeker: she sees them all, also after she withdrew the access."""
    return CoachNote.objects.filter(seeker=seeker).select_related("coach")


def notes_by(coach: User, seeker: User) -> QuerySet[CoachNote]:
    """The coach's own notes on one seeker of their caseload (never another coach's)."""
    return CoachNote.objects.filter(seeker=seeker, coach=coach)


def stalled_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """A seeker with no activity since this moment is stalled (`settings.COACH_STALLED_DAYS`)."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.COACH_STALLED_DAYS)


@dataclass
class Activity:
    """What a seeker has going, from her requests, her events and her outcomes."""

    open_requests: int = 0
    meetings_held: int = 0
    last: datetime.datetime | None = None

    def saw(self, moment: datetime.datetime | None) -> None:
        if moment is not None and (self.last is None or moment > self.last):
            self.last = moment


def activity_of(seeker_ids: list[int]) -> dict[int, Activity]:
    """Per seeker: open requests, meetings held and the latest activity; three queries for any number."""
    found = {seeker_id: Activity() for seeker_id in seeker_ids}
    if not seeker_ids:
        return found
    requests = (
        MeetingRequest.objects.filter(seeker_id__in=seeker_ids)
        .values("seeker_id")
        .annotate(
            open=Count("pk", filter=Q(state__in=SENT_AND_OPEN)),
            held=Count("pk", filter=Q(state__in=AFTER_THE_MEETING)),
            latest=Max("updated"),
        )
    )
    for row in requests:
        activity = found[row["seeker_id"]]
        activity.open_requests, activity.meetings_held = row["open"], row["held"]
        activity.saw(row["latest"])
    events = Event.objects.filter(actor_id__in=seeker_ids).values("actor_id").annotate(latest=Max("created"))
    for row in events:
        found[row["actor_id"]].saw(row["latest"])
    outcomes = Outcome.objects.filter(seeker_id__in=seeker_ids).values("seeker_id").annotate(latest=Max("created"))
    for row in outcomes:
        found[row["seeker_id"]].saw(row["latest"])
    return found


@dataclass
class Case:
    """One seeker in a coach's caseload."""

    access: CoachAccess
    activity: Activity
    stalled: bool
    targets: list[tuple[PlacedTarget, BestWay | None]]

    @property
    def seeker(self) -> User:
        return self.access.seeker


def caseload(coach: User, page_number: str | int | None = None) -> Page:
    """A page of the coach's seekers, stalled ones first (longest quiet first), then the least recently active.

    Each case carries the seeker's targets with the shape of the best way in to each.
    """
    accesses = list(caseload_of(coach))
    activity = activity_of([access.seeker_id for access in accesses])
    since = stalled_since()
    cases = []
    for access in accesses:
        seen = activity[access.seeker_id]
        stalled = seen.last is None or seen.last < since
        cases.append(Case(access, seen, stalled, []))
    oldest = timezone.now() - datetime.timedelta(days=365 * 100)
    cases.sort(key=lambda case: (not case.stalled, case.activity.last or oldest, case.seeker.display_name))
    page = Paginator(cases, settings.PAGE_SIZE).get_page(page_number)
    _with_targets(list(page.object_list))
    return page


def _with_targets(cases: list[Case]) -> None:
    """The targets of the page's seekers, in their priority order, each with the shape of its best way in."""
    by_seeker: dict[int, list[Target]] = defaultdict(list)
    targets = Target.objects.filter(seeker_id__in=[case.access.seeker_id for case in cases]).select_related(
        "posting__organisation", "posting__unit", "unit__organisation", "organisation"
    )
    for target in targets:
        by_seeker[target.seeker_id].append(target)
    best = best_ways(by_seeker)
    for case in cases:
        case.targets = [
            (PlacedTarget(target, *target_place(target)), best.get(target.pk))
            for target in by_seeker.get(case.access.seeker_id, [])
        ]
