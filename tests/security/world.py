"""One world for the authorization matrices: every role as a named member, and for every kind of object an
address takes a code for, one on the "own" side and one that belongs to someone else ("foreign").

The web matrix (test_authorization_matrix.py) and the API matrix (test_api_authorization_matrix.py) ask the
same world, so a role means the same in both. Public names (keep them stable, the API matrix imports them):

- `build_world()`: creates every row below (call it with database access).
- `ROLES`: the role names, in a fixed order; `ANONYMOUS` is the visitor without an account (no user).
- `MEMBER_ROLES`: every role but `ANONYMOUS`; `SECOND_FACTOR_ROLES`: the roles that must pass the second factor.
- `World`: the dataclass `build_world()` returns. `world.users[role]` is the member of a role (no entry for
  `ANONYMOUS`); `world.own[kind]` and `world.foreign[kind]` are codes; `world.foreign_parties[kind]` (the
  constant `FOREIGN_PARTIES`, for parametrizing before a world exists) names the roles that are themselves a
  party to the foreign object: for them it is not foreign, so ask them only the own one. `world.extras` holds
  members outside the roles (ulrik).
  `world.client(role)` is a fresh `Client(raise_request_exception=False)`, logged in as the role's member (past
  the second factor for a coach or an operator); `world.log_in_everyone()` makes one session per role up
  front, which later clients reuse (only for a world built once per module, see conftest.py).
- `KINDS`: every object kind, with what its own and foreign object are (the docstrings below say more).

The cast (tests/conftest.py and tests/jobs/conftest.py tell their stories):

- mette: the seeker, owner of every own object. She aims at Digitalisering (Region Hovedstaden) and a posting.
- nanna: another seeker; the foreign objects are hers (with ulrik, an extra member outside the roles, as her
  connector and coach, and dorte deciding on her suggestion).
- jonas: a connector (open to introductions) whom Mette gave standing consent to put her profile in play; he
  is the connector of her meeting request, the helper of her profile in play and the suggester of her suggestion.
- karl: a connector Mette knows, without any consent of hers.
- birthe: a coach Mette let follow her search (CoachAccess). kim: a coach without access to anyone.
- sofie: decision-maker in Digitalisering, Mette's target unit: the person to meet of Mette's request, the
  recipient of her profile in play and of her suggestion, and the manager of the own posting.
- dorte: decision-maker in Drift, another unit of the same organisation: manager of the foreign posting.
- olga: an operator (staff). lars: a member with no role at all.

Object kinds (own / foreign):

- contact_card, import_batch (waiting to be confirmed), finished_import, merge_suggestion, block, api_token,
  notification, target, brief (the target's code), outcome, consent (ShareConsent), seeker_profile: Mette's /
  Nanna's.
- organisation: Region Hovedstaden (public) / Nanna's private organisation.
- private_organisation: Mette's private organisation / Nanna's private organisation.
- unit: Digitalisering (public) / Drift (public too: units have no owner).
- posting: the posting in Digitalisering (Sofie manages it) / one in Drift (Dorte manages it).
- manageable_organisation: Region Hovedstaden (Sofie and Dorte post for it) / Novo Nordisk (nobody in the world).
- meeting: Mette's request through Jonas to Sofie (scheduled) / Nanna's direct request to a non-member.
- way: the signed way in (not a code: the `way` query parameter of meetings:start) of Mette's path to Sofie
  through Jonas / of Nanna's path to Dorte through Ulrik.
- share: Jonas' share of Mette's profile / Ulrik's share of Nanna's.
- card: Sofie's card in Jonas' share of Mette / Dorte's card in Ulrik's share of Nanna (a member recipient).
- recipient: the non-member recipient of Jonas' share of Mette / of Ulrik's share of Nanna.
- suggestion: Jonas suggesting Mette to Sofie / Ulrik suggesting Nanna to Dorte.
- coach_access: Mette's access for Birthe / Nanna's access for Ulrik.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.api.models import ApiToken
from kaffebro.core.models import Event
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
from kaffebro.meetings.models import MeetingRequest, PrepBrief, ProposedTime, RequestKind, RequestState
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    Block,
    ImportBatch,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    Position,
    Posting,
    PublicLevel,
    Region,
    Sector,
    SeekerProfile,
    Strength,
    Target,
    TargetKind,
    Unit,
)
from kaffebro.notifications.models import Notification, NotificationPreferences
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in
from tests.conftest import know, log_in_with_second_factor, make_member

ANONYMOUS = "anonymous"
ROLES = ("anonymous", "mette", "nanna", "jonas", "karl", "birthe", "kim", "sofie", "dorte", "olga", "lars")
MEMBER_ROLES = tuple(role for role in ROLES if role != ANONYMOUS)
SECOND_FACTOR_ROLES = frozenset({"birthe", "kim", "olga"})

# The roles that are themselves a party to a kind's foreign object (Nanna's side): for them it is not foreign.
FOREIGN_PARTIES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "contact_card",
            "import_batch",
            "finished_import",
            "merge_suggestion",
            "block",
            "api_token",
            "notification",
            "target",
            "brief",
            "outcome",
            "consent",
            "seeker_profile",
            "organisation",
            "private_organisation",
            "meeting",
            "way",
            "share",
            "recipient",
            "coach_access",
        ),
        frozenset({"nanna"}),
    ),
    "unit": frozenset(),
    "manageable_organisation": frozenset(),
    "posting": frozenset({"dorte"}),
    "card": frozenset({"nanna", "dorte"}),
    "suggestion": frozenset({"nanna", "dorte"}),
}

KINDS = (
    "contact_card",
    "import_batch",
    "finished_import",
    "merge_suggestion",
    "block",
    "api_token",
    "notification",
    "target",
    "brief",
    "outcome",
    "consent",
    "seeker_profile",
    "organisation",
    "private_organisation",
    "unit",
    "posting",
    "manageable_organisation",
    "meeting",
    "way",
    "share",
    "card",
    "recipient",
    "suggestion",
    "coach_access",
)


@dataclass
class World:
    users: dict[str, User]
    own: dict[str, str] = field(default_factory=dict)
    foreign: dict[str, str] = field(default_factory=dict)
    foreign_parties: dict[str, frozenset[str]] = field(default_factory=lambda: dict(FOREIGN_PARTIES))
    extras: dict[str, User] = field(default_factory=dict)
    session_keys: dict[str, str] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A fresh client for the role: anonymous, or logged in (past the second factor where one is needed).

        After `log_in_everyone()` the client reuses the role's session instead of logging in again.
        """
        client = Client(raise_request_exception=False)
        if role == ANONYMOUS:
            return client
        if role in self.session_keys:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_keys[role]
            return client
        user = self.users[role]
        if role in SECOND_FACTOR_ROLES:
            log_in_with_second_factor(client, user)
        else:
            client.force_login(user)
        return client

    def log_in_everyone(self) -> None:
        """One session per role, kept for every later `client(role)`.

        Only for a world whose rows outlive each test (built once per module): a session made inside a test's
        transaction is gone after it. A log-out in a test deletes its session only until that test rolls back.
        """
        for role in MEMBER_ROLES:
            self.session_keys[role] = self.client(role).cookies[settings.SESSION_COOKIE_NAME].value

    def parties_of_foreign(self, kind: str) -> frozenset[str]:
        return self.foreign_parties.get(kind, frozenset())


