"""Every read of meetings data goes through here.

A preparation brief belongs to its seeker: anyone else asking for it (or for the
seeker's target it belongs to) gets 404, exactly as if it did not exist.

A request for a coffee meeting is seen only by its parties, each from the moment it
concerns them: the seeker always; the connector once the seeker sent it (a draft never
sent is the seeker's alone); the person to meet, when a member, once it reached them
(sent direct, the connector approved, or they invited the seeker themselves). Anyone
else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.meetings.models import MeetingRequest, PrepBrief, ProposedTime, RequestKind, RequestState
from kaffebro.network import access as network_access
from kaffebro.network.models import Target
from kaffebro.paths.results import WayIn
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec

# What the readiness check and the brief page read of a brief's target, fetched in the same query.
TARGET_PLACE = (
    "target__posting__organisation",
    "target__posting__unit",
    "target__unit__organisation",
    "target__organisation",
)


def own_target(user: User, code: str) -> Target:
    """The viewer's own target, with its organisation, unit and posting; 404 for anyone else's."""
    return network_access.access_target(user, code)


def briefs_of(user: User) -> QuerySet[PrepBrief]:
    return PrepBrief.objects.filter(seeker=user).select_related(*TARGET_PLACE)


def brief_for(user: User, target: Target) -> PrepBrief | None:
    """The seeker's brief for their target, if they have written one (the target's place is already loaded)."""
    if target.seeker_id != user.pk:
        return None
    brief = PrepBrief.objects.filter(seeker=user, target=target).first()
    if brief is not None:
        brief.target = target
    return brief


def access_brief(user: User, code: str) -> PrepBrief:
    """A brief by its code, for the later request flow; 404 unless it is the viewer's."""
    return get_object_or_404(briefs_of(user), code=code)


# Requests for a coffee meeting

# What a request page and a list of requests read with each request, in the same query.
REQUEST_RELATED = ("seeker", "connector", "person", "person_member", "brief", *(f"brief__{p}" for p in TARGET_PLACE))

# A connector finds the way on from them among this many of their own paths.
PATHS_SEARCHED = 50


def _party(user: User) -> Q:
    return (
        Q(seeker=user)
        | Q(connector=user, first_sent__isnull=False)
        | Q(person_member=user, reached_person__isnull=False)
    )


def requests_for(user: User) -> QuerySet[MeetingRequest]:
    """The requests the member is a party to: as the seeker, the connector or the person to meet."""
    if not user.is_authenticated:
        return MeetingRequest.objects.none()
    return MeetingRequest.objects.filter(_party(user))


def access_request(user: User, code: str) -> MeetingRequest:
    """A request by its code, with its parties and brief; 404 unless the viewer is a party to it (now)."""
    return get_object_or_404(requests_for(user).select_related(*REQUEST_RELATED), code=code)


def role_in(user: User, request: MeetingRequest) -> str:
    """ "seeker", "connector" or "person"; 404 for anyone who is not (yet) a party."""
    if user.pk is not None and request.seeker_id == user.pk:
        return "seeker"
    if request.connector_id is not None and request.connector_id == user.pk and request.first_sent is not None:
        return "connector"
    if (
        request.person_member_id is not None
        and request.person_member_id == user.pk
        and request.reached_person is not None
    ):
        return "person"
    raise Http404


def invited(request: MeetingRequest) -> bool:
    """Whether the person to meet invited the seeker (`actions.invite_to_coffee`): a direct request with no path."""
    return request.kind == RequestKind.DIRECT and not request.path


def approved(request: MeetingRequest) -> bool:
    """Whether the request has reached the person to meet (direct once sent; else once the connector approved)."""
    return request.reached_person is not None


def connector_way(connector: User, request: MeetingRequest) -> WayIn | None:
    """The path on from the connector to the person to meet, exactly as the connector's own search shows it
    (a hidden name stays hidden); None when it is no longer among their paths or the request is direct."""
    if request.connector_id != connector.pk:
        return None
    rest = tuple(request.path[1:])
    if not rest:
        return None
    ways = find_paths(connector, TargetSpec("person", person_id=request.person_id), k=PATHS_SEARCHED)
    return next((way for way in ways.paths if tuple(way.person_ids) == rest), None)


