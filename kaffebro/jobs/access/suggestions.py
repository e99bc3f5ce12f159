"""Every read of candidate suggestions goes through here.

A suggestion is seen by its three parties only, each as far as it concerns them:

- the seeker sees every suggestion about her, in every state: who vouched for her, to whom, where,
  and the endorsement written about her (it is her data, and she consented to it being passed on);
- the member who suggested sees their own suggestions, and the kind word the decision-maker sent back;
- the decision-maker sees a suggestion once it has reached them (the seeker consented, or had a
  standing consent), with the seeker's profile and her preparation brief for that place.

The decision-maker's kind word back (`reason_back`) is meant for the colleague who suggested: it is
written to them, so the seeker sees the state ("not a fit") but not the word. Anyone else, including
a decision-maker of another unit and an operator, gets 404, exactly as if the suggestion did not exist.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.access_log import Read
from kaffebro.core.converters import looks_like_code
from kaffebro.jobs.models import CoachAccess, ShareConsent, Suggestion, SuggestionState
from kaffebro.jobs.suggestions_states import IN_PLAY, NOT_PASSED_ON
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestState
from kaffebro.network.models import Organisation, Position, Posting, SeekerProfile, TargetKind, Unit

# What a list of suggestions reads with each one, in the same query.
SUGGESTION_RELATED = (
    "seeker",
    "seeker__seeker_profile",
    "suggested_by",
    "decision_maker",
    "posting",
    "unit",
    "organisation",
)
# The inbox reads at most this many suggestions (a decision-maker gets a handful a week).
MAX_INBOX = 500
# How far up the unit tree a suggestion for a unit looks for the one who decides there.
UNIT_LEVELS = 5
MET = (RequestState.HELD, RequestState.FOLLOWED_UP)


# Who may suggest whom: the same people who may put her profile in play (`access.shares.may_ask`)


def _knows_as_helper(helper: User) -> Q:
    """Seekers (as `User` rows) who gave the helper a consent before, met them over coffee, or are coached by them."""
    consented = ShareConsent.objects.filter(seeker=OuterRef("pk"), helper=helper, carried_from__isnull=True)
    met = MeetingRequest.objects.filter(seeker=OuterRef("pk"), state__in=MET).filter(
        Q(connector=helper) | Q(person_member=helper)
    )
    coached = CoachAccess.objects.filter(
        seeker=OuterRef("pk"), coach=helper, coach__is_coach=True, withdrawn__isnull=True
    )
    return Q(Exists(consented)) | Q(Exists(met)) | Q(Exists(coached))


def suggestable_seekers(helper: User) -> QuerySet[User]:
    """The seekers this member may suggest: active members with a seeker profile who know them as a helper."""
    if not helper.is_authenticated:
        return User.objects.none()
    return (
        User.objects.filter(_knows_as_helper(helper), is_active=True, seeker_profile__isnull=False)
        .exclude(pk=helper.pk)
        .select_related("seeker_profile")
        .order_by("display_name", "id")
    )


def may_suggest(helper: User, seeker: User) -> bool:
    return suggestable_seekers(helper).filter(pk=seeker.pk).exists()


def seeker_by_code(helper: User, code: str) -> User:
    """A seeker the member may suggest, by her code; 404 for anyone else."""
    return get_object_or_404(suggestable_seekers(helper), code=code)


# The decision-maker of a place


def _deciding_member(**where) -> User | None:
    """The active member who holds a current deciding position there, by reference data.

    As for managing postings, only reference positions count (`recorded_by` empty): what a member wrote
    on their own contact card about someone never routes suggestions to that person.
    """
    position = (
        Position.objects.filter(
            **where,
            is_decision_maker=True,
            end_date__isnull=True,
            recorded_by__isnull=True,
            person__suppressed=False,
            person__member__is_active=True,
        )
        .select_related("person__member")
        .order_by("id")
        .first()
    )
    return position.person.member if position is not None else None


def decision_maker_for(*, posting: Posting | None = None, unit: Unit | None = None) -> User | None:
    """The member who decides on hiring for the posting (its named decision-maker first) or in the unit.

    A unit without one of its own is decided in the unit above it, and at last by whoever decides for
    the whole organisation. None when nobody who decides there is a member: Kaffebro never writes to
    anyone else.
    """
    if posting is not None:
        person = posting.decision_maker
        if person is not None and not person.suppressed and person.member is not None and person.member.is_active:
            return person.member
        unit = posting.unit
        organisation_id = posting.organisation_id
    elif unit is not None:
        organisation_id = unit.organisation_id
    else:
        return None
    for _level in range(UNIT_LEVELS):
        if unit is None:
            break
        member = _deciding_member(unit_id=unit.pk)
        if member is not None:
            return member
        unit = unit.parent
    return _deciding_member(organisation_id=organisation_id, unit__isnull=True)


# Suggestions, by who is asking


def _party(user: User) -> Q:
    passed_on = Q(decision_maker=user) & ~Q(state__in=NOT_PASSED_ON)
    return Q(seeker=user) | Q(suggested_by=user) | passed_on


def suggestions_for(user: User) -> QuerySet[Suggestion]:
    """The suggestions the member is a party to, as they may see them now."""
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(_party(user))


def access_suggestion(user: User, code: str) -> Suggestion:
    """A suggestion by its code with its parties and place; 404 unless the viewer is a party to it (now)."""
    return get_object_or_404(suggestions_for(user).select_related(*SUGGESTION_RELATED), code=code)


def role_in(user: User, suggestion: Suggestion) -> str:
    """ "seeker", "suggester" or "decision_maker"; 404 for anyone who is not (yet) a party."""
    if user.pk is None:
        raise Http404
    if suggestion.seeker_id == user.pk:
        return "seeker"
    if suggestion.suggested_by_id == user.pk:
        return "suggester"
    if suggestion.decision_maker_id == user.pk and suggestion.state not in NOT_PASSED_ON:
        return "decision_maker"
    raise Http404


def about(user: User) -> QuerySet[Suggestion]:
    """The suggestions about the member as a seeker, newest first; the ones asking for her consent too."""
    return suggestions_for(user).filter(seeker=user).select_related(*SUGGESTION_RELATED)


def made_by(user: User) -> QuerySet[Suggestion]:
    """The member's own suggestions, newest first."""
    return suggestions_for(user).filter(suggested_by=user).select_related(*SUGGESTION_RELATED)