def build_world() -> World:
    """The whole world in one go (about a second on SQLite): members first, then each side's objects."""
    places = _places()
    users = _members(places)
    extras = {"ulrik": make_member("ulrik@example.org", "Ulrik Dahl", language="en", is_coach=True)}
    _seekers(users, places)
    world = World(users=users, extras=extras)
    _network_objects(world, places)
    _meetings(world, places)
    _jobs(world, places)
    return world


@dataclass
class _Places:
    region_h: Organisation
    digitalisering: Unit
    drift: Unit
    novo: Organisation
    posting: Posting
    drift_posting: Posting


def _places() -> _Places:
    region_h = Organisation.objects.create(
        name="Region Hovedstaden",
        sector=Sector.PUBLIC,
        public_level=PublicLevel.REGION,
        region=Region.HOVEDSTADEN,
    )
    center = Unit.objects.create(organisation=region_h, name="Center for IT")
    digitalisering = Unit.objects.create(organisation=region_h, name="Digitalisering", parent=center)
    drift = Unit.objects.create(organisation=region_h, name="Drift", parent=center)
    novo = Organisation.objects.create(name="Novo Nordisk", industry="health")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    posting = Posting.objects.create(
        organisation=region_h, unit=digitalisering, title="Dataanalytiker", deadline=deadline
    )
    drift_posting = Posting.objects.create(organisation=region_h, unit=drift, title="Driftstekniker", deadline=deadline)
    return _Places(region_h, digitalisering, drift, novo, posting, drift_posting)


