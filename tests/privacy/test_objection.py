"""The objection page ("I don't want to be in Kaffebro", GDPR Art. 21): confirmed, applied everywhere, and final.

Lone Dahl is not a member. Lars and Jonas both imported her from their LinkedIn connections; Lars kept her e-mail
address. After she objects, their cards and ties for her are gone, and a later import of the same file by anyone
does not bring her back: tested through the real import path.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kaffebro.core.models import Event
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.meetings.texts import OBJECTION_PATH
from kaffebro.network.importing import actions
from kaffebro.network.models import ContactCard, GraphChange, ImportRow, Person, PersonKey, Suppression, Tie

LONE_EMAIL = "lone.dahl@example.dk"
LONE_URL = "https://www.linkedin.com/in/lone-dahl-77"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def connections(*, email: str = LONE_EMAIL, url: str = LONE_URL) -> bytes:
    return (HEADER + f"Lone,Dahl,{url},{email},Novo Nordisk A/S,Chef for Data,02 Jan 2023\n").encode()


def import_connections(member, data: bytes):
    """Upload and confirm, as the import page does."""
    batch = actions.upload_contacts(member, data=data, filename="Connections.csv", keep_contact_details=True)
    return actions.confirm_import(member, batch, background=False)


def lones_cards():
    return ContactCard.objects.filter(full_name="Lone Dahl")


@pytest.fixture
def lone(lars, jonas) -> Person:
    """Lone as Lars's and Jonas's imports left her: one node, two cards, two ties, her keys."""
    import_connections(lars, connections())
    import_connections(jonas, connections(email=""))
    assert lones_cards().count() == 2
    person = Person.objects.get(name="Lone Dahl")
    assert PersonKey.objects.filter(person=person).count() == 2  # her profile address and her e-mail address
    return person


@pytest.fixture
def visitor() -> Client:
    return Client(REMOTE_ADDR="198.51.100.7")


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/privacy/object/confirm/\S+/", message.body).group(0)


def object_by_email(visitor: Client, email: str = LONE_EMAIL):
    return visitor.post(reverse("objection:form"), {"email": email})


def assert_lone_is_gone(person: Person) -> None:
    assert not lones_cards().exists()
    assert not Tie.objects.filter(person_b_id=person.pk).exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert GraphChange.objects.filter(reason="person.objected").exists()


class TestByEmail:
    def test_nothing_happens_before_the_confirmation(self, visitor, lone):
        response = object_by_email(visitor)
        assert response.status_code == 200
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [LONE_EMAIL]
        assert lones_cards().count() == 2
        assert not Suppression.objects.exists()

    def test_the_confirmed_link_removes_her_everywhere(self, visitor, lone):
        object_by_email(visitor)
        link = confirmation_link(mail.outbox[0])
        page = visitor.get(link)
        assert page.status_code == 200
        assert lones_cards().count() == 2  # a mail scanner opening the link changes nothing
        done = visitor.post(link)
        assert done.status_code == 200
        assert_lone_is_gone(lone)
        assert Suppression.objects.count() == 2  # her e-mail address and, from her node, her profile address
        assert not Event.objects.filter(data__icontains="lone").exists()

    def test_a_later_import_by_anyone_does_not_bring_her_back(self, visitor, lone, lars, mette):
        object_by_email(visitor)
        visitor.post(confirmation_link(mail.outbox[0]))
        again = import_connections(lars, connections())
        assert again.counts["skipped"] == 1
        assert ImportRow.objects.get(batch=again).reason == "suppressed"
        import_connections(mette, connections(email=""))  # Mette never had her e-mail: the profile key was listed
        assert not lones_cards().exists()
        assert not Person.objects.filter(name="Lone Dahl").exists()

    def test_the_mail_speaks_the_language_of_the_form(self, lone):
        english = Client(REMOTE_ADDR="198.51.100.8", HTTP_ACCEPT_LANGUAGE="en")
        with translation.override("en"):
            english.post(reverse("objection:form"), {"email": LONE_EMAIL}, HTTP_ACCEPT_LANGUAGE="en")
        assert mail.outbox[0].extra_headers["Content-Language"] == "en"
        assert "Confirm" in mail.outbox[0].subject

    @pytest.mark.parametrize("token", ["made-up-token", "eyJlbWFpbCI6Im5vYm9keUBleGFtcGxlLm9yZyJ9:1vabcd:badsig"])
    def test_a_broken_link_changes_nothing(self, visitor, lone, token):
        url = reverse("objection:confirm", args=[token])
        assert visitor.get(url).status_code == 400
        assert visitor.post(url).status_code == 400
        assert lones_cards().count() == 2

    def test_an_expired_link_changes_nothing(self, visitor, lone, settings):
        object_by_email(visitor)
        link = confirmation_link(mail.outbox[0])
        settings.OBJECTION_LINK_MAX_AGE = -1
        assert visitor.post(link).status_code == 400
        assert lones_cards().count() == 2


class TestByProfileAddress:
    def test_it_is_applied_at_once_and_imports_stay_clean(self, visitor, lone, jonas):
        response = visitor.post(reverse("objection:form"), {"profile_url": "linkedin.com/in/Lone-Dahl-77/?trk=x"})
        assert response.status_code == 200
        assert mail.outbox == []
        assert_lone_is_gone(lone)
        again = import_connections(jonas, connections(email=""))
        assert again.counts["skipped"] == 1
        assert not lones_cards().exists()

    def test_an_open_request_to_meet_her_is_withdrawn(self, visitor, lone, mette, jonas):
        brief = PrepBrief.objects.create(seeker=mette, target=mette.targets.get())
        request = MeetingRequest.objects.create(
            seeker=mette,
            brief=brief,
            kind=RequestKind.INTRODUCTION,
            connector=jonas,
            person=lone,
            state=RequestState.WITH_CONNECTOR,
        )
        visitor.post(reverse("objection:form"), {"profile_url": LONE_URL})
        request.refresh_from_db()
        assert request.state == RequestState.WITHDRAWN
        assert request.person.suppressed and request.person.name == "—"  # kept for Mette's record, nameless
        assert not lones_cards().exists()


def without_tokens(content: bytes) -> str:
    """A page without what differs on every request anyway: CSRF tokens and CSP nonces."""
    return re.sub(r'[A-Za-z0-9]{64}|nonce="[^"]*"', "", content.decode())


class TestNoEnumeration:
    def test_a_known_and_an_unknown_address_get_the_same_answer_and_a_mail(self, lone):
        def answer(email: str) -> str:
            response = Client(REMOTE_ADDR="198.51.100.9").post(reverse("objection:form"), {"email": email})
            assert response.status_code == 200
            return without_tokens(response.content.replace(email.encode(), b"ADDRESS"))

        assert answer(LONE_EMAIL) == answer("nobody.at.all@example.dk")
        assert [message.to for message in mail.outbox] == [[LONE_EMAIL], ["nobody.at.all@example.dk"]]

    def test_a_profile_address_gets_the_same_answer_known_or_not(self, lone):
        def answer(url: str) -> str:
            return without_tokens(
                Client(REMOTE_ADDR="198.51.100.10").post(reverse("objection:form"), {"profile_url": url}).content
            )

        assert answer("https://www.linkedin.com/in/nobody-at-all") == answer(LONE_URL)


class TestLimits:
    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"email": LONE_EMAIL, "profile_url": LONE_URL},
            {"email": "not-an-address"},
            {"profile_url": "https://www.linkedin.com/"},
            {"profile_url": "javascript:alert(1)"},
            {"profile_url": "x" * 600},
        ],
    )
    def test_bad_input_gets_a_message_and_changes_nothing(self, visitor, lone, data):
        response = visitor.post(reverse("objection:form"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert mail.outbox == []
        assert lones_cards().count() == 2

    def test_the_form_is_limited_per_client_address(self, lone, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "privacy": 3}
        visitor = Client(REMOTE_ADDR="198.51.100.11")
        statuses = [object_by_email(visitor, f"person{n}@example.dk").status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert object_by_email(Client(REMOTE_ADDR="198.51.100.12")).status_code == 200

    def test_one_address_gets_at_most_one_mail_a_minute(self, lone):
        for address in ("198.51.100.13", "198.51.100.14"):
            assert object_by_email(Client(REMOTE_ADDR=address)).status_code == 200
        assert len(mail.outbox) == 1


def test_the_pages_are_public_and_linked_from_the_privacy_notice_and_the_introduction(client, db):
    assert reverse("objection:form") == OBJECTION_PATH
    notice = client.get(reverse("core:privacy"))
    assert notice.status_code == 200
    assert reverse("objection:form") in notice.content.decode()
    assert client.get(reverse("objection:form")).status_code == 200
