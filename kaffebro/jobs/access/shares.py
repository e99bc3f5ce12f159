"""Every read of profiles in play goes through here.

A seeker's profile reaches a third party only with her consent, so who may read what is narrow:

- The seeker sees her consents, every share of her profile (also those passed on), and each answer;
  members as their own profile allows (`show_name_in_paths`), people who are not members never by name,
  only by organisation, unit and role kind, as paths show them.
- A helper may put her in play (`may_ask`) when she gave them a consent before (standing or one-time,
  withdrawn or not: they may ask her again), when they coach her (an open `CoachAccess`) or when they met
  her over coffee (a held request where they were the person met or the connector). Her targets and
  profile are read for suggestions only while she has given that helper a standing consent
  (`targets_for_helper`); without one, the helper chooses from their own contacts and she is asked.
- A helper sees only their own shares, named by their own contact cards.
- A member recipient sees only their own card, and only while the share is in play.

Anyone else gets 404, exactly as if the object did not exist.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.jobs.models import CoachAccess, ConsentScope, ProfileShare, ShareConsent, ShareRecipient, ShareState
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.network import access as network_access
from kaffebro.network.access import target_place
from kaffebro.network.importing.normalise import fold
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    Position,
    SeekerProfile,
    Target,
    TargetKind,
    Unit,
)
from kaffebro.paths.targets import MIN_FIELD_WORD, field_words, stem

MAX_SUGGESTIONS = 30
MAX_QUERY_CHARS = 100
FIELD_PREFILTER = 300  # contacts whose title might fit, read to check the match word by word
LISTED = 50  # seekers of each kind on the helper's overview
MET = (RequestState.HELD, RequestState.FOLLOWED_UP)


# Who may put whom in play


def standing_consent(seeker: User, helper: User) -> ShareConsent | None:
    """The seeker's standing consent to this helper, while it is not withdrawn."""
    return ShareConsent.objects.filter(
        seeker=seeker, helper=helper, scope=ConsentScope.STANDING, withdrawn__isnull=True
    ).first()


def _met(seeker: Any, helper: Any) -> QuerySet[MeetingRequest]:
    """Held requests between the two (either may be an `OuterRef`)."""
    return MeetingRequest.objects.filter(seeker=seeker, state__in=MET).filter(
        Q(person_member=helper) | Q(connector=helper)
    )


def _coaches(seeker: Any, helper: Any) -> QuerySet[CoachAccess]:
    """The open coach access between the two (either may be an `OuterRef`)."""
    return CoachAccess.objects.filter(seeker=seeker, coach=helper, coach__is_coach=True, withdrawn__isnull=True)


def may_ask(helper: User, seeker: User) -> bool:
    """Whether the helper may put the seeker in play (sending at once with a standing consent, else asking her)."""
    if not helper.is_authenticated or helper.pk == seeker.pk or not seeker.is_active:
        return False
    consented = ShareConsent.objects.filter(seeker=seeker, helper=OuterRef("pk"), carried_from__isnull=True)
    return (
        User.objects.filter(pk=helper.pk, is_active=True)
        .filter(
            Q(Exists(consented)) | Q(Exists(_coaches(seeker, OuterRef("pk")))) | Q(Exists(_met(seeker, OuterRef("pk"))))
        )
        .exists()
    )


def eligible_helpers(seeker: User) -> QuerySet[User]:
    """The members a seeker may give a standing consent to: her coaches (open access), members she met over
    coffee (the person she met, or the connector who introduced her), and members among her own contacts.
    Only a seeker gives consent: for anyone else the list would only tell which of their contacts are members."""
    met = MeetingRequest.objects.filter(seeker=seeker, state__in=MET)
    coaches = CoachAccess.objects.filter(seeker=seeker, withdrawn__isnull=True, coach__is_coach=True)
    return (
        User.objects.filter(is_active=True, person__suppressed=False)
        .filter(Exists(SeekerProfile.objects.filter(user=seeker)))
        .exclude(pk=seeker.pk)
        .filter(
            Q(pk__in=met.values("person_member"))
            | Q(pk__in=met.values("connector"))
            | Q(pk__in=coaches.values("coach"))
            | Q(person__in=ContactCard.objects.filter(owner=seeker).values("person"))
        )
        .select_related("person")
        .order_by("display_name", "pk")
    )