def _decides(user: User, places: _Places, unit: Unit, title: str) -> None:
    Position.objects.create(
        person=member_person(user), organisation=places.region_h, unit=unit, title=title, is_decision_maker=True
    )


def _open_to_introductions(user: User) -> None:
    settings_row = connector_settings(user)
    settings_row.open_to_introductions = True
    settings_row.contacts_private_by_default = False
    settings_row.save()


def _members(places: _Places) -> dict[str, User]:
    users = {
        "mette": make_member("mette@example.org", "Mette Kristensen"),
        "nanna": make_member("nanna@example.org", "Nanna Friis"),
        "jonas": make_member("jonas@example.org", "Jonas Berg"),
        "karl": make_member("karl@example.org", "Karl Toft"),
        "birthe": make_member("birthe@example.org", "Birthe Madsen", language="en", is_coach=True),
        "kim": make_member("kim@example.org", "Kim Larsen", language="en", is_coach=True),
        "sofie": make_member("sofie@example.org", "Sofie Holm"),
        "dorte": make_member("dorte@example.org", "Dorte Vang", language="en"),
        "olga": make_member("olga@example.org", "Olga Operatør", is_staff=True),
        "lars": make_member("lars@example.org", "Lars Nielsen", language="en"),
    }
    _decides(users["sofie"], places, places.digitalisering, "Digitaliseringschef")
    _decides(users["dorte"], places, places.drift, "Driftschef")
    _open_to_introductions(users["jonas"])
    _open_to_introductions(users["karl"])
    know(users["jonas"], member_person(users["sofie"]), strength=Strength.GOOD_CONTACT, organisation=places.region_h)
    know(users["lars"], Person.objects.create(name="Birgit Lund"), strength=Strength.MET_ONCE)
    return users


def _seekers(users: dict[str, User], places: _Places) -> None:
    """Mette aims at Digitalisering and the posting there; Nanna at Novo Nordisk."""
    mette, nanna = users["mette"], users["nanna"]
    SeekerProfile.objects.create(user=mette, headline="Udviklingskonsulent med sans for data", job_fields=["data"])
    SeekerProfile.objects.create(user=nanna, headline="Projektleder", job_fields=["projekt"])
    Target.objects.create(seeker=mette, kind=TargetKind.UNIT, unit=places.digitalisering, priority=1)
    Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=places.posting, priority=2)
    Target.objects.create(seeker=nanna, kind=TargetKind.ORGANISATION, organisation=places.novo, priority=1)
    know(mette, member_person(users["jonas"]), strength=Strength.CLOSE)
    know(mette, member_person(users["karl"]), strength=Strength.KNOW_WELL)


