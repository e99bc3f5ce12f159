"""The cast of the jobs tests, on top of tests/conftest.py.

Birthe is a career coach (an operator made her one); Kim is another coach whom Mette never let
follow her search. `brief` is Mette's ready brief for Digitalisering, `posting` a job posting in
Digitalisering (Sofie decides there) and `other_posting` one in another organisation, where Sofie
decides nothing.
"""

import datetime

import pytest

from kaffebro.accounts.models import User
from kaffebro.meetings import actions as meeting_actions
from kaffebro.meetings.models import PrepBrief
from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Posting, Target, TargetKind, Unit
from tests.conftest import know, make_member
from tests.meetings.conftest import brief_fields


@pytest.fixture
def birthe(db) -> User:
    """Birthe is a career coach at a job club."""
    return make_member("birthe@example.org", "Birthe Madsen", language="en", is_coach=True)


@pytest.fixture
def kim(db) -> User:
    """Kim is a coach too, but nobody has let him follow their search."""
    return make_member("kim@example.org", "Kim Larsen", language="en", is_coach=True)


@pytest.fixture
def target(mette) -> Target:
    return Target.objects.get(seeker=mette)


@pytest.fixture
def brief(mette, target) -> PrepBrief:
    """Mette's ready brief for Digitalisering."""
    return meeting_actions.save_brief(mette, target, brief_fields("en"), base_version=0)


@pytest.fixture
def posting(region_h, digitalisering) -> Posting:
    return Posting.objects.create(
        organisation=region_h, unit=digitalisering, title="Dataanalytiker", deadline=datetime.date(2026, 3, 25)
    )


@pytest.fixture
def other_posting(db) -> Posting:
    """A posting of another organisation: Sofie decides nothing there."""
    organisation = Organisation.objects.create(name="Novo Nordisk", industry="health")
    unit = Unit.objects.create(organisation=organisation, name="Data Science")
    return Posting.objects.create(organisation=organisation, unit=unit, title="Data Scientist")


@pytest.fixture
def posting_target(mette, posting) -> Target:
    return Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=posting, priority=2)


def share_card(seeker, helper, person, answer: str = "pass_on", *, meeting=None):
    """A profile the helper put in play toward one person, answered as given."""
    from django.utils import timezone

    from kaffebro.jobs.models import ProfileShare, ShareRecipient, ShareState

    share = ProfileShare.objects.create(seeker=seeker, helper=helper, note="Mette is great.", state=ShareState.SENT)
    return ShareRecipient.objects.create(
        share=share,
        person=person,
        member=person.member,
        answer=answer,
        answered=timezone.now() if answer != "pending" else None,
        meeting=meeting,
    )


def suggestion_of(seeker, suggested_by, decision_maker, *, unit=None, posting=None, state: str = "new"):
    """A suggestion of the seeker to a decision-maker, for a unit or a posting."""
    from kaffebro.jobs.models import Suggestion

    organisation = posting.organisation if posting is not None else unit.organisation
    return Suggestion.objects.create(
        seeker=seeker,
        suggested_by=suggested_by,
        decision_maker=decision_maker,
        posting=posting,
        unit=unit if posting is None else posting.unit,
        organisation=organisation,
        how_known="We worked together for three years.",
        why_fit="She knows data and people.",
        state=state,
    )


# Postings (tests/jobs/test_postings*.py). Sofie decides in Digitalisering, under Center for IT; Dorte decides in
# Drift, another unit of Center for IT, and nothing else.


@pytest.fixture
def drift(region_h, center_for_it) -> Unit:
    return Unit.objects.create(organisation=region_h, name="Drift", parent=center_for_it)


@pytest.fixture
def dorte(db, region_h, drift) -> User:
    """Dorte decides on hiring in Drift (reading in English)."""
    from kaffebro.network.members import member_person
    from kaffebro.network.models import Position

    user = make_member("dorte@example.org", "Dorte Vang", language="en")
    Position.objects.create(
        person=member_person(user), organisation=region_h, unit=drift, title="Driftschef", is_decision_maker=True
    )
    return user


@pytest.fixture
def client_for():
    """A fresh client logged in as the member (past the second factor, as an operator must be), reading English."""
    from django.test import Client

    from tests.conftest import log_in_with_second_factor

    def logged_in(user: User) -> Client:
        user.language = "en"
        user.save(update_fields=["language"])
        client = Client(raise_request_exception=False)
        log_in_with_second_factor(client, user)
        return client

    return logged_in