@dataclass(frozen=True)
class Playable:
    """A seeker a helper may put in play, with the standing consent she gave them (None: each share asks her)."""

    seeker: User
    profile: SeekerProfile
    consent: ShareConsent | None


def playable_seeker(helper: User, code: str) -> Playable:
    """A seeker by her profile's code, for a helper who may put her in play; 404 for anyone else."""
    profile = SeekerProfile.objects.select_related("user").filter(code=code).first()
    if profile is None or not may_ask(helper, profile.user):
        raise Http404
    return Playable(profile.user, profile, standing_consent(profile.user, helper))


def seekers_for(helper: User) -> list[Playable]:
    """The seekers the helper may put in play: standing consents first, then coachees and seekers met over coffee."""
    if not helper.is_authenticated:
        return []
    found: dict[int, Playable] = {}
    consents = ShareConsent.objects.filter(helper=helper, scope=ConsentScope.STANDING, withdrawn__isnull=True)
    for consent in consents.select_related("seeker__seeker_profile").order_by("-granted")[:LISTED]:
        profile = profile_of(consent.seeker)
        if profile is not None and consent.seeker.is_active:
            found[consent.seeker_id] = Playable(consent.seeker, profile, consent)
    others = (
        User.objects.filter(is_active=True, seeker_profile__isnull=False)
        .filter(Q(Exists(_coaches(OuterRef("pk"), helper))) | Q(Exists(_met(OuterRef("pk"), helper))))
        .exclude(pk__in=[helper.pk, *found])
        .select_related("seeker_profile")
        .order_by("display_name", "pk")[:LISTED]
    )
    for seeker in others:
        found[seeker.pk] = Playable(seeker, seeker.seeker_profile, None)
    return list(found.values())


def profile_of(user: User) -> SeekerProfile | None:
    """The member's seeker profile, if they have one (from the cache when it was selected with them)."""
    try:
        return user.seeker_profile
    except SeekerProfile.DoesNotExist:
        return None


def targets_for_helper(helper: User, playable: Playable) -> list[Target]:
    """Her targets, readable only because she gave this helper a standing consent; none without one."""
    if playable.consent is None or playable.consent.helper_id != helper.pk:
        return []
    return list(network_access.targets_of(playable.seeker))


def consents_of(seeker: User) -> QuerySet[ShareConsent]:
    """The seeker's consents, standing ones still in force first, with the helper each was given to."""
    return (
        ShareConsent.objects.filter(seeker=seeker)
        .select_related("helper")
        .order_by(F("withdrawn").asc(nulls_first=True), "-granted", "-id")
    )


def access_consent(seeker: User, code: str) -> ShareConsent:
    """One of the seeker's own consents; 404 for anyone else's."""
    if not seeker.is_authenticated:
        raise Http404
    return get_object_or_404(consents_of(seeker), code=code)


# Suggestions: which of the helper's own contacts fit


@dataclass(frozen=True)
class Suggestion:
    """One of the owner's contacts, and why it was suggested (in the viewer's language)."""

    card: ContactCard
    reasons: tuple[str, ...]

    @property
    def is_member(self) -> bool:
        member = self.card.person.member
        return member is not None and member.is_active


def _positions_seen_by(owner: User) -> QuerySet[Position]:
    """Current positions as the owner may read them: their own records, reference data, a member's own."""
    return network_access.current_positions().filter(
        Q(recorded_by=owner) | Q(recorded_by__isnull=True) | Q(recorded_by=F("person__member"))
    )


def candidates(owner: User, seeker: User) -> QuerySet[ContactCard]:
    """The owner's contacts the seeker's profile may go to: never herself, the owner, a person who objected,
    or a person or organisation she blocked (her blocks are read only to leave those out, never shown)."""
    blocked = Block.objects.filter(owner=seeker)
    in_blocked = network_access.current_positions().filter(
        person=OuterRef("person"), organisation__in=blocked.filter(organisation__isnull=False).values("organisation")
    )
    return (
        network_access.contacts_of(owner)
        .filter(person__suppressed=False)
        .exclude(person__member=seeker)
        .exclude(person__member=owner)
        .exclude(person__in=blocked.filter(person__isnull=False).values("person"))
        .exclude(Exists(in_blocked))
        .select_related("person__member")
    )


