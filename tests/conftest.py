"""The cast every test can call on.

Mette is a job seeker aiming at Digitalisering in Region Hovedstaden. Jonas is her
connector (opted in) and knows Sofie, the decision-maker in that unit. Lars is a
stranger with his own contacts: he must never see anything of the others.
Olga is an operator. `smtp_server` runs a real SMTP server (aiosmtpd) for tests of what is mailed.
"""

import datetime
import email
import os
import socket
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from kaffebro.accounts import sessions
from kaffebro.accounts.models import User
from kaffebro.core.env import email_settings
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    ContactCard,
    HowKnown,
    Organisation,
    Person,
    Position,
    PublicLevel,
    Region,
    Sector,
    SeekerProfile,
    Strength,
    Target,
    TargetKind,
    Tie,
    TieSource,
    Unit,
)

PASSWORD = "kaffe-og-kage-2026"


# The sweeps of who may open which address (tests/security, the stranger sweep) ask thousands of pages, and the
# rules they check live in Python, not in the database: CI runs them once, in the SQLite pass. The access queries
# themselves run on PostgreSQL with the rest of the suite.
ONCE_IN_THE_SQLITE_PASS = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="an authorization sweep: CI runs it once, in the SQLite pass",
)


def make_member(email: str, name: str, *, language: str = "da", **fields) -> User:
    user = User.objects.create_user(
        email, PASSWORD, display_name=name, language=language, email_verified_at=timezone.now(), **fields
    )
    member_person(user)
    return user


def know(
    owner: User,
    person: Person,
    *,
    strength: int = Strength.KNOW_WELL,
    private: bool = False,
    how: str = HowKnown.FORMER_COLLEAGUE,
    organisation: Organisation | None = None,
    title: str = "",
) -> ContactCard:
    """Record that `owner` knows `person`: a tie and the owner's contact card for them."""
    Tie.objects.create(
        owner=owner,
        person_a=member_person(owner),
        person_b=person,
        strength=strength,
        strength_rated=True,
        how_known=how,
        source=TieSource.MANUAL,
        is_private=private,
        since=datetime.date(2019, 5, 1),
    )
    return ContactCard.objects.create(
        owner=owner,
        person=person,
        full_name=person.name,
        organisation_name=organisation.name if organisation else "",
        title=title,
    )


@pytest.fixture
def region_h(db) -> Organisation:
    return Organisation.objects.create(
        name="Region Hovedstaden",
        aliases=["RegionH"],
        sector=Sector.PUBLIC,
        public_level=PublicLevel.REGION,
        industry="health",
        region=Region.HOVEDSTADEN,
    )


@pytest.fixture
def center_for_it(region_h) -> Unit:
    return Unit.objects.create(organisation=region_h, name="Center for IT")


@pytest.fixture
def digitalisering(region_h, center_for_it) -> Unit:
    return Unit.objects.create(organisation=region_h, name="Digitalisering", parent=center_for_it)


@pytest.fixture
def sofie(db, region_h, digitalisering) -> User:
    """Sofie decides on hiring in Digitalisering."""
    user = make_member("sofie@example.org", "Sofie Holm")
    Position.objects.create(
        person=member_person(user),
        organisation=region_h,
        unit=digitalisering,
        title="Digitaliseringschef",
        is_decision_maker=True,
    )
    return user


@pytest.fixture
def jonas(db, sofie, region_h) -> User:
    """Jonas is an opted-in connector who knows Sofie well."""
    user = make_member("jonas@example.org", "Jonas Berg")
    settings_row = connector_settings(user)
    settings_row.open_to_introductions = True
    settings_row.contacts_private_by_default = False
    settings_row.save()
    know(user, member_person(sofie), strength=Strength.GOOD_CONTACT, organisation=region_h, title="Digitaliseringschef")
    return user


@pytest.fixture
def mette(db, jonas, digitalisering) -> User:
    """Mette is looking for work in Digitalisering and knows Jonas from her old job."""
    user = make_member("mette@example.org", "Mette Kristensen")
    SeekerProfile.objects.create(user=user, headline="Udviklingskonsulent med sans for data", job_fields=["udvikling"])
    Target.objects.create(seeker=user, kind=TargetKind.UNIT, unit=digitalisering, priority=1)
    know(user, member_person(jonas), strength=Strength.CLOSE)
    return user


@pytest.fixture
def lars(db) -> User:
    """Lars is a stranger to everyone above; he has one contact of his own."""
    user = make_member("lars@example.org", "Lars Nielsen", language="en")
    know(user, Person.objects.create(name="Birgit Lund"), strength=Strength.MET_ONCE)
    return user


@pytest.fixture
def olga(db) -> User:
    """Olga is an operator (Django staff)."""
    return make_member("olga@example.org", "Olga Operatør", is_staff=True)


def log_in_with_second_factor(client, user: User) -> None:
    """`client.force_login`, and the session marked as past the second factor, as the log-in form leaves an
    operator or coach who typed their code (without it they would be sent to set up two-factor log-in)."""
    client.force_login(user)
    session = client.session
    session[sessions.SECOND_FACTOR] = sessions.PASSED
    session.save()


@pytest.fixture
def mette_client(client, mette):
    client.force_login(mette)
    return client


@pytest.fixture
def lars_client(client, lars):
    client.force_login(lars)
    return client


@pytest.fixture(autouse=True)
def _own_graph_snapshot(settings, tmp_path):
    """Each test's path searches use a snapshot of its own database, never one left by another test."""
    settings.GRAPH_SNAPSHOT_DIR = tmp_path / "graph"


# A real SMTP server on 127.0.0.1, for tests that check what leaves by mail.


class Collector:
    """The aiosmtpd handler: keeps every message the server accepts."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server; Django's SMTP backend is pointed at it through the EMAIL_URL helper."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    try:
        yield collector
    finally:
        controller.stop()