# Profiles in play (tests/jobs/test_shares*.py). Mette knows Jonas (her contact) and Birthe coaches her. Jonas
# knows Sofie (a member who decides in Digitalisering), Karin (not a member, in Digitalisering), Peter (not a
# member, elsewhere in Region Hovedstaden), Ulla (not a member, "Udviklingschef" elsewhere: Mette's job field)
# and Bo (nothing to do with her search).


@pytest.fixture
def in_play_cast(jonas, sofie, region_h, digitalisering):
    """Jonas' contacts, by first name: the person of each."""
    from kaffebro.network.members import member_person
    from kaffebro.network.models import Person, Position, Strength
    from tests.conftest import know

    economy = Unit.objects.create(organisation=region_h, name="Økonomi")
    elsewhere = Organisation.objects.create(name="Aarhus Kommune")
    people = {"sofie": member_person(sofie)}
    for name, organisation, unit, title in (
        ("Karin Vestergaard", region_h, digitalisering, "Dataarkitekt"),
        ("Peter Holm", region_h, economy, "Controller"),
        ("Ulla Bach", elsewhere, None, "Udviklingschef"),
        ("Bo Nørgaard", elsewhere, None, "Pedel"),
    ):
        person = Person.objects.create(name=name)
        Position.objects.create(person=person, organisation=organisation, unit=unit, title=title)
        know(jonas, person, strength=Strength.KNOW_WELL, organisation=organisation, title=title)
        people[name.split()[0].lower()] = person
    return people


# The share cast of tests/jobs/test_shares_views.py and tests/api/test_jobs_shares.py: Jonas, with Mette's standing
# consent, puts her in play toward Sofie (a member), Karin (not a member: never named to Mette) and Per (a member).

SHARE_NOTE = "Mette and I worked together for three years; she is the one to talk to about data."


@pytest.fixture
def per(jonas):
    """Per is a member too, in Jonas' contacts."""
    user = make_member("per@example.org", "Per Dahl")
    know(jonas, member_person(user))
    return user


@pytest.fixture
def consent(mette, jonas):
    """Mette's standing consent to Jonas."""
    return give_consent(mette, jonas)


@pytest.fixture
def share(mette, jonas, consent, in_play_cast, per):
    """Jonas' share of Mette toward Sofie, Karin and Per, sent at once (she gave him a standing consent)."""
    from kaffebro.jobs.actions import shares as actions

    people = (in_play_cast["sofie"], in_play_cast["karin"], member_person(per))
    return actions.send_share(jonas, mette, cards_of(jonas, *people), SHARE_NOTE)


@pytest.fixture
def rows(share, in_play_cast, per):
    """The share's recipient rows, by first name."""
    return {
        "sofie": share.recipients.get(person=in_play_cast["sofie"]),
        "karin": share.recipients.get(person=in_play_cast["karin"]),
        "per": share.recipients.get(member=per),
    }


def give_consent(seeker, helper):
    """The seeker's standing consent to the helper, as she agrees to it on the page."""
    from kaffebro.jobs.actions import shares

    text = shares.consent_text(seeker, helper, scope="standing")
    return shares.grant_consent(seeker, helper, shown=shares.text_digest(text))


def cards_of(helper, *people):
    """The helper's contact card codes for these persons, in order."""
    from kaffebro.network.models import ContactCard

    return [ContactCard.objects.get(owner=helper, person=person).code for person in people]


# Candidate suggestions (tests/jobs/test_suggestions*.py, tests/jobs/test_digest.py). Jonas has Mette's standing
# consent once `give_consent(mette, jonas)` ran; Birthe coaches her (`coached`) but has no standing consent, so
# Mette is asked each time. `opening` is a posting in Digitalisering still open for applications.


@pytest.fixture
def opening(region_h, digitalisering) -> Posting:
    """A posting in Digitalisering whose deadline is a month ahead."""
    from django.utils import timezone

    return Posting.objects.create(
        organisation=region_h,
        unit=digitalisering,
        title="Dataanalytiker",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def coached(mette, birthe):
    """Birthe coaches Mette (an open coach access)."""
    from kaffebro.jobs.models import CoachAccess

    return CoachAccess.objects.create(seeker=mette, coach=birthe)
