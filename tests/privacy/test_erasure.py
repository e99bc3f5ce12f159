"""Erasure (GDPR Art. 17): deleting an account really deletes, checked by introspecting every foreign key.

Mette holds every role at once (tests/privacy/conftest.py). After `erase_member`, no row that pointed at her or at
her node may remain, except the reviewed neutral records below, and no text anywhere may still hold her words.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse

from kaffebro.accounts.models import User
from kaffebro.core.models import ErasureLog, Event
from kaffebro.core.personal_data import NEUTRAL_NAME, erase_member
from kaffebro.jobs.models import ProfileShare, ShareConsent, Suggestion
from kaffebro.meetings.models import MeetingRequest, RequestKind, RequestState
from kaffebro.meetings.personal_data import PARTY_ERASED, REQUEST_ERASED
from kaffebro.network.models import ContactCard, GraphChange, Person, Tie
from kaffebro.notifications import registry
from kaffebro.notifications.models import Notification
from kaffebro.paths import snapshot
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from tests.conftest import PASSWORD, log_in_with_second_factor
from tests.privacy.conftest import METTES_WORDS

# Reviewed: rows that pointed at the erased member (or her node) and may stay, because another member keeps them.
# Each stays only without her: the check after the list proves it.
NEUTRAL_RECORDS = {
    ("core.Event", "actor"): "the log of what happened stays; the actor is emptied and her words scrubbed",
    ("core.AccessLog", "viewer"): "a seeker's record that her coach read her page stays hers; who read is emptied",
    ("meetings.MeetingRequest", "connector"): "a seeker's request she introduced stays the seeker's, without her",
    ("meetings.MeetingRequest", "person_member"): "a seeker's request to meet her stays the seeker's, without her",
    ("meetings.MeetingRequest", "person"): "... and points at her node, kept nameless",
    ("jobs.Outcome", "connector"): "a seeker's outcome stays hers; the credit to the connector is emptied",
    ("jobs.Outcome", "recorded_by"): "a seeker's outcome her coach recorded stays hers, recorded by her",
    ("network.Posting", "created_by"): "postings are shared reference data; who typed it in is emptied",
    ("network.Posting", "decision_maker"): "... and it no longer names her as the decision-maker",
    ("network.Tie", "person_b"): "another member's tie to her node is theirs (their address book)",
    ("network.ContactCard", "person"): "another member's contact card of her is theirs",
    ("network.Person", "member"): "her node, kept nameless while other members' cards point at it",
}


def relations() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Every concrete relation to the user model or to a person, in every installed model."""
    user_model = get_user_model()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in (user_model, Person):
                yield model, field


def pointing_at(user: User, person: Person) -> dict[tuple[str, str], set[int]]:
    rows = {}
    for model, field in relations():
        target = person if field.related_model is Person else user
        found = set(model._default_manager.filter(**{field.name: target}).values_list("pk", flat=True))
        if found:
            rows[(model._meta.label, field.name)] = found
    return rows


def texts_holding(words) -> list[str]:
    """Every text, e-mail or JSON value in the database that holds one of the words."""
    found = []
    for model in apps.get_models():
        text_fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values("pk", *text_fields):
            for name in text_fields:
                value = str(row[name])
                found += [f"{model._meta.label}.{name} #{row['pk']}: {w}" for w in words if w in value]
    return found


@pytest.fixture
def erased(everything):
    """Mette's rows and her node, taken down before she is erased."""
    mette = everything.mette
    person = mette.person
    before = pointing_at(mette, person)
    assert erase_member(mette.pk)
    return before, person