def _side_objects(owner: User, label: str) -> dict[str, str]:
    """The network objects every member has of their own: a contact, an import, a duplicate, a block, ..."""
    hideaway = Organisation.objects.create(name=f"{label}s hemmelige sted", private_to=owner)
    confidant = Person.objects.create(name=f"{label}s fortrolige")
    card = know(owner, confidant, private=True, organisation=hideaway, title="Rådgiver")
    batch = ImportBatch.objects.create(
        owner=owner, filename=f"{label}.csv", content=b"First Name,Last Name\nA,B\n", total_rows=1
    )
    finished = ImportBatch.objects.create(
        owner=owner, filename=f"{label}.csv", status=ImportStatus.DONE, counts={"created": 1}, total_rows=1
    )
    twin = Person.objects.create(name=f"{label}s fortrolige (dublet)")
    duplicate = MergeSuggestion.objects.create(owner=owner, person=twin, candidate=confidant, score=90, reason="x")
    block = Block.objects.create(owner=owner, organisation=Organisation.objects.create(name=f"Ikke {label} A/S"))
    token = ApiToken.objects.create(user=owner, name=f"{label}s token", prefix=f"kb_{label[:4]}", hash=label * 8)
    event = Event.objects.create(kind="tests.notice", subject=card.code)
    notification = Notification.objects.create(recipient=owner, event=event, kind="tests.notice")
    NotificationPreferences.objects.create(user=owner)
    target = Target.objects.filter(seeker=owner).order_by("priority").first()
    outcome = Outcome.objects.create(
        seeker=owner, kind=OutcomeKind.APPLIED, date=datetime.date(2026, 2, 1), credit=Credit.PATH, recorded_by=owner
    )
    return {
        "contact_card": card.code,
        "import_batch": batch.code,
        "finished_import": finished.code,
        "merge_suggestion": duplicate.code,
        "block": block.code,
        "api_token": token.code,
        "notification": notification.code,
        "target": target.code,
        "brief": target.code,
        "outcome": outcome.code,
        "seeker_profile": owner.seeker_profile.code,
        "private_organisation": hideaway.code,
    }


def _network_objects(world: World, places: _Places) -> None:
    world.own.update(_side_objects(world.users["mette"], "Mette"))
    world.foreign.update(_side_objects(world.users["nanna"], "Nanna"))
    world.own["organisation"] = places.region_h.code
    world.foreign["organisation"] = world.foreign["private_organisation"]
    world.own["unit"], world.foreign["unit"] = places.digitalisering.code, places.drift.code
    world.own["posting"], world.foreign["posting"] = places.posting.code, places.drift_posting.code
    world.own["manageable_organisation"], world.foreign["manageable_organisation"] = (
        places.region_h.code,
        places.novo.code,
    )


def _meetings(world: World, places: _Places) -> None:
    """Mette's request through Jonas to Sofie, with a time agreed; Nanna's direct one to a non-member.

    Also the signed ways in a path card hands to the request flow: Mette's to Sofie through Jonas, Nanna's to
    Dorte through Ulrik (each token names its viewer).
    """
    mette, nanna, jonas, sofie = (world.users[name] for name in ("mette", "nanna", "jonas", "sofie"))
    now = timezone.now()
    target = Target.objects.get(seeker=mette, priority=1)
    brief = PrepBrief.objects.create(seeker=mette, target=target, ask="Mettes brief: hvordan arbejder I med data?")
    own = MeetingRequest.objects.create(
        seeker=mette,
        brief=brief,
        kind=RequestKind.INTRODUCTION,
        connector=jonas,
        person=member_person(sofie),
        person_member=sofie,
        path=[jonas.person.pk, sofie.person.pk],
        state=RequestState.SCHEDULED,
        first_sent=now,
        reached_person=now,
        message="Mettes besked",
        starts=now + datetime.timedelta(days=3),
        ends=now + datetime.timedelta(days=3, hours=1),
    )
    ProposedTime.objects.create(request=own, starts=own.starts, ends=own.ends, proposed_by=sofie)
    stranger = Person.objects.create(name="Pia Poulsen")
    nannas_target = Target.objects.get(seeker=nanna)
    foreign = MeetingRequest.objects.create(
        seeker=nanna,
        brief=PrepBrief.objects.create(seeker=nanna, target=nannas_target, ask="Nannas brief"),
        kind=RequestKind.DIRECT,
        person=stranger,
        path=[stranger.pk],
        state=RequestState.SCHEDULING,
        first_sent=now,
        reached_person=now,
    )
    world.own["meeting"], world.foreign["meeting"] = own.code, foreign.code
    to_digitalisering = TargetSpec.for_unit(places.digitalisering)
    world.own["way"] = sign_way_in(mette.pk, to_digitalisering, (jonas.person.pk, sofie.person.pk))
    ulrik, dorte = world.extras["ulrik"], world.users["dorte"]
    world.foreign["way"] = sign_way_in(nanna.pk, TargetSpec.for_unit(places.drift), (ulrik.person.pk, dorte.person.pk))


