"""The seeker's pipeline: for each target, how far it has come, what happened when, and the next step.

The stages follow the method's funnel: ways in found → intro asked → coffee held → name passed on
→ applied → interview → offer → hired. Each is read from facts, never typed in twice:

- ways in found: the path engine finds at least one way in;
- intro asked: a request of hers toward the target's brief was sent (`first_sent`);
- coffee held: such a request is held or followed up;
- name passed on: a meeting outcome "my name was passed on", a profile card answered "I'll pass it on"
  or "yes, coffee" by someone in the target's organisation, or a suggestion that reached a
  decision-maker there;
- applied … hired: an `Outcome` of that kind.

People record late and out of order, so the stage is the furthest one reached, whatever came before.
A decline or a withdrawal recorded last closes the target.

Every fact is read for all targets at once, so a page costs the same number of queries for one
target as for twenty. `load` reads the seeker's own view (names from her own network, as she may see
them); `summaries_for` reads what a coach may see: stages and counts, the shape of the best way in,
never a name from the seeker's private contacts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from kaffebro.accounts.models import User
from kaffebro.jobs.models import (
    Outcome,
    OutcomeKind,
    ShareAnswer,
    ShareRecipient,
    Suggestion,
    SuggestionState,
)
from kaffebro.meetings.access import invited
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.meetings.models import OutcomeKind as MeetingOutcomeKind
from kaffebro.meetings.readiness import brief_passes
from kaffebro.network.access import PlacedTarget, placed_targets
from kaffebro.network.models import Block, Person, Position, Target, TargetKind
from kaffebro.paths.engine import PathEngine
from kaffebro.paths.results import WaysIn
from kaffebro.paths.service import ways_in_for_targets
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in

STAGES: tuple[tuple[str, Promise], ...] = (
    ("ways_in", _lazy("Ways in found")),
    ("intro_asked", _lazy("Introduction asked")),
    ("coffee_held", _lazy("Coffee held")),
    ("name_passed_on", _lazy("Name passed on")),
    ("applied", _lazy("Applied")),
    ("interview", _lazy("Interview")),
    ("offer", _lazy("Offer")),
    ("hired", _lazy("Hired")),
)
STAGE_NAMES = tuple(name for name, _label in STAGES)
OUTCOME_STAGE: dict[str, str] = {
    OutcomeKind.APPLIED: "applied",
    OutcomeKind.INTERVIEW: "interview",
    OutcomeKind.OFFER: "offer",
    OutcomeKind.HIRED: "hired",
}
ENDINGS = (OutcomeKind.DECLINED, OutcomeKind.WITHDRAWN)
AFTER_THE_MEETING = (RequestState.HELD, RequestState.FOLLOWED_UP)
REQUEST_CLOSED = (RequestState.DECLINED, RequestState.WITHDRAWN, RequestState.EXPIRED)
PASSED_ON_ANSWERS = (ShareAnswer.PASS_ON, ShareAnswer.COFFEE)
NEVER_PASSED_ON = (SuggestionState.AWAITING_CONSENT, SuggestionState.CANCELLED)


# The facts, read for all targets at once


@dataclass(frozen=True)
class Place:
    """What a target points at, by ids, for matching facts that name a posting or an organisation."""

    target_id: int
    kind: str
    posting_id: int | None
    organisation_id: int | None

    @classmethod
    def of(cls, placed: PlacedTarget) -> Place:
        target = placed.target
        organisation = placed.organisation.pk if placed.organisation is not None else None
        return cls(target.pk, target.kind, target.posting_id, organisation)


@dataclass
class TargetFacts:
    """Everything that happened toward one target."""

    brief: PrepBrief | None = None
    requests: list[MeetingRequest] = field(default_factory=list)
    names_passed: list[tuple[MeetingRequest, datetime.datetime]] = field(default_factory=list)
    shares: list[ShareRecipient] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def sent(self) -> list[MeetingRequest]:
        return [request for request in self.requests if request.first_sent is not None]

    @property
    def held(self) -> list[MeetingRequest]:
        return [request for request in self.requests if request.state in AFTER_THE_MEETING]


@dataclass
class Facts:
    by_target: dict[int, TargetFacts]
    elsewhere: list[Outcome]  # outcomes that match none of the targets (a removed target, a posting not targeted)


def _outcome_target(outcome: Outcome, places: list[Place]) -> int | None:
    ids = {place.target_id for place in places}
    if outcome.target_id in ids:
        return outcome.target_id
    if outcome.target_id is not None:
        return None
    for place in places:
        if outcome.posting_id is not None and place.posting_id == outcome.posting_id:
            return place.target_id
    for place in places:
        if (
            outcome.posting_id is None
            and place.kind == TargetKind.ORGANISATION
            and place.organisation_id == outcome.organisation_id
        ):
            return place.target_id
    return None


def _in_organisation(places: list[Place], organisation_ids: Iterable[int | None]) -> list[int]:
    wanted = set(organisation_ids) - {None}
    return [place.target_id for place in places if place.organisation_id in wanted]


def load_facts(seeker: User, placed: list[PlacedTarget]) -> Facts:
    """The seeker's briefs, requests, names passed on, profile cards, suggestions and outcomes, per target.

    Eight queries, however many targets.
    """
    places = [Place.of(entry) for entry in placed]
    by_target = {place.target_id: TargetFacts() for place in places}
    target_ids = list(by_target)
    for brief in PrepBrief.objects.filter(seeker=seeker, target_id__in=target_ids):
        by_target[brief.target_id].brief = brief
    requests = {
        request.pk: request
        for request in MeetingRequest.objects.filter(seeker=seeker, brief__target_id__in=target_ids)
        .select_related("connector", "person", "person_member")
        .annotate(toward=F("brief__target_id"))
        .order_by("created", "pk")
    }
    for request in requests.values():
        by_target[request.toward].requests.append(request)  # type: ignore[attr-defined]
    passed = MeetingOutcome.objects.filter(
        request__in=list(requests), kind=MeetingOutcomeKind.NAME_PASSED_ON
    ).values_list("request_id", "created")
    for request_id, created in passed:
        request = requests[request_id]
        by_target[request.toward].names_passed.append((request, created))  # type: ignore[attr-defined]
    _load_shares(seeker, places, by_target)
    for suggestion in _suggestions(seeker):
        for target_id in _in_organisation(places, [suggestion.organisation_id]):
            by_target[target_id].suggestions.append(suggestion)
    elsewhere: list[Outcome] = []
    for outcome in Outcome.objects.filter(seeker=seeker).select_related("connector", "posting", "organisation"):
        matched = _outcome_target(outcome, places)
        if matched is None:
            elsewhere.append(outcome)
        else:
            by_target[matched].outcomes.append(outcome)
    return Facts(by_target, elsewhere)


def _suggestions(seeker: User) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(seeker=seeker)
        .exclude(state__in=NEVER_PASSED_ON)
        .select_related("suggested_by")
        .order_by("created", "pk")
    )


def _load_shares(seeker: User, places: list[Place], by_target: dict[int, TargetFacts]) -> None:
    """Cards answered "I'll pass it on" or "yes, coffee": toward the meeting's target, or where the person works."""
    recipients = list(
        ShareRecipient.objects.filter(share__seeker=seeker, answer__in=PASSED_ON_ANSWERS)
        .select_related("share__helper")
        .annotate(toward=F("meeting__brief__target_id"))
        .order_by("answered", "pk")
    )
    if not recipients:
        return
    works_at: dict[int, set[int]] = defaultdict(set)
    for person_id, organisation_id in Position.objects.filter(
        person_id__in={recipient.person_id for recipient in recipients}, end_date__isnull=True
    ).values_list("person_id", "organisation_id"):
        works_at[person_id].add(organisation_id)
    for recipient in recipients:
        targets = set(_in_organisation(places, works_at[recipient.person_id]))
        if recipient.toward in by_target:  # type: ignore[attr-defined]
            targets.add(recipient.toward)  # type: ignore[attr-defined]
        for target_id in targets:
            by_target[target_id].shares.append(recipient)