@dataclass(frozen=True)
class Places:
    """Where the seeker's targets point: organisations, units (with the units under them), posting deciders."""

    organisations: dict[int, str]
    units: dict[int, str]
    deciders: frozenset[int]


def _places(targets: list[Target]) -> Places:
    organisations: dict[int, str] = {}
    units: dict[int, str] = {}
    deciders = set()
    for target in targets:
        organisation, unit = target_place(target)
        if organisation is not None:
            organisations[organisation.pk] = organisation.name
        if unit is not None:
            units[unit.pk] = unit.name
        if target.posting is not None and target.posting.decision_maker_id:
            deciders.add(target.posting.decision_maker_id)
    if units:
        children: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
        for unit_id, parent_id, name in Unit.objects.filter(organisation_id__in=organisations).values_list(
            "id", "parent_id", "name"
        ):
            children[parent_id].append((unit_id, name))
        stack = list(units)
        while stack:
            for child, name in children[stack.pop()]:
                if child not in units:
                    units[child] = name
                    stack.append(child)
    return Places(organisations, units, frozenset(deciders))


def job_fields_of(playable: Playable, targets: list[Target]) -> list[str]:
    """The job fields of her profile and of her job-field targets (read only with her standing consent)."""
    if playable.consent is None:
        return []
    fields = [str(field) for field in playable.profile.job_fields if str(field).strip()]
    fields += [target.job_field for target in targets if target.kind == TargetKind.FIELD]
    return list(dict.fromkeys(fields))


def suggest(
    owner: User, seeker: User, *, targets: list[Target], job_fields: list[str], query: str = ""
) -> list[Suggestion]:
    """Up to MAX_SUGGESTIONS of the owner's contacts: those matching a search, or else those working where the
    seeker wants to land (the decision-maker of a posting she aims at first, then in a target unit, then in a
    target organisation; decision-makers first), then those whose title fits one of her job fields. Each comes
    with why it was suggested."""
    base = candidates(owner, seeker)
    query = query.strip()[:MAX_QUERY_CHARS]
    if query:
        found = base.filter(
            Q(full_name__icontains=query) | Q(organisation_name__icontains=query) | Q(title__icontains=query)
        )[:MAX_SUGGESTIONS]
        return [Suggestion(card, (_("Matches your search"),)) for card in found]
    suggestions = _at_places(owner, base, _places(targets), seeker.display_name)
    room = MAX_SUGGESTIONS - len(suggestions)
    if room > 0 and job_fields:
        taken = [suggestion.card.pk for suggestion in suggestions]
        suggestions += _by_field(owner, base.exclude(pk__in=taken), job_fields, room)
    return suggestions


def _at_places(owner: User, base: QuerySet[ContactCard], places: Places, seeker: str) -> list[Suggestion]:
    if not places.organisations:
        return []
    seen = _positions_seen_by(owner).filter(person=OuterRef("person"))
    at_place = Q(Exists(seen.filter(organisation_id__in=places.organisations)))
    decides = Q(Exists(seen.filter(organisation_id__in=places.organisations, is_decision_maker=True)))
    cards = list(
        base.filter(at_place | Q(person_id__in=places.deciders))
        .annotate(
            on_posting=Case(When(person_id__in=places.deciders, then=Value(1)), default=Value(0)),
            in_unit=Case(When(Q(Exists(seen.filter(unit_id__in=places.units))), then=Value(1)), default=Value(0)),
            decides=Case(When(decides, then=Value(1)), default=Value(0)),
        )
        .order_by("-on_posting", "-in_unit", "-decides", F("tie_strength").desc(nulls_last=True), "full_name", "id")[
            :MAX_SUGGESTIONS
        ]
    )
    positions = _positions_of(owner, [card.person_id for card in cards])
    return [Suggestion(card, _place_reasons(card, positions[card.person_id], places, seeker)) for card in cards]


def _positions_of(owner: User, person_ids: list[int]) -> dict[int, list[Position]]:
    found: dict[int, list[Position]] = defaultdict(list)
    rows = _positions_seen_by(owner).filter(person_id__in=person_ids).select_related("organisation", "unit")
    for position in rows.order_by("-is_decision_maker", "id"):
        found[position.person_id].append(position)
    return found