def _profile_in_play(seeker: User, helper: User, member: User, outsider: Person) -> tuple[ShareConsent, ProfileShare]:
    consent = ShareConsent.objects.create(seeker=seeker, helper=helper, scope=ConsentScope.STANDING, text="Ja")
    share = ProfileShare.objects.create(
        seeker=seeker, helper=helper, consent=consent, note="God kandidat", state=ShareState.SENT
    )
    ShareRecipient.objects.create(share=share, person=member_person(member), member=member, answer="pending")
    ShareRecipient.objects.create(share=share, person=outsider, answer="pending")
    return consent, share


def _suggestion(seeker: User, helper: User, decision_maker: User, consent: ShareConsent, unit: Unit) -> Suggestion:
    return Suggestion.objects.create(
        seeker=seeker,
        suggested_by=helper,
        decision_maker=decision_maker,
        consent=consent,
        unit=unit,
        organisation=unit.organisation,
        how_known="Vi arbejdede sammen i tre år.",
        why_fit="Hun kan data og mennesker.",
        state=SuggestionState.NEW,
    )


def _jobs(world: World, places: _Places) -> None:
    """Profiles in play, suggestions and coaching: Mette's with Jonas, Sofie and Birthe; Nanna's with Ulrik."""
    mette, nanna, ulrik = world.users["mette"], world.users["nanna"], world.extras["ulrik"]
    know(ulrik, member_person(nanna), strength=Strength.CLOSE)
    know(nanna, member_person(ulrik), strength=Strength.CLOSE)
    know(ulrik, member_person(world.users["dorte"]), strength=Strength.GOOD_CONTACT)
    own_consent, own_share = _profile_in_play(
        mette, world.users["jonas"], world.users["sofie"], Person.objects.create(name="Karin Vestergaard")
    )
    foreign_consent, foreign_share = _profile_in_play(
        nanna, ulrik, world.users["dorte"], Person.objects.create(name="Peter Holm")
    )
    world.own["consent"], world.foreign["consent"] = own_consent.code, foreign_consent.code
    world.own["share"], world.foreign["share"] = own_share.code, foreign_share.code
    for kind, share in (("own", own_share), ("foreign", foreign_share)):
        getattr(world, kind)["card"] = share.recipients.get(member__isnull=False).code
        getattr(world, kind)["recipient"] = share.recipients.get(member__isnull=True).code
    own = _suggestion(mette, world.users["jonas"], world.users["sofie"], own_consent, places.digitalisering)
    foreign = _suggestion(nanna, ulrik, world.users["dorte"], foreign_consent, places.drift)
    world.own["suggestion"], world.foreign["suggestion"] = own.code, foreign.code
    own_access = CoachAccess.objects.create(seeker=mette, coach=world.users["birthe"])
    foreign_access = CoachAccess.objects.create(seeker=nanna, coach=ulrik)
    CoachNote.objects.create(seeker=mette, coach=world.users["birthe"], text="Birthes note om Mette")
    world.own["coach_access"], world.foreign["coach_access"] = own_access.code, foreign_access.code