# Stages


def reached(facts: TargetFacts, ways_count: int) -> set[str]:
    """The stages this target has reached, each from its own facts."""
    found = set()
    if ways_count:
        found.add("ways_in")
    if facts.sent:
        found.add("intro_asked")
    if facts.held:
        found.add("coffee_held")
    if facts.names_passed or facts.shares or facts.suggestions:
        found.add("name_passed_on")
    found |= {OUTCOME_STAGE[outcome.kind] for outcome in facts.outcomes if outcome.kind in OUTCOME_STAGE}
    return found


def furthest(stages: set[str]) -> str | None:
    """The furthest stage reached (people record late: what came before need not be recorded)."""
    for name in reversed(STAGE_NAMES):
        if name in stages:
            return name
    return None


def ending(facts: TargetFacts) -> Outcome | None:
    """The decline or withdrawal that closed the target, when it is the latest outcome and no hire came of it."""
    if not facts.outcomes or any(outcome.kind == OutcomeKind.HIRED for outcome in facts.outcomes):
        return None
    latest = max(facts.outcomes, key=lambda outcome: (outcome.date, outcome.created))
    return latest if latest.kind in ENDINGS else None


@dataclass(frozen=True)
class StageView:
    name: str
    label: str
    status: str  # "done", "current" (the furthest reached) or "open"