@dataclass(frozen=True)
class RequestView:
    """What one party may see of a request."""

    role: str
    brief: PrepBrief | None  # None: not theirs to see (yet)
    message: bool  # the seeker's message (to the connector, or to the person when direct)
    introduction_note: bool  # the connector's introduction
    person_name: str | None  # the person to meet's name, None when hidden from this viewer
    path: WayIn | None  # the connector's view of the path on from them; None for everyone else
    invited: bool = False  # the person to meet asked: the message is theirs, and the seeker sent nothing


def view_of(user: User, request: MeetingRequest) -> RequestView:
    """What this party may see of the request (404 for anyone else)."""
    role = role_in(user, request)
    if role == "seeker":
        name = request.person.name if approved(request) else None
        return RequestView(role, request.brief, True, True, name, None, invited(request))
    if role == "connector":
        way = connector_way(user, request)
        return RequestView(role, request.brief, True, True, way.target.name if way else None, way)
    # The person to meet: the brief once it reached them, never the seeker's other requests.
    return RequestView(
        role,
        request.brief,
        request.kind == RequestKind.DIRECT,
        request.kind == RequestKind.INTRODUCTION,
        request.person.name,
        None,
        invited(request),
    )


# What a party's page (and the API) shows of a request, from its role: one rule for both.


@dataclass(frozen=True)
class Seen:
    """What of a request its viewer's role may see (from `view_of`), ready for the page."""

    person: str  # the person to meet as this viewer may see them: a name only where the rules allow it
    brief: bool
    message: bool
    introduction: bool
    path: WayIn | None  # the connector's own view of the path on from them
    times: bool  # the times, the place and the invitation
    invited: bool = False  # the person to meet invited the seeker (`invited`)


def seen_by(user: User, meeting: MeetingRequest) -> Seen:
    """What this party sees of the request, with the person to meet named only where `view_of` allows it."""
    view = view_of(user, meeting)
    if view.person_name:
        person = view.person_name
    elif view.role == "seeker":
        connector = meeting.connector.display_name if meeting.connector else ""
        person = _("the person %(name)s would introduce you to") % {"name": connector}
    elif view.path is not None:
        person = view.path.target.shown_as  # the role and place, as the connector's own paths show it
    else:
        person = _("the person at the end of the path")
    return Seen(
        person=_("you") if view.role == "person" else person,
        brief=view.brief is not None,
        message=view.message,
        introduction=view.introduction_note,
        path=view.path,
        times=view.role != "connector",
        invited=view.invited,
    )


def may_propose(meeting: MeetingRequest, role: str) -> bool:
    """In scheduling, the seeker and the person to meet propose times (for a non-member, the seeker alone)."""
    if meeting.state != RequestState.SCHEDULING:
        return False
    return attends(meeting, role)


def attends(meeting: MeetingRequest, role: str) -> bool:
    """Whether this party sits at the coffee table: the seeker, and the person to meet when a member (a
    non-member's side is kept by the seeker by hand; the connector only introduces)."""
    return role == "seeker" or (role == "person" and meeting.person_member_id is not None)


def pickable_times(meeting: MeetingRequest, user: User, proposals: list[ProposedTime]) -> list[ProposedTime]:
    """The times this user may pick: the other side's (for a non-member, the seeker's own, agreed by hand)."""
    if meeting.person_member_id is None:
        return [time for time in proposals if time.proposed_by_id == meeting.seeker_id]
    return [time for time in proposals if time.proposed_by_id != user.pk]


def asks_if_held(meeting: MeetingRequest, role: str, offered: set[str]) -> bool:
    """Ask "did it happen?" once the meeting has started; after HELD, only of the side that has not answered."""
    if not attends(meeting, role) or meeting.starts is None or meeting.starts > timezone.now():
        return False
    if "confirm_held" in offered:
        return True
    answered = meeting.seeker_says_held if role == "seeker" else meeting.other_says_held
    return meeting.state == RequestState.HELD and answered is None