class TestNothingOfHersRemains:
    def test_every_row_that_pointed_at_her_is_gone_or_a_reviewed_neutral_record(self, everything, erased):
        before, _person = erased
        assert len(before) > 25, "the cast must touch nearly every relation"
        left = {}
        for (label, field_name), pks in before.items():
            remaining = set(apps.get_model(label)._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
            if remaining:
                left[(label, field_name)] = remaining
        assert set(left) - set(NEUTRAL_RECORDS) == set(), f"rows of hers remain: {left}"
        for (label, field_name), pks in left.items():
            model = apps.get_model(label)
            field = model._meta.get_field(field_name)
            for row in model._default_manager.filter(pk__in=pks):
                value = getattr(row, field.attname)
                if field.related_model is Person and value is not None:
                    node = Person.objects.get(pk=value)
                    assert (node.member_id, node.name) == (None, NEUTRAL_NAME), f"{label}.{field_name} #{row.pk}"
                else:
                    assert value != everything.mette.pk, f"{label}.{field_name} #{row.pk} still names her"

    def test_no_text_anywhere_holds_her_words(self, everything, erased):
        assert texts_holding(METTES_WORDS) == []

    def test_her_account_is_gone_and_logged_by_id_only(self, everything, erased):
        _before, person = erased
        assert not User.objects.filter(pk=everything.mette.pk).exists()
        log = ErasureLog.objects.get()
        assert (log.user_id, log.user_code, log.person_id, log.person_code) == (
            everything.mette.pk,
            everything.mette.code,
            person.pk,
            person.code,
        )

    def test_her_contacts_go_unless_someone_else_still_knows_them(self, everything, erased):
        assert not Person.objects.filter(name="Kun Karsten").exists()  # only Mette knew him
        assert Person.objects.filter(pk=everything.henrietta.pk).exists()  # Jonas's request to meet her is his
        assert Person.objects.filter(pk=everything.frede.pk, name="Fælles Frede").exists()  # Lars knows him
        assert ContactCard.objects.filter(owner=everything.lars, full_name="Mette K.").exists()  # Lars's own card
        assert Tie.objects.filter(owner=everything.lars).count() == 3  # Birgit, Frede and Mette

    def test_running_it_again_does_nothing(self, everything, erased):
        assert erase_member(everything.mette.pk) is False
        assert ErasureLog.objects.count() == 1


class TestTheOtherPartyKeepsANeutralRecord:
    def test_the_connector_of_her_request_keeps_one_neutral_unmailed_line(self, everything, erased):
        jonas = everything.jonas
        assert not MeetingRequest.objects.filter(pk=everything.own_request.pk).exists()
        traces = Notification.objects.filter(recipient=jonas, kind=REQUEST_ERASED)
        assert traces.count() == 1
        assert traces.get().read_at is None  # the request was still open
        rendered = registry.render_for(traces.get().event, jonas)
        assert rendered is not None
        assert "Mette" not in rendered.subject + rendered.text
        assert Notification.objects.filter(recipient=everything.sofie, kind=REQUEST_ERASED).count() == 1
        assert mail.outbox == []

    def test_a_request_she_introduced_stays_the_seekers_without_her(self, everything, erased):
        request = MeetingRequest.objects.get(pk=everything.introduced_by_mette.pk)
        assert request.seeker == everything.jonas
        assert (request.connector_id, request.kind, request.state) == (None, RequestKind.DIRECT, RequestState.WITHDRAWN)
        assert request.introduction_note == ""
        assert everything.mette.person.pk not in request.path
        trace = Notification.objects.get(recipient=everything.jonas, event__subject=request.code)
        assert trace.kind == PARTY_ERASED
        rendered = registry.render_for(trace.event, everything.jonas)
        assert rendered.link == reverse("meetings:request", args=[request.code])

    def test_a_meeting_with_her_is_withdrawn_but_a_held_one_keeps_what_he_learned(self, everything, erased):
        open_one = MeetingRequest.objects.get(pk=everything.meeting_mette.pk)
        assert (open_one.person_member_id, open_one.state) == (None, RequestState.WITHDRAWN)
        held = MeetingRequest.objects.get(pk=everything.held_with_mette.pk)
        assert (held.person_member_id, held.state, held.learned) == (None, RequestState.HELD, "Jonas lærte om teamet")
        assert held.outcomes.count() == 1
        assert held.person.name == NEUTRAL_NAME

    def test_the_seeker_still_opens_the_request_page(self, client, everything, erased):
        client.force_login(everything.jonas)
        for request in (everything.introduced_by_mette, everything.meeting_mette, everything.held_with_mette):
            response = client.get(reverse("meetings:request", args=[request.code]))
            assert response.status_code == 200
            assert "Mette" not in response.content.decode()
        inbox = client.get(reverse("notifications:inbox"))
        assert inbox.status_code == 200
        assert "Mette" not in inbox.content.decode()

    def test_an_outcome_she_recorded_as_coach_stays_his(self, everything, erased):
        outcome = everything.mettes_outcome_for_jonas
        outcome.refresh_from_db()
        assert (outcome.recorded_by_id, outcome.connector_id) == (everything.jonas.pk, None)

    def test_profiles_in_play_on_her_consent_stop_and_nothing_protects_them(self, everything, erased):
        assert not ShareConsent.objects.filter(seeker_id=everything.mette.pk).exists()
        assert not ProfileShare.objects.filter(helper=everything.sofie).exists()  # carried on her consent
        assert ProfileShare.objects.filter(seeker=everything.jonas).count() == 1  # Birthe's share of Jonas stays
        assert not Suggestion.objects.filter(decision_maker_id=everything.mette.pk).exists()


def test_every_session_of_hers_ends(everything):
    mette = everything.mette
    phone, laptop, other = Client(), Client(), Client()
    log_in_with_second_factor(phone, mette)
    log_in_with_second_factor(laptop, mette)
    other.force_login(everything.lars)
    assert Session.objects.count() == 3
    erase_member(mette.pk)
    assert Session.objects.count() == 1
    assert other.get(reverse("network:dashboard")).status_code == 200
    response = phone.get(reverse("network:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_path_through_her_is_gone_at_once_and_after_the_rebuild(everything, digitalisering):
    """Lars knows Mette, Mette knows Jonas, Jonas knows Sofie in Digitalisering: a way in through her."""
    lars, mette = everything.lars, everything.mette
    spec = TargetSpec.for_unit(digitalisering)
    snapshot.rebuild()
    through_her = [way for way in find_paths(lars, spec).paths if mette.person.pk in way.person_ids]
    assert through_her, "the cast must give Lars a way in through Mette"
    erase_member(mette.pk)
    assert GraphChange.objects.filter(reason="member.erased").exists()
    assert not [way for way in find_paths(lars, spec).paths if mette.person.pk in way.person_ids]
    snapshot.rebuild()
    assert not [way for way in find_paths(lars, spec).paths if mette.person.pk in way.person_ids]


class TestThePage:
    @pytest.fixture
    def mette_client(self, client, everything):
        log_in_with_second_factor(client, everything.mette)
        return client

    def form(self, **changes) -> dict[str, str]:
        return {"email": "Mette@Example.org", "password": PASSWORD, "understood": "on", **changes}

    @pytest.mark.parametrize(
        "changes",
        [{"email": "lars@example.org"}, {"password": "wrong-password-1"}, {"understood": ""}, {"email": ""}],
    )
    def test_a_wrong_address_or_password_or_no_tick_deletes_nothing(self, mette_client, everything, changes):
        response = mette_client.post(reverse("accounts:delete"), self.form(**changes))
        assert response.status_code == 200
        assert response.context["form"].errors
        assert User.objects.filter(pk=everything.mette.pk).exists()

    def test_the_right_address_and_password_delete_and_log_out(self, mette_client, everything):
        assert mette_client.get(reverse("accounts:delete")).status_code == 200
        response = mette_client.post(reverse("accounts:delete"), self.form())
        assert response.status_code == 200
        assert response.context["deleted"] is True
        assert not User.objects.filter(pk=everything.mette.pk).exists()
        after = mette_client.get(reverse("network:dashboard"))
        assert after.status_code == 302 and after["Location"].startswith(reverse("accounts:login"))

    def test_a_stranger_cannot_delete_someone_else(self, client, everything):
        client.force_login(everything.lars)
        client.post(reverse("accounts:delete"), self.form())
        assert User.objects.filter(pk=everything.mette.pk).exists()
        assert User.objects.filter(pk=everything.lars.pk).exists()

    def test_events_she_caused_stay_without_her_name(self, everything, erased):
        event = Event.objects.get(kind="tests.mette_did")
        assert (event.actor_id, event.data) == (None, {"address": "", "note": ""})
        assert not Event.objects.filter(subject=everything.mette.code).exists()