def inbox_of(user: User) -> QuerySet[Suggestion]:
    """The suggestions that have reached the member as a decision-maker."""
    return suggestions_for(user).filter(decision_maker=user).exclude(state__in=NOT_PASSED_ON)


def group_of(suggestion: Suggestion) -> QuerySet[Suggestion]:
    """The endorsements of the same candidate for the same place in the same state, the earliest first.

    Several colleagues may vouch for one candidate; the decision-maker answers them together.
    """
    same_place = Q(posting_id=suggestion.posting_id) if suggestion.posting_id else Q(posting__isnull=True)
    same_place &= Q(unit_id=suggestion.unit_id) if suggestion.unit_id else Q(unit__isnull=True)
    return (
        Suggestion.objects.filter(
            same_place,
            decision_maker_id=suggestion.decision_maker_id,
            seeker_id=suggestion.seeker_id,
            state=suggestion.state,
        )
        .exclude(state__in=NOT_PASSED_ON)
        .select_related("suggested_by")
        .order_by("created", "id")
    )


# The candidate's preparation brief for the place


def briefs_for(suggestions: list[Suggestion]) -> dict[int, PrepBrief]:
    """Per suggestion id, the seeker's brief for her target at the same posting, else unit, else organisation.

    One query whatever the number of suggestions. A brief without a word in it is left out.
    """
    if not suggestions:
        return {}
    wanted = (
        Q(target__kind=TargetKind.POSTING, target__posting_id__in={s.posting_id for s in suggestions if s.posting_id})
        | Q(target__kind=TargetKind.UNIT, target__unit_id__in={s.unit_id for s in suggestions if s.unit_id})
        | Q(target__kind=TargetKind.ORGANISATION, target__organisation_id__in={s.organisation_id for s in suggestions})
    )
    found: dict[tuple[int, str, int], PrepBrief] = {}
    for brief in PrepBrief.objects.filter(wanted, seeker_id__in={s.seeker_id for s in suggestions}).select_related(
        "target"
    ):
        if brief.knowledge or brief.offer or brief.difference or brief.ask:
            target = brief.target
            place = target.posting_id or target.unit_id or target.organisation_id
            if place is not None:
                found[(brief.seeker_id, target.kind, place)] = brief
    result = {}
    for suggestion in suggestions:
        keys = [
            (suggestion.seeker_id, TargetKind.POSTING, suggestion.posting_id),
            (suggestion.seeker_id, TargetKind.UNIT, suggestion.unit_id),
            (suggestion.seeker_id, TargetKind.ORGANISATION, suggestion.organisation_id),
        ]
        best = next((found[key] for key in keys if key in found), None)
        if best is not None:
            result[suggestion.pk] = best
    return result