def stage_views(stages: set[str]) -> list[StageView]:
    current = furthest(stages)
    return [
        StageView(name, str(label), "current" if name == current else "done" if name in stages else "open")
        for name, label in STAGES
    ]


# The seeker's own pipeline


@dataclass(frozen=True)
class Entry:
    """One dated line of a target's timeline."""

    day: datetime.date
    text: str


@dataclass(frozen=True)
class NextStep:
    """One concrete thing to do now, with where to do it ("" when there is nowhere to go)."""

    text: str
    url: str


@dataclass
class Row:
    placed: PlacedTarget
    ways: WaysIn | None
    facts: TargetFacts
    stages: set[str]
    ended: Outcome | None
    timeline: list[Entry]
    next_step: NextStep

    @property
    def stage(self) -> str | None:
        return furthest(self.stages)

    @property
    def stage_list(self) -> list[StageView]:
        return stage_views(self.stages)


@dataclass
class Pipeline:
    rows: list[Row]
    elsewhere: list[Outcome]


def person_for_seeker(request: MeetingRequest) -> str:
    """The person to meet as the seeker sees them: by name once the request reached them (as the request page)."""
    if request.reached_person is not None or request.starts is not None or request.kind == RequestKind.DIRECT:
        return request.person_member.display_name if request.person_member else request.person.name
    return _("the person %(connector)s would introduce you to") % {"connector": _connector_name(request)}