def _place_reasons(card: ContactCard, positions: list[Position], places: Places, seeker: str) -> tuple[str, ...]:
    reasons = []
    if card.person_id in places.deciders:
        reasons.append(_("Decides on hiring for a posting %(seeker)s aims at") % {"seeker": seeker})
    in_unit = next((p for p in positions if p.unit_id in places.units), None)
    in_organisation = next((p for p in positions if p.organisation_id in places.organisations), None)
    if in_unit is not None and in_unit.unit is not None:
        values = {"unit": in_unit.unit.name, "organisation": in_unit.organisation.name, "seeker": seeker}
        reasons.append(_("Works in %(unit)s at %(organisation)s, where %(seeker)s wants to land") % values)
    elif in_organisation is not None:
        values = {"organisation": in_organisation.organisation.name, "seeker": seeker}
        reasons.append(_("Works at %(organisation)s, where %(seeker)s wants to land") % values)
    deciding = in_unit or in_organisation
    if deciding is not None and deciding.is_decision_maker:
        reasons.append(_("Decides on hiring there"))
    return tuple(reasons)


def _raw_stems(fields: list[str]) -> set[str]:
    """Stems of the fields as typed (not transliterated), with a capital first letter too: the database's
    case-insensitive match knows only ASCII letters on SQLite."""
    stems = set()
    for text in fields:
        for word in re.split(r"\W+", text.casefold()):
            if len(word) >= MIN_FIELD_WORD:
                stems |= {stem(word), stem(word).capitalize()}
    for text in fields:
        stems |= set(field_words(text).stems)
    return stems


def _by_field(owner: User, base: QuerySet[ContactCard], job_fields: list[str], room: int) -> list[Suggestion]:
    stems = _raw_stems(job_fields)
    if not stems:
        return []
    seen = _positions_seen_by(owner).filter(person=OuterRef("person"))
    maybe = Q()
    for part in stems:
        maybe |= Q(title__icontains=part) | Q(Exists(seen.filter(title__icontains=part)))
    cards = list(
        base.filter(maybe).order_by(F("tie_strength").desc(nulls_last=True), "full_name", "id")[:FIELD_PREFILTER]
    )
    positions = _positions_of(owner, [card.person_id for card in cards])
    words = [(text, field_words(text)) for text in job_fields]
    found = []
    for card in cards:
        titles = [card.title] + [position.title for position in positions[card.person_id]]
        match = next(((title, text) for title in titles if title for text, w in words if w.matches(fold(title))), None)
        if match is not None:
            reason = _("Their title, %(title)s, fits the job field %(field)s") % {"title": match[0], "field": match[1]}
            found.append(Suggestion(card, (reason,)))
            if len(found) == room:
                break
    return found


# Shares, as the helper sees them


def shares_by(helper: User) -> QuerySet[ProfileShare]:
    """The helper's own shares, newest first."""
    if not helper.is_authenticated:
        return ProfileShare.objects.none()
    return ProfileShare.objects.filter(helper=helper).select_related("seeker")


def access_own_share(helper: User, code: str) -> ProfileShare:
    """One of the helper's own shares with its recipients; 404 for anyone else's."""
    rows = ShareRecipient.objects.select_related("person__member", "meeting").order_by("created", "id")
    return get_object_or_404(
        shares_by(helper).select_related("seeker__seeker_profile").prefetch_related(Prefetch("recipients", rows)),
        code=code,
    )


def card_names(owner: User, person_ids: list[int]) -> dict[int, str]:
    """The owner's own names for persons, from their contact cards."""
    cards = ContactCard.objects.filter(owner=owner, person_id__in=person_ids).order_by("id")
    names: dict[int, str] = {}
    for person_id, name in cards.values_list("person_id", "full_name"):
        names.setdefault(person_id, name)
    return names


def access_helpers_recipient(helper: User, code: str) -> ShareRecipient:
    """A non-member recipient of one of the helper's shares, whose answer the helper records; 404 otherwise."""
    if not helper.is_authenticated:
        raise Http404
    return get_object_or_404(
        ShareRecipient.objects.select_related("share", "person"),
        share__helper=helper,
        member__isnull=True,
        code=code,
    )


# Cards, as a member recipient sees them