def place_of(suggestion: Suggestion) -> str:
    """Where the candidate is suggested, in the active language: the posting or the unit, and the organisation."""
    values = {"organisation": suggestion.organisation.name}
    if suggestion.posting is not None:
        return _("%(posting)s at %(organisation)s") % {**values, "posting": suggestion.posting.title}
    if suggestion.unit is not None:
        return _("%(unit)s, %(organisation)s") % {**values, "unit": suggestion.unit.name}
    return values["organisation"]


@dataclass(frozen=True)
class SuggestionView:
    """What one party may see of a suggestion."""

    role: str
    reason_back: bool  # the kind word back: the suggester's only
    profile: SeekerProfile | None  # the seeker's profile: the decision-maker and the seeker herself
    brief: PrepBrief | None  # her brief for the place: the decision-maker only (she has her own)
    group: list[Suggestion]  # the decision-maker: every endorsement of the candidate for the place


def _profile(suggestion: Suggestion) -> SeekerProfile | None:
    try:
        return suggestion.seeker.seeker_profile
    except SeekerProfile.DoesNotExist:
        return None


def view_of(user: User, suggestion: Suggestion) -> SuggestionView:
    """What this party may see of the suggestion (404 for anyone else)."""
    role = role_in(user, suggestion)
    if role == "decision_maker":
        brief = briefs_for([suggestion]).get(suggestion.pk)
        return SuggestionView(role, False, _profile(suggestion), brief, list(group_of(suggestion)))
    if role == "seeker":
        return SuggestionView(role, False, _profile(suggestion), None, [])
    return SuggestionView(role, True, None, None, [])


# The decision-maker's inbox

INBOX_STATES = tuple(state for state in SuggestionState.values if state not in NOT_PASSED_ON)