def _connector_name(request: MeetingRequest) -> str:
    return request.connector.display_name if request.connector else ""


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def timeline_of(facts: TargetFacts) -> list[Entry]:
    """The target's dated events, oldest first; names only as the seeker may see them."""
    entries = []
    for request in facts.sent:
        assert request.first_sent is not None
        person = person_for_seeker(request)
        if request.kind == RequestKind.INTRODUCTION:
            text = _("Asked %(connector)s for an introduction") % {"connector": _connector_name(request)}
        elif invited(request):
            text = _("%(person)s invited you to a coffee meeting") % {"person": person}
        else:
            text = _("Asked %(person)s for a coffee meeting") % {"person": person}
        entries.append(Entry(_day(request.first_sent), text))
        if request.state in AFTER_THE_MEETING and request.starts is not None:
            entries.append(Entry(_day(request.starts), _("Coffee meeting with %(person)s") % {"person": person}))
        elif request.state in REQUEST_CLOSED:
            entries.append(
                Entry(
                    _day(request.state_changed),
                    _("Request to %(person)s: %(state)s")
                    % {"person": person, "state": RequestState(request.state).label},
                )
            )
    for request, created in facts.names_passed:
        entries.append(
            Entry(
                _day(created),
                _("Your name was passed on after meeting %(person)s") % {"person": person_for_seeker(request)},
            )
        )
    for recipient in facts.shares:
        entries.append(
            Entry(
                _day(recipient.answered or recipient.created),
                _("A contact of %(helper)s answered “%(answer)s” to your profile")
                % {"helper": recipient.share.helper.display_name, "answer": ShareAnswer(recipient.answer).label},
            )
        )
    for suggestion in facts.suggestions:
        entries.append(
            Entry(
                _day(suggestion.created),
                _("%(helper)s suggested you to the decision-maker") % {"helper": suggestion.suggested_by.display_name},
            )
        )
    for outcome in facts.outcomes:
        entries.append(Entry(outcome.date, outcome_text(outcome)))
    return sorted(entries, key=lambda entry: entry.day)


def outcome_text(outcome: Outcome) -> str:
    """An outcome and what led there, in a line."""
    values = {"outcome": OutcomeKind(outcome.kind).label, "credit": outcome.get_credit_display()}
    if outcome.connector is not None:
        values["connector"] = outcome.connector.display_name
        return _("%(outcome)s (%(credit)s: %(connector)s)") % values
    return _("%(outcome)s (%(credit)s)") % values


def _request_url(request: MeetingRequest) -> str:
    return reverse("meetings:request", args=[request.code])


def record_url(placed: PlacedTarget) -> str:
    return reverse("jobs:outcome_record", args=[placed.target.code])


def _ask_url(seeker: User, placed: PlacedTarget, ways: WaysIn) -> str:
    """The request page for the best way in (as a path card hands it on), or the target's ways when none may."""
    best = ways.best
    name = getattr(settings, "PATH_REQUEST_URL_NAME", "")
    if best is None or not best.first.is_member or not best.person_ids or not name:
        return reverse("paths:target", args=[placed.target.code])
    try:
        url = reverse(name)
    except NoReverseMatch:
        return reverse("paths:target", args=[placed.target.code])
    spec = TargetSpec.for_target(placed.target)
    return f"{url}?{urlencode({'way': sign_way_in(seeker.pk, spec, best.person_ids)})}"


def _open_request_step(request: MeetingRequest, now: datetime.datetime) -> NextStep:
    """What to do about a request still on its way."""
    values = {"person": person_for_seeker(request), "connector": _connector_name(request)}
    url = _request_url(request)
    if request.state == RequestState.SCHEDULED and request.starts is not None:
        if request.starts <= now:
            return NextStep(_("Record how the meeting went"), url)
        when = date_format(timezone.localtime(request.starts), "DATETIME_FORMAT")
        return NextStep(_("Meet %(person)s on %(when)s: read your brief once more") % {**values, "when": when}, url)
    if request.state == RequestState.SCHEDULING:
        return NextStep(_("Agree a time with %(person)s") % values, url)
    if request.state == RequestState.WITH_CONNECTOR:
        return NextStep(_("Wait for %(connector)s to answer your request") % values, url)
    if request.state == RequestState.WITH_PERSON:
        return NextStep(_("Wait for %(person)s to answer your request") % values, url)
    if request.first_sent is not None:
        return NextStep(_("Change your request as suggested and send it again"), url)
    return NextStep(_("Send your request to %(person)s") % values, url)