def passed_on_by(share: ProfileShare) -> str:
    """Who the helper got the profile from, when they passed it on (the card's reader knows the helper)."""
    if share.passed_on_from_id is None:
        return ""
    origin = ShareRecipient.objects.filter(pk=share.passed_on_from_id)
    return origin.values_list("share__helper__display_name", flat=True).first() or ""


def cards_for(member: User) -> QuerySet[ShareRecipient]:
    """The cards sent to the member, while their share is in play."""
    if not member.is_authenticated:
        return ShareRecipient.objects.none()
    return ShareRecipient.objects.filter(member=member, share__state=ShareState.SENT).select_related(
        "share__seeker__seeker_profile", "share__helper", "meeting"
    )


def access_card(member: User, code: str) -> ShareRecipient:
    """The member's own card; 404 for anyone else, and once the share is no longer in play."""
    return get_object_or_404(cards_for(member), code=code)


# Shares, as the seeker sees them


def shares_of(seeker: User) -> QuerySet[ProfileShare]:
    """Every share of the seeker's profile, also those passed on, with their recipients."""
    if not seeker.is_authenticated:
        return ProfileShare.objects.none()
    rows = ShareRecipient.objects.select_related("person", "member__connector_settings", "meeting").order_by(
        "created", "id"
    )
    return (
        ProfileShare.objects.filter(seeker=seeker)
        .select_related("helper__connector_settings", "passed_on_from__share__helper")
        .prefetch_related(Prefetch("recipients", rows))
    )


def share_for_notice(share_id: int) -> ProfileShare | None:
    """A share with its people and recipients, for a notice, which checks who reads it itself."""
    return (
        ProfileShare.objects.select_related("seeker", "helper__connector_settings")
        .prefetch_related("recipients")
        .filter(pk=share_id)
        .first()
    )


def access_seekers_share(seeker: User, code: str) -> ProfileShare:
    """One share of the seeker's own profile; 404 for anyone else."""
    return get_object_or_404(shares_of(seeker), code=code)


def shows_name(member: User) -> bool:
    """A member's own setting: shown by name in other members' paths (the default), or only as a role."""
    try:
        return bool(member.connector_settings.show_name_in_paths)
    except ConnectorSettings.DoesNotExist:
        return True


def _role_kind(position: Position | None, helper_name: str) -> str:
    """A person by role kind and place only, as paths show a hidden name."""
    if position is None:
        return _("someone %(helper)s knows") % {"helper": helper_name}
    values = {"unit": position.unit.name if position.unit else "", "organisation": position.organisation.name}
    if position.is_decision_maker and position.unit:
        return _("a decision-maker in %(unit)s at %(organisation)s") % values
    if position.is_decision_maker:
        return _("a decision-maker at %(organisation)s") % values
    if position.unit:
        return _("someone in %(unit)s at %(organisation)s") % values
    return _("someone at %(organisation)s") % values


def helper_shown_to_seeker(share: ProfileShare) -> str:
    """The helper as the seeker sees them: by name when she consented to them herself (a share not passed on),
    else as their own profile allows."""
    helper = share.helper
    if share.passed_on_from_id is None or shows_name(helper):
        return helper.display_name
    return _("a member who received your profile")


def recipients_shown_to_seeker(shares: list[ProfileShare]) -> dict[int, str]:
    """Per recipient row: a member by name as their profile allows; anyone else never by name, only by
    organisation, unit and role kind (one query for every row of the shares)."""
    rows = [(share, row) for share in shares for row in share.recipients.all()]
    person_ids = [row.person_id for _share, row in rows]
    positions: dict[int, list[Position]] = defaultdict(list)
    current = network_access.current_positions().filter(person_id__in=person_ids).select_related("organisation", "unit")
    for position in current.order_by("-is_decision_maker", "id"):
        positions[position.person_id].append(position)
    shown = {}
    for share, row in rows:
        member = row.member
        if member is not None and member.is_active and shows_name(member):
            shown[row.pk] = member.display_name
            continue
        readable = {None, share.helper_id, row.person.member_id}
        place = next((p for p in positions[row.person_id] if p.recorded_by_id in readable), None)
        shown[row.pk] = _role_kind(place, helper_shown_to_seeker(share))
    return shown