@dataclass(frozen=True)
class InboxFilter:
    """What the decision-maker narrowed the inbox to: a posting, a unit (by code) and a state.

    The state is "" for the candidates still in play, "all", or one state.
    """

    posting: str = ""
    unit: str = ""
    state: str = ""

    @classmethod
    def of(cls, query) -> InboxFilter:
        """From a query string; anything malformed is simply not a filter."""
        posting, unit, state = (str(query.get(name, ""))[:40] for name in ("posting", "unit", "state"))
        return cls(
            posting=posting if looks_like_code(posting) else "",
            unit=unit if looks_like_code(unit) else "",
            state=state if state in (*INBOX_STATES, "all") else "",
        )

    def apply(self, suggestions: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
        if self.posting:
            suggestions = suggestions.filter(posting__code=self.posting)
        if self.unit:
            suggestions = suggestions.filter(unit__code=self.unit)
        if self.state == "":
            return suggestions.filter(state__in=IN_PLAY)
        if self.state != "all":
            return suggestions.filter(state=self.state)
        return suggestions


@dataclass
class Candidate:
    """One candidate for one place as the inbox lists it, with every endorsement of them, the earliest first."""

    suggestions: list[Suggestion]
    brief: PrepBrief | None = None
    profile: SeekerProfile | None = field(init=False)

    def __post_init__(self) -> None:
        self.profile = _profile(self.lead)

    @property
    def lead(self) -> Suggestion:
        return self.suggestions[0]

    @property
    def latest(self) -> datetime.datetime:
        return max(suggestion.created for suggestion in self.suggestions)

    @property
    def endorsements(self) -> int:
        return len(self.suggestions)

    @property
    def place(self) -> str:
        return place_of(self.lead)

    def order(self) -> tuple:
        """Newest day first; on the same day more endorsements first. Nothing else: no score."""
        return (-timezone.localdate(self.latest).toordinal(), -self.endorsements, -self.latest.timestamp())


def inbox_candidates(user: User, inbox_filter: InboxFilter) -> list[Candidate]:
    """The decision-maker's candidates, grouped and ordered by date and number of endorsements: three queries."""
    rows = list(
        inbox_filter.apply(inbox_of(user)).select_related(*SUGGESTION_RELATED).order_by("created", "id")[:MAX_INBOX]
    )
    groups: dict[tuple, list[Suggestion]] = defaultdict(list)
    for suggestion in rows:
        groups[(suggestion.seeker_id, suggestion.posting_id, suggestion.unit_id, suggestion.state)].append(suggestion)
    briefs = briefs_for(rows)
    candidates = [Candidate(group, briefs.get(group[0].pk)) for group in groups.values()]
    return sorted(candidates, key=Candidate.order)


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


def inbox_places(user: User) -> tuple[list[Choice], list[Choice]]:
    """The postings and the units the decision-maker's suggestions are for, for the inbox filters: one query."""
    postings: dict[str, str] = {}
    units: dict[str, str] = {}
    for posting_code, title, unit_code, name in (
        inbox_of(user).values_list("posting__code", "posting__title", "unit__code", "unit__name").distinct()
    ):
        if posting_code:
            postings[posting_code] = title
        if unit_code:
            units[unit_code] = name
    return (
        sorted((Choice(code, label) for code, label in postings.items()), key=lambda choice: choice.label.casefold()),
        sorted((Choice(code, label) for code, label in units.items()), key=lambda choice: choice.label.casefold()),
    )


def decides_anywhere(user: User) -> bool:
    """Whether the member holds a current deciding position, or has had suggestions: for the inbox link."""
    if not user.is_authenticated:
        return False
    return (
        Position.objects.filter(person__member=user, is_decision_maker=True, end_date__isnull=True).exists()
        or inbox_of(user).exists()
    )


# Where to suggest: organisations, their units and open postings


def organisations_matching(query: str) -> QuerySet[Organisation]:
    """Shared organisations whose name matches, for the suggest form (never one a member typed in privately)."""
    query = query.replace("\x00", "").strip()[:100]
    if not query:
        return Organisation.objects.none()
    return Organisation.objects.filter(private_to__isnull=True, name__icontains=query).order_by("name", "id")


def organisation_by_code(code: str) -> Organisation:
    return get_object_or_404(Organisation, private_to__isnull=True, code=code)


def open_postings(organisation: Organisation) -> QuerySet[Posting]:
    """The organisation's postings still open for suggestions: not closed, deadline not passed."""
    today = timezone.localdate()
    return (
        organisation.postings.filter(closed__isnull=True)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .select_related("unit", "decision_maker__member")
        .order_by("title", "id")
    )


def units_of(organisation: Organisation) -> QuerySet[Unit]:
    return organisation.units.order_by("name", "id")


def candidate_read(suggestion: Suggestion) -> Read:
    """The candidate's data a decision-maker reads through a suggestion, for her access log: what for is the place,
    by its own names (the log is read in her language, not the decision-maker's)."""
    where = suggestion.posting.title if suggestion.posting else suggestion.unit.name if suggestion.unit else ""
    return Read(
        suggestion.seeker, suggestion.code, ", ".join(name for name in (where, suggestion.organisation.name) if name)
    )