def _before_the_request(seeker: User, placed: PlacedTarget, facts: TargetFacts, ways: WaysIn | None) -> NextStep:
    """Find a way in, write the brief, then ask the first person on the best way in."""
    target = placed.target
    if ways is None or ways.best is None:
        return NextStep(_("Add people you know who work there, or ask your contacts whom they know"), _paths(target))
    if facts.brief is None or not brief_passes(facts.brief):
        return NextStep(_("Write your preparation brief"), reverse("meetings:brief", args=[target.code]))
    best = ways.best
    name = best.first.name or best.first.shown_as
    if not best.first.is_member:
        return NextStep(
            _("Talk to %(name)s yourself, with your brief in hand: Kaffebro only writes to members") % {"name": name},
            _paths(target),
        )
    if best.is_direct:
        return NextStep(_("Ask %(name)s for a coffee meeting") % {"name": name}, _ask_url(seeker, placed, ways))
    return NextStep(_("Ask %(name)s for an introduction") % {"name": name}, _ask_url(seeker, placed, ways))


def _paths(target: Target) -> str:
    return reverse("paths:target", args=[target.code])


def next_step(
    seeker: User, placed: PlacedTarget, facts: TargetFacts, stages: set[str], ways: WaysIn | None
) -> NextStep:
    """The one thing to do next for this target, as a concrete sentence with a link."""
    record = record_url(placed)
    if ending(facts) is not None:
        return NextStep(_("This target is closed. Thank the people who helped you, and look at your other targets"), "")
    stage = furthest(stages)
    if stage == "hired":
        return NextStep(_("Congratulations! Thank the people who helped you on the way"), "")
    if stage == "offer":
        return NextStep(_("Record whether you took the job"), record)
    if stage == "interview":
        return NextStep(_("Prepare for the interview, then record the offer or how it ended"), record)
    if stage == "applied":
        return NextStep(_("Record the invitation to an interview when it comes"), record)
    now = timezone.now()
    if stage == "name_passed_on":
        # A "yes, coffee" to her profile passes her name on before the meeting: the meeting comes first.
        arranging = (RequestState.SCHEDULING, RequestState.SCHEDULED)
        arranged = [request for request in facts.requests if request.state in arranging]
        if arranged:
            return _open_request_step(arranged[-1], now)
        return NextStep(_("Record your application"), record)
    waiting_for_follow_up = [request for request in facts.requests if request.state == RequestState.HELD]
    if waiting_for_follow_up:
        return NextStep(_("Record how the meeting went"), _request_url(waiting_for_follow_up[-1]))
    if stage == "coffee_held":
        if placed.target.kind == TargetKind.POSTING:
            return NextStep(_("Record your application"), record)
        held = facts.held[-1]
        return NextStep(
            _("Record what came of your meeting with %(person)s") % {"person": person_for_seeker(held)},
            _request_url(held),
        )
    open_requests = [
        request for request in facts.requests if request.state not in (*AFTER_THE_MEETING, *REQUEST_CLOSED)
    ]
    if open_requests:
        return _open_request_step(open_requests[-1], now)
    return _before_the_request(seeker, placed, facts, ways)


def pipeline_of(seeker: User, placed: list[PlacedTarget] | None = None) -> Pipeline:
    """The seeker's pipeline: every target (or the ones given) with its stage, timeline and next step."""
    placed = placed_targets(seeker) if placed is None else placed
    found = ways_in_for_targets(seeker, [entry.target for entry in placed], k=1) if placed else {}
    facts = load_facts(seeker, placed)
    rows = []
    for entry in placed:
        ways = found.get(entry.target.pk)
        target_facts = facts.by_target[entry.target.pk]
        if target_facts.brief is not None:
            target_facts.brief.target = entry.target  # the readiness check reads the target's place
        stages = reached(target_facts, ways.count if ways else 0)
        rows.append(
            Row(
                placed=entry,
                ways=ways,
                facts=target_facts,
                stages=stages,
                ended=ending(target_facts),
                timeline=timeline_of(target_facts),
                next_step=next_step(seeker, entry, target_facts, stages, ways),
            )
        )
    return Pipeline(rows, facts.elsewhere)


# What a coach may see: no names from the seeker's private network


