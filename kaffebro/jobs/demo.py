"""Activity in the demo network: a short story played through the real actions, and a year of history in bulk.

The network app writes the demo network and then sends `network.demo.demo_loaded` inside the same
transaction; `JobsConfig.ready` connects `load_activity` to it, because network may not import jobs or
meetings (the dependency order is core ← accounts ← network ← paths ← meetings/jobs). A failure here
undoes the whole load, as any failure of the load does.

**The story** (docs/demo.md): Mette and Henrik let Birthe, their coach, follow their search. Henrik meets
Birthe for coffee toward Vestenvind Energi, gives her a standing consent, and she puts his profile in play
toward three of her contacts; Jonas, the member among them, answers "yes, coffee". Mette gives Jonas a
standing consent and he suggests her to Signe for the Digitalisering posting, where it waits, new, in
Signe's inbox. Henrik has recorded an application and an interview. Every step is an action, with its
events and notices, as if the people had clicked; the one thing moved by hand is the time of Henrik's
coffee meeting, back to two hours ago (a meeting can be said to have happened only once it has begun).

**The history** gives the insights pages something to count (they never show a group under five): job
seekers' coffee meetings and outcomes over the past year, written with `bulk_create`, deterministic for the
demo's seed. It uses the synthetic seekers (up to half of the history) and, for the rest, synthetic members
who looked for work during the year and have a seeker profile from then, no longer shown as looking. The
number grows with the network and stops at `MAX_HISTORY_SEEKERS` (at most four outcomes each, so 20,000
outcomes at most).
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import DateTimeField, F, Model
from django.db.models.functions import Cast
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.jobs.access import shares as shares_access
from kaffebro.jobs.actions import coaching, outcomes, shares, suggestions
from kaffebro.jobs.models import CoachAccess, ConsentScope, Credit, Outcome, OutcomeKind, ShareRecipient
from kaffebro.meetings import actions as meetings
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.meetings.models import OutcomeKind as MeetingOutcomeKind
from kaffebro.network.demo import DEMO_EMAIL_DOMAIN
from kaffebro.network.demo.build import SYNTHETIC_MEMBER_DOMAIN
from kaffebro.network.demo.story import STORY_POSTINGS
from kaffebro.network.models import (
    ConnectorSettings,
    ContactCard,
    EmploymentForm,
    Gender,
    Organisation,
    Person,
    Position,
    Posting,
    SectorBackground,
    SeekerProfile,
    Target,
    TargetKind,
    Visibility,
)

HISTORY_SHARE = 0.3  # of the synthetic members: job seekers with a year of history
MIN_HISTORY_SEEKERS = 60  # enough for the insights to show groups of five at the default size
MAX_HISTORY_SEEKERS = 5000  # at most four outcomes each: 20,000 outcomes at most, whatever the network's size
COACHED_FROM_HISTORY = 8  # synthetic seekers who let Birthe follow them too, so her caseload counts
DAYS = 365
ID_CHUNK = 500  # ids per `__in` query, well under SQLite's limit on parameters

Progress = Callable[[str], None]


def load_activity(sender: Any, *, seed: int, progress: Progress, **kwargs: Any) -> dict[str, int]:
    """The receiver of `demo_loaded`: the story, then the history; {label: rows} for the load's summary."""
    started = time.monotonic()
    play_story()
    progress(f"  story: coaching, coffee, a profile in play, a suggestion in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    counts = seed_history(seed)
    progress(f"  a year of job seekers' history in {time.monotonic() - started:.1f} s")
    return counts


# The story


def login(short: str) -> User:
    return User.objects.get(email=f"{short}@{DEMO_EMAIL_DOMAIN}")


def story_posting(index: int) -> Posting:
    """One of the story's postings: the first written, before any posting of a larger network."""
    story = STORY_POSTINGS[index]
    posting = Posting.objects.filter(title=story.title, unit__name=story.unit).order_by("pk").first()
    assert posting is not None, "the demo network writes the story's postings"
    return posting


VESTENVIND_POSTING = 4  # "Projektleder til Vind og Sol" in STORY_POSTINGS
DIGITALISERING_POSTING = 0  # "Udviklingskonsulent til Digitalisering"

HENRIK_BRIEF = meetings.BriefFields(
    knowledge=(
        "Vestenvind Energi bygger vind- og solparker i Syddanmark og skal samarbejde tæt med kommuner, lodsejere "
        "og lokale virksomheder, når nye parker planlægges."
    ),
    offer=(
        "Tolv års erfaring som virksomhedskonsulent i Fjordby Kommune: jeg har ledet projekter med mange parter "
        "og forhandlet aftaler med virksomheder."
    ),
    difference=(
        "Jeg kender kommunernes sagsgange indefra og kan gøre godkendelser og lokale partnerskaber lettere for "
        "Vestenvinds projekter."
    ),
    ask="Vil du fortælle mig, hvordan jeg bedst præsenterer min kommunale erfaring over for energibranchen?",
    read_website=True,
    knows_unit=True,
    read_news=True,
)


def play_story() -> None:
    """Coaching, a held coffee meeting, a profile in play, a suggestion and outcomes: each through its action."""
    mette, henrik, jonas, birthe, ali = (login(name) for name in ("mette", "henrik", "jonas", "birthe", "ali"))
    coaching.grant_coach_access(mette, birthe.email)
    coaching.grant_coach_access(henrik, birthe.email)
    henrik_meets_birthe(henrik, birthe)
    give_standing_consent(henrik, birthe)
    row = birthe_puts_henrik_in_play(birthe, henrik, jonas)
    shares.answer_card(jonas, row, "coffee", "Hej Henrik, Birthe har fortalt om dig. Jeg vil gerne høre mere.")
    give_standing_consent(mette, jonas)
    suggestions.suggest(
        jonas,
        mette,
        posting=story_posting(DIGITALISERING_POSTING),
        how_known="Mette og jeg arbejdede sammen i tre år hos Brobyg IT om offentlige digitaliseringsprojekter.",
        why_fit="Hun oversætter mellem fagfolk og IT og får nye systemer i drift: det, Digitalisering har brug for.",
    )
    record_henriks_outcomes(henrik, ali)


def henrik_meets_birthe(seeker: User, person: User) -> MeetingRequest:
    """A direct request toward Vestenvind Energi, accepted, a time agreed, held two hours ago, followed up."""
    target = Target.objects.filter(seeker=seeker, kind=TargetKind.ORGANISATION).order_by("priority", "pk").first()
    assert target is not None, "the story's seekers have targets"
    meetings.save_brief(seeker, target, HENRIK_BRIEF, base_version=0)
    request = meetings.start_direct_request(seeker, target, person)
    request = meetings.send_request(seeker, request, "Hej Birthe! Kan vi tage en kop kaffe og tale om energibranchen?")
    request = meetings.accept(person, request)
    tomorrow = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    (proposed,) = meetings.propose_times(
        person, request, [(tomorrow, tomorrow + datetime.timedelta(minutes=45))], place="Netværkshuset Broen"
    )
    request = meetings.pick_time(seeker, request, proposed)
    # The day comes: the meeting began two hours ago (only then can anyone say it happened).
    began = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    MeetingRequest.objects.filter(pk=request.pk).update(starts=began, ends=began + datetime.timedelta(minutes=45))
    request = meetings.confirm_held(seeker, request, True)
    request = meetings.confirm_held(person, request, True)
    return meetings.log_follow_up(
        seeker,
        request,
        learned="Min erfaring med kommunale godkendelser er et stærkt kort hos energiselskaberne.",
        next_step="Birthe får mit samtykke til at sætte min profil i spil over for sit netværk.",
        outcomes=[(MeetingOutcomeKind.NAME_PASSED_ON, "")],
    )


def give_standing_consent(seeker: User, helper: User) -> None:
    text = shares.consent_text(seeker, helper, scope=ConsentScope.STANDING)
    shares.grant_consent(seeker, helper, shown=shares.text_digest(text))


def birthe_puts_henrik_in_play(helper: User, seeker: User, member: User) -> ShareRecipient:
    """His profile toward the member (Jonas) and two people who are not members: the helper's best suggestions,
    else her first contacts. The member's card is returned."""
    playable = shares_access.Playable(seeker, seeker.seeker_profile, shares_access.standing_consent(seeker, helper))
    targets = shares_access.targets_for_helper(helper, playable)
    fields = shares_access.job_fields_of(playable, targets)
    suggested = shares_access.suggest(helper, seeker, targets=targets, job_fields=fields)
    others = [item.card for item in suggested if not item.is_member]
    others += list(shares_access.candidates(helper, seeker).filter(person__member__isnull=True).order_by("pk")[:2])
    member_card = ContactCard.objects.get(owner=helper, person__member=member)
    codes = [member_card.code, *dict.fromkeys(card.code for card in others)][:3]
    share = shares.send_share(
        helper,
        seeker,
        codes,
        "Henrik har tolv års erfaring med virksomhedskontakt i Fjordby Kommune og vil bruge den i den grønne "
        "omstilling. Jeg har mødt ham og kan varmt anbefale en kop kaffe med ham.",
    )
    return share.recipients.get(member=member)


def record_henriks_outcomes(henrik: User, ali: User) -> None:
    """An application for a job field, and one for the Vestenvind posting that led to an interview through Ali."""
    today = timezone.localdate()
    field = Target.objects.get(seeker=henrik, kind=TargetKind.FIELD)
    posting = story_posting(VESTENVIND_POSTING)
    days = datetime.timedelta
    outcomes.record_outcome(
        henrik, henrik, OutcomeKind.APPLIED, date=today - days(30), credit=Credit.ADVERTISED, target=field
    )
    outcomes.record_outcome(
        henrik, henrik, OutcomeKind.APPLIED, date=today - days(16), credit=Credit.ADVERTISED, posting=posting
    )
    outcomes.record_outcome(
        henrik,
        henrik,
        OutcomeKind.INTERVIEW,
        date=today - days(5),
        credit=Credit.PATH,
        posting=posting,
        connector=ali,
        note="Ali lagde et godt ord ind hos sin tidligere chef.",
    )


# The history


@dataclass
class HistorySeeker:
    """One synthetic job seeker with a year behind her: where she aimed (and, when past, where she works now)."""

    user: int
    person: int
    organisation: int
    unit: int | None
    past: bool  # looked for work during the year; no longer shown as looking
    target: int = 0


@dataclass(frozen=True)
class Workplace:
    organisation: int
    unit: int | None
    industry: str
    sector: str
    region: str
    title: str


# The chance of reaching each step once the one before it was reached: a seeker still looking is not hired yet.
CHANCES = {
    False: {OutcomeKind.APPLIED: 0.7, OutcomeKind.INTERVIEW: 0.6, OutcomeKind.OFFER: 0.5, OutcomeKind.HIRED: 0.0},
    True: {OutcomeKind.APPLIED: 1.0, OutcomeKind.INTERVIEW: 0.85, OutcomeKind.OFFER: 0.8, OutcomeKind.HIRED: 0.95},
}
GAP_DAYS = {  # days after the step before (for an application: after the first coffee meeting, or the start)
    OutcomeKind.APPLIED: (3, 30),
    OutcomeKind.INTERVIEW: (7, 28),
    OutcomeKind.OFFER: (3, 21),
    OutcomeKind.HIRED: (2, 14),
    OutcomeKind.DECLINED: (5, 20),
}
CREDITS = ((Credit.MEETING, 0.45), (Credit.PATH, 0.25), (Credit.ADVERTISED, 0.30))


def chunked(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def history_size(members: int) -> int:
    """How many synthetic members have a year of history: a share of them, at least enough for groups of five."""
    return min(max(round(members * HISTORY_SHARE), MIN_HISTORY_SEEKERS), MAX_HISTORY_SEEKERS, members)


def seed_history(seed: int) -> dict[str, int]:
    """A year of coffee meetings and outcomes of synthetic job seekers, in bulk; the rows written, by label."""
    rng = random.Random(seed)
    members = list(
        User.objects.filter(email__endswith=f"@{SYNTHETIC_MEMBER_DOMAIN}").order_by("pk").values_list("pk", flat=True)
    )
    current = sorted(
        SeekerProfile.objects.filter(user__email__endswith=f"@{SYNTHETIC_MEMBER_DOMAIN}").values_list(
            "user_id", flat=True
        )
    )
    size = history_size(len(members))
    still_looking = sorted(rng.sample(current, min(len(current), size // 2)))
    looking = set(current)
    others = [pk for pk in members if pk not in looking]
    past = sorted(rng.sample(others, min(len(others), size - len(still_looking))))
    persons = member_persons([*still_looking, *past])
    seekers = current_seekers(still_looking, persons)
    workplaces = workplaces_of(past, persons)
    past_seekers = [
        HistorySeeker(user, persons[user], place.organisation, place.unit, past=True)
        for user, place in workplaces.items()
        if user in persons
    ]
    counts = {
        "seeker profiles (past)": write_profiles(past_seekers, workplaces, rng),
        "targets (past)": write_targets(past_seekers),
    }
    seekers += past_seekers
    briefs = write_briefs(seekers)
    counts["coffee meetings (past)"], held = write_meetings(seekers, briefs, rng)
    counts["names passed on (past)"] = write_names_passed_on(held, rng)
    counts["outcomes (past)"] = write_outcomes(seekers, held, rng)
    counts["coach access (past)"] = coach_some(seekers)
    return counts


def member_persons(users: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in chunked(users):
        found.update(Person.objects.filter(member_id__in=chunk).values_list("member_id", "pk"))
    return found


def current_seekers(users: Sequence[int], persons: dict[int, int]) -> list[HistorySeeker]:
    """The synthetic seekers still looking, each with her first unit target."""
    found: dict[int, HistorySeeker] = {}
    for chunk in chunked(users):
        targets = (
            Target.objects.filter(seeker_id__in=chunk, kind=TargetKind.UNIT)
            .order_by("priority", "pk")
            .values_list("seeker_id", "pk", "unit_id", "unit__organisation_id")
        )
        for user, target, unit, organisation in targets:
            if user in persons and user not in found:
                found[user] = HistorySeeker(user, persons[user], organisation, unit, past=False, target=target)
    return [found[user] for user in users if user in found]


def workplaces_of(users: Sequence[int], persons: dict[int, int]) -> dict[int, Workplace]:
    """Where each member works now (reference data): for a past seeker, where her search led.

    Each query reads one table by the indexed column it names (no join with the million persons or positions,
    and reference data told apart here rather than by `recorded_by IS NULL`, which nearly every position
    matches), so the plan stays cheap right after the bulk load, before the database has statistics."""
    user_of = {persons[user]: user for user in users if user in persons}
    positions: dict[int, tuple[int, int | None, str]] = {}
    for chunk in chunked(sorted(user_of)):
        rows = (
            Position.objects.filter(person_id__in=chunk, end_date__isnull=True)
            .order_by("pk")
            .values_list("person_id", "organisation_id", "unit_id", "title", "recorded_by_id")
        )
        for person, organisation, unit, title, recorded_by in rows:
            if recorded_by is None:
                positions.setdefault(user_of[person], (organisation, unit, title))
    organisations: dict[int, tuple[str, str, str]] = {}
    for chunk in chunked(sorted({organisation for organisation, _unit, _title in positions.values()})):
        shared = Organisation.objects.filter(pk__in=chunk, private_to__isnull=True)
        organisations.update(
            (pk, (industry, sector, region))
            for pk, industry, sector, region in shared.values_list("pk", "industry", "sector", "region")
        )
    found: dict[int, Workplace] = {}
    for user in users:
        where = positions.get(user)
        if where is not None and where[0] in organisations:
            found[user] = Workplace(where[0], where[1], *organisations[where[0]], where[2])
    return found


def write_profiles(seekers: list[HistorySeeker], workplaces: dict[int, Workplace], rng: random.Random) -> int:
    """Profiles of the members who looked during the year: segments for the insights, not shown as looking."""
    profiles = []
    for seeker in seekers:
        place = workplaces[seeker.user]
        profiles.append(
            SeekerProfile(
                user_id=seeker.user,
                headline=f"{place.title[:1].upper()}{place.title[1:]}",
                regions=[place.region] if place.region else [],
                looking_visibility=Visibility.PRIVATE,
                industry=place.industry,
                sector_background=SectorBackground.PUBLIC if place.sector == "public" else SectorBackground.PRIVATE,
                employment_form=EmploymentForm.SELF_EMPLOYED if rng.random() < 0.12 else EmploymentForm.EMPLOYEE,
                gender=rng.choices([Gender.WOMAN, Gender.MAN, ""], weights=[0.5, 0.47, 0.03])[0],
            )
        )
    return len(SeekerProfile.objects.bulk_create(profiles, batch_size=1000))


def write_targets(seekers: list[HistorySeeker]) -> int:
    """The place each past seeker aimed at: the unit (else the organisation) where she works now."""
    targets = [
        Target(seeker_id=s.user, kind=TargetKind.UNIT, unit_id=s.unit, priority=1)
        if s.unit is not None
        else Target(seeker_id=s.user, kind=TargetKind.ORGANISATION, organisation_id=s.organisation, priority=1)
        for s in seekers
    ]
    Target.objects.bulk_create(targets, batch_size=1000)
    for seeker, target in zip(seekers, targets, strict=True):
        seeker.target = target.pk
    return len(targets)


def write_briefs(seekers: list[HistorySeeker]) -> dict[int, int]:
    """A short brief for each seeker's target (every request refers to one); brief id by seeker."""
    briefs = [
        PrepBrief(
            seeker_id=s.user,
            target_id=s.target,
            knowledge="Jeg har læst om enhedens opgaver og organisationens strategi.",
            offer="Erfaring fra mit tidligere job, som jeg gerne vil bruge her.",
            difference="Jeg kan hjælpe enheden med de opgaver, den står over for.",
            ask="Vil du fortælle mig om arbejdet i enheden?",
        )
        for s in seekers
    ]
    PrepBrief.objects.bulk_create(briefs, batch_size=1000)
    return {s.user: brief.pk for s, brief in zip(seekers, briefs, strict=True)}


def people_at(units: Iterable[int]) -> dict[int, list[tuple[int, int | None]]]:
    """(person, member) of everyone working in each unit now, by reference data; one table a query, as above."""
    in_unit: dict[int, list[int]] = defaultdict(list)
    for chunk in chunked(sorted(set(units))):
        rows = (
            Position.objects.filter(unit_id__in=chunk, end_date__isnull=True)
            .order_by("pk")
            .values_list("unit_id", "person_id", "recorded_by_id")
        )
        for unit, person, recorded_by in rows:
            if recorded_by is None:
                in_unit[unit].append(person)
    members: dict[int, int] = {}
    for chunk in chunked(sorted({person for people in in_unit.values() for person in people})):
        members.update(Person.objects.filter(pk__in=chunk, member__isnull=False).values_list("pk", "member_id"))
    return {unit: [(person, members.get(person)) for person in people] for unit, people in in_unit.items()}


def open_connectors() -> list[int]:
    return list(
        ConnectorSettings.objects.filter(
            open_to_introductions=True, user__email__endswith=f"@{SYNTHETIC_MEMBER_DOMAIN}"
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class Held:
    """A coffee meeting the seeker held: what an outcome can be credited to, and from when."""

    meeting: int
    connector: int | None
    day: datetime.date


def moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def write_meetings(
    seekers: list[HistorySeeker], briefs: dict[int, int], rng: random.Random
) -> tuple[int, dict[int, list[Held]]]:
    """One to three requests each over the year: most held, some declined or closed without an answer. How many
    were written, and the meetings each seeker held."""
    today = timezone.localdate()
    at_unit = people_at(s.unit for s in seekers if s.unit is not None)
    connectors = open_connectors()
    requests: list[MeetingRequest] = []
    planned: list[tuple[int, int | None, datetime.date]] = []
    for seeker in seekers:
        people = [(person, member) for person, member in at_unit.get(seeker.unit or 0, []) if person != seeker.person]
        if not people:
            continue
        sent = today - datetime.timedelta(days=rng.randint(120 if seeker.past else 30, DAYS))
        for person, member in rng.sample(people, min(len(people), rng.choice((1, 1, 2, 2, 3)))):
            connector = rng.choice(connectors) if connectors and rng.random() < 0.4 else None
            if connector == seeker.user:
                connector = None
            request = past_request(seeker, briefs[seeker.user], person, member, connector, sent, rng)
            requests.append(request)
            planned.append((seeker.user, connector, sent + datetime.timedelta(days=7)))
            sent = min(sent + datetime.timedelta(days=rng.randint(5, 20)), today - datetime.timedelta(days=8))
    MeetingRequest.objects.bulk_create(requests, batch_size=1000)
    backdate(MeetingRequest, requests, created=F("first_sent"), updated=F("state_changed"))
    held: dict[int, list[Held]] = defaultdict(list)
    for request, (user, connector, day) in zip(requests, planned, strict=True):
        if request.state in (RequestState.HELD, RequestState.FOLLOWED_UP):
            held[user].append(Held(request.pk, connector, day))
    return len(requests), held


def past_request(
    seeker: HistorySeeker,
    brief: int,
    person: int,
    member: int | None,
    connector: int | None,
    sent: datetime.date,
    rng: random.Random,
) -> MeetingRequest:
    """A request sent on `sent`: held a week later (followed up or not), declined, or never answered."""
    roll = rng.random()
    first_sent = moment(sent, 9)
    reached = None if connector is not None and roll >= 0.85 else moment(sent, 12)
    request = MeetingRequest(
        seeker_id=seeker.user,
        brief_id=brief,
        kind=RequestKind.INTRODUCTION if connector is not None else RequestKind.DIRECT,
        connector_id=connector,
        person_id=person,
        person_member_id=member,
        path=[person],
        first_sent=first_sent,
        reached_person=reached,
        state_changed=first_sent,
    )
    if roll < 0.7:
        starts = moment(sent + datetime.timedelta(days=7), rng.choice((8, 9, 10, 13, 14, 15)))
        request.state = RequestState.FOLLOWED_UP if roll < 0.45 else RequestState.HELD
        request.starts, request.ends = starts, starts + datetime.timedelta(minutes=45)
        request.place = "Café i byen"
        request.seeker_says_held, request.other_says_held = True, (True if member is not None else None)
        request.state_changed = request.ends
        if request.state == RequestState.FOLLOWED_UP:
            request.learned = "Hvad enheden har brug for, og hvem der beslutter."
            request.next_step = "Søge stillingen, når den slås op."
    elif roll < 0.85:
        request.state = RequestState.DECLINED
    else:
        request.state = RequestState.EXPIRED
    return request


def write_names_passed_on(held: dict[int, list[Held]], rng: random.Random) -> int:
    """After some meetings, the person met passed the seeker's name on."""
    rows = [
        MeetingOutcome(request_id=item.meeting, kind=MeetingOutcomeKind.NAME_PASSED_ON)
        for meetings_held in held.values()
        for item in meetings_held
        if rng.random() < 0.4
    ]
    return len(MeetingOutcome.objects.bulk_create(rows, batch_size=1000))


def write_outcomes(seekers: list[HistorySeeker], held: dict[int, list[Held]], rng: random.Random) -> int:
    """Each seeker's steps toward her target, each a few weeks after the one before, all credited alike."""
    today = timezone.localdate()
    rows: list[Outcome] = []
    for seeker in seekers:
        meetings_held = held.get(seeker.user, [])
        day = meetings_held[0].day if meetings_held else today - datetime.timedelta(days=rng.randint(60, DAYS))
        credit, meeting, connector = credit_for(meetings_held, rng)
        reached = None
        for kind, chance in CHANCES[seeker.past].items():
            if rng.random() >= chance:
                break
            day += datetime.timedelta(days=rng.randint(*GAP_DAYS[kind]))
            if day >= today:
                break
            rows.append(outcome(seeker, kind, day, credit, meeting, connector))
            reached = kind
        if reached in (OutcomeKind.INTERVIEW, OutcomeKind.OFFER) and rng.random() < 0.3:
            day += datetime.timedelta(days=rng.randint(*GAP_DAYS[OutcomeKind.DECLINED]))
            if day < today:
                rows.append(outcome(seeker, OutcomeKind.DECLINED, day, credit, meeting, connector))
    Outcome.objects.bulk_create(rows, batch_size=1000)
    backdate(Outcome, rows, created=Cast("date", DateTimeField()))
    return len(rows)


def backdate(model: type[Model], rows: Sequence[Model], **moments: Any) -> None:
    """Give bulk-written rows the times they happened, which `auto_now` fields set to now on insert: a coach's
    caseload reads a seeker's last activity from them, and a seeker quiet for weeks shows as stalled."""
    ids = [row.pk for row in rows]
    for chunk in chunked(ids):
        model._default_manager.filter(pk__in=chunk).update(**moments)


def credit_for(meetings_held: list[Held], rng: random.Random) -> tuple[str, int | None, int | None]:
    """What led there: a coffee meeting, the warm path through its connector, or the advertised channel."""
    if not meetings_held:
        return Credit.ADVERTISED, None, None
    credit = rng.choices([credit for credit, _weight in CREDITS], weights=[weight for _credit, weight in CREDITS])[0]
    first = meetings_held[0]
    if credit == Credit.PATH and first.connector is None:
        credit = Credit.MEETING
    if credit == Credit.ADVERTISED:
        return credit, None, None
    return credit, first.meeting, first.connector


def outcome(
    seeker: HistorySeeker, kind: str, day: datetime.date, credit: str, meeting: int | None, connector: int | None
) -> Outcome:
    return Outcome(
        seeker_id=seeker.user,
        target_id=seeker.target,
        organisation_id=seeker.organisation,
        kind=kind,
        date=day,
        credit=credit,
        meeting_id=meeting,
        connector_id=connector,
        recorded_by_id=seeker.user,
    )


def coach_some(seekers: list[HistorySeeker]) -> int:
    """A few synthetic seekers let Birthe follow them too, so her caseload and its insights have people in them."""
    birthe = login("birthe")
    chosen = sorted(seekers, key=lambda s: (s.past, s.user))[:COACHED_FROM_HISTORY]
    return len(CoachAccess.objects.bulk_create(CoachAccess(seeker_id=s.user, coach=birthe) for s in chosen))