@dataclass(frozen=True)
class BestWay:
    """The shape of the best way in, without anyone's name: how many ways, how many steps, to whom."""

    count: int
    hops: int
    role: str

    @property
    def description(self) -> str:
        """ "3 ways in; the best: 2 steps to a decision-maker in the unit", in the active language."""
        ways = ngettext("%(count)d way in", "%(count)d ways in", self.count) % {"count": self.count}
        best = ngettext("the best: %(hops)d step to %(role)s", "the best: %(hops)d steps to %(role)s", self.hops) % {
            "hops": self.hops,
            "role": role_label(self.role),
        }
        return _("%(ways)s; %(best)s") % {"ways": ways, "best": best}


def role_label(role: str) -> str:
    labels = {
        "person": _("the person"),
        "posting_decision_maker": _("the decision-maker for the posting"),
        "unit_decision_maker": _("a decision-maker in the unit"),
        "unit_member": _("someone in the unit"),
        "organisation_decision_maker": _("a decision-maker in the organisation"),
        "organisation_member": _("someone in the organisation"),
        "field_decision_maker": _("a decision-maker in the job field"),
    }
    return labels.get(role, _("someone in the job field"))


def best_ways(targets_by_seeker: dict[int, list[Target]]) -> dict[int, BestWay | None]:
    """Per target id, the shape of each seeker's best way in, from the path engine alone.

    Three queries for any number of seekers and targets (the engine's view, the seekers' persons and
    their blocks); the engine's explanations are not used, since they name people from the seeker's
    own contact cards, which nobody else may see.
    """
    if not any(targets_by_seeker.values()):
        return {}
    engine = PathEngine.current()
    persons = dict(Person.objects.filter(member_id__in=list(targets_by_seeker)).values_list("member_id", "pk"))
    blocked_people: dict[int, list[int]] = defaultdict(list)
    blocked_organisations: dict[int, list[int]] = defaultdict(list)
    for owner_id, person_id, organisation_id in Block.objects.filter(owner_id__in=list(targets_by_seeker)).values_list(
        "owner_id", "person_id", "organisation_id"
    ):
        if person_id:
            blocked_people[owner_id].append(person_id)
        if organisation_id:
            blocked_organisations[owner_id].append(organisation_id)
    found: dict[int, BestWay | None] = {}
    for seeker_id, targets in targets_by_seeker.items():
        seeker_person = persons.get(seeker_id)
        for target in targets:
            if seeker_person is None:
                found[target.pk] = None
                continue
            paths, count = engine.search(
                seeker_person,
                TargetSpec.for_target(target),
                1,
                blocked_person_ids=blocked_people[seeker_id],
                blocked_organisation_ids=blocked_organisations[seeker_id],
            )
            found[target.pk] = BestWay(count, paths[0].hops, paths[0].role) if paths else None
    return found


@dataclass
class Summary:
    """One target of a seeker as her coach sees it."""

    placed: PlacedTarget
    best: BestWay | None
    stages: set[str]
    ended: Outcome | None
    open_requests: int
    meetings_held: int
    outcomes: list[Outcome]

    @property
    def stage(self) -> str | None:
        return furthest(self.stages)

    @property
    def stage_list(self) -> list[StageView]:
        return stage_views(self.stages)


def summaries_for(seeker: User) -> list[Summary]:
    """The seeker's targets as her coach sees them: stages, counts, outcomes, the shape of the best way in."""
    placed = placed_targets(seeker)
    best = best_ways({seeker.pk: [entry.target for entry in placed]})
    facts = load_facts(seeker, placed)
    summaries = []
    for entry in placed:
        target_facts = facts.by_target[entry.target.pk]
        way = best.get(entry.target.pk)
        summaries.append(
            Summary(
                placed=entry,
                best=way,
                stages=reached(target_facts, way.count if way else 0),
                ended=ending(target_facts),
                open_requests=sum(
                    1 for request in target_facts.sent if request.state not in (*AFTER_THE_MEETING, *REQUEST_CLOSED)
                ),
                meetings_held=len(target_facts.held),
                outcomes=sorted(target_facts.outcomes, key=lambda outcome: outcome.date),
            )
        )
    return summaries
