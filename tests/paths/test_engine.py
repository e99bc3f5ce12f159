"""The path engine with the cast: Mette looks for a way into Digitalisering, Jonas knows Sofie who decides there.

Also the score (each rule of docs/paths.md), diversity, the overlay of fresh
changes and the snapshot's publish-and-map life cycle.
"""

import datetime
import threading

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kaffebro.network.actions import ContactDetails, add_contact, set_contact_private, update_connector_settings
from kaffebro.network.changes import note_graph_change
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import ContactCard, Person, Position, Strength
from kaffebro.paths import scoring, snapshot
from kaffebro.paths.engine import PathEngine
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec, field_words
from tests.conftest import know, make_member

TODAY = scoring.day_number(datetime.date(2026, 11, 29))


# The score


def test_the_seekers_own_tie_matters_more_than_the_middle_tie():
    strong_first = scoring.path_score("unit_member", [(5, True, 0), (2, True, 0), (3, True, 0)], [1, 1], TODAY)
    strong_middle = scoring.path_score("unit_member", [(2, True, 0), (5, True, 0), (3, True, 0)], [1, 1], TODAY)
    assert strong_first > strong_middle


def test_a_moderately_weak_last_tie_is_not_penalised():
    weak = scoring.path_score("unit_member", [(4, True, 0), (2, True, 0)], [1], TODAY)
    strongest = scoring.path_score("unit_member", [(4, True, 0), (5, True, 0)], [1], TODAY)
    met_once = scoring.path_score("unit_member", [(4, True, 0), (1, True, 0)], [1], TODAY)
    assert weak > strongest > met_once


def test_a_rated_strength_counts_more_than_an_import_default():
    rated = scoring.path_score("unit_member", [(3, True, 0), (3, True, 0)], [1], TODAY)
    default = scoring.path_score("unit_member", [(3, False, 0), (3, True, 0)], [1], TODAY)
    assert rated == pytest.approx(default / 0.8)


def test_recent_contact_ranks_higher():
    recent = scoring.path_score("unit_member", [(3, True, TODAY - 30), (3, True, 0)], [1], TODAY)
    old = scoring.path_score("unit_member", [(3, True, TODAY - 2000), (3, True, 0)], [1], TODAY)
    unknown = scoring.path_score("unit_member", [(3, True, 0), (3, True, 0)], [1], TODAY)
    assert recent > unknown > old


def test_connectors_who_paused_or_are_near_their_limit_rank_lower():
    assert scoring.capacity(False, 4, 0) == 1.0
    assert scoring.capacity(False, 4, 2) == pytest.approx(0.7)
    assert scoring.capacity(False, 4, 4) == pytest.approx(0.4)
    assert scoring.capacity(True, 4, 0) == pytest.approx(0.2)
    assert scoring.capacity(False, 0, 0) == pytest.approx(0.2)


def test_the_decision_maker_ranks_above_the_unit_above_the_organisation():
    role = scoring.weights().role
    assert role["unit_decision_maker"] > role["unit_member"] > role["organisation_decision_maker"]
    assert role["organisation_decision_maker"] > role["organisation_member"]


def test_weights_come_from_settings(settings):
    settings.PATH_SCORING = {**settings.PATH_SCORING, "hop": [1.0, 0.5, 0.25]}
    assert scoring.path_score("person", [(5, True, TODAY)], [], TODAY) == pytest.approx(100.0)
    assert scoring.path_score("person", [(5, True, TODAY), (2, True, TODAY)], [1.0], TODAY) == pytest.approx(50.0)


def test_danish_compound_words_match_a_job_field():
    words = field_words("Udvikling")
    assert words.matches("udviklingskonsulent")
    assert words.matches("softwareudvikler")
    assert not words.matches("jurist")
    assert field_words("sundhed").industries == ("health",)


# The cast


def _spec(unit):
    return TargetSpec.for_unit(unit)


@pytest.mark.django_db
def test_mette_finds_jonas_and_a_decision_maker_whose_name_stays_hidden(mette, jonas, sofie, digitalisering):
    with translation.override("en"):
        ways = find_paths(mette, _spec(digitalisering))
    assert ways.count == 1
    best = ways.best
    assert best.hops == 2
    assert [step.position for step in best.steps] == ["first", "target"]
    assert best.first.name == "Jonas Berg"
    assert best.target.name is None
    assert best.target.role == "unit_decision_maker"
    assert best.explanation == (
        "Jonas Berg (former colleague, very strong tie) knows a decision-maker in Digitalisering at Region Hovedstaden."
    )
    assert "Sofie" not in repr(ways)


@pytest.mark.django_db
def test_the_explanation_is_in_the_viewers_language(mette, jonas, sofie, digitalisering):
    with translation.override("da"):
        danish = find_paths(mette, _spec(digitalisering)).best.explanation
    with translation.override("en"):
        english = find_paths(mette, _spec(digitalisering)).best.explanation
    assert danish != english
    assert "Jonas Berg" in danish


@pytest.mark.django_db
def test_nobody_is_passed_through_without_opting_in(mette, jonas, sofie, digitalisering):
    row = connector_settings(jonas)
    update_connector_settings(jonas, open_to_introductions=False, monthly_limit=row.monthly_limit, paused_until=None)
    assert find_paths(mette, _spec(digitalisering)).paths == ()


@pytest.mark.django_db
def test_a_private_contact_is_never_used_for_someone_else(mette, jonas, sofie, digitalisering):
    card = ContactCard.objects.get(owner=jonas, person=member_person(sofie))
    set_contact_private(jonas, card, True)
    assert find_paths(mette, _spec(digitalisering)).count == 0


@pytest.mark.django_db
def test_lars_finds_no_way_through_people_he_does_not_know(lars, jonas, sofie, digitalisering):
    assert find_paths(lars, _spec(digitalisering)).paths == ()


@pytest.mark.django_db
def test_at_most_two_paths_go_through_the_same_first_person(mette, jonas, region_h, digitalisering):
    for number in range(5):
        colleague = Person.objects.create(name=f"Kollega {number}")
        Position.objects.create(person=colleague, organisation=region_h, unit=digitalisering)
        know(jonas, colleague, strength=Strength.ACQUAINTANCE)
    ways = find_paths(mette, _spec(digitalisering))
    assert [way.first.name for way in ways.paths] == ["Jonas Berg", "Jonas Berg"]
    assert ways.count == 1


@pytest.mark.django_db
def test_a_three_hop_path_passes_through_a_second_connector(mette, jonas, region_h, digitalisering):
    anne = make_member("anne@example.org", "Anne Dahl")
    update_connector_settings(anne, open_to_introductions=True, monthly_limit=4, paused_until=None)
    know(jonas, member_person(anne), strength=Strength.GOOD_CONTACT)
    head = Person.objects.create(name="Zqx Hidden Head")
    Position.objects.create(person=head, organisation=region_h, unit=digitalisering, is_decision_maker=True)
    know(anne, head, strength=Strength.ACQUAINTANCE)
    ways = find_paths(mette, _spec(digitalisering))
    three = [way for way in ways.paths if way.hops == 3]
    assert len(three) == 1
    assert three[0].steps[1].name == "Anne Dahl"
    assert "Zqx" not in repr(ways)


@pytest.mark.django_db
def test_a_connector_who_hides_their_name_appears_as_a_connector(mette, jonas, region_h, digitalisering):
    anne = make_member("anne@example.org", "Zqx Anne")
    update_connector_settings(
        anne, open_to_introductions=True, monthly_limit=4, paused_until=None, show_name_in_paths=False
    )
    know(jonas, member_person(anne), strength=Strength.GOOD_CONTACT)
    head = Person.objects.create(name="Zqx Head")
    Position.objects.create(person=head, organisation=region_h, unit=digitalisering, is_decision_maker=True)
    know(anne, head)
    with translation.override("en"):
        ways = find_paths(mette, _spec(digitalisering))
    middle = next(way for way in ways.paths if way.hops == 3).steps[1]
    assert middle.name is None
    assert middle.role_label == "a connector"
    assert "Zqx" not in repr(ways)


@pytest.mark.django_db
def test_blocking_the_organisation_removes_every_way_in(mette, jonas, sofie, region_h, digitalisering):
    from kaffebro.network.actions import block_organisation

    block_organisation(mette, region_h)
    assert find_paths(mette, _spec(digitalisering)).paths == ()


@pytest.mark.django_db
def test_a_suppressed_person_never_appears(mette, jonas, sofie, digitalisering):
    person = member_person(sofie)
    Person.objects.filter(pk=person.pk).update(suppressed=True)
    note_graph_change([person.pk], "test")
    assert find_paths(mette, _spec(digitalisering)).paths == ()


@pytest.mark.django_db
def test_path_search_reads_a_fixed_number_of_queries(mette, jonas, sofie, region_h, digitalisering):
    for number in range(8):
        colleague = Person.objects.create(name=f"Kollega {number}")
        Position.objects.create(person=colleague, organisation=region_h, unit=digitalisering)
        connector = make_member(f"c{number}@example.org", f"Connector {number}")
        update_connector_settings(connector, open_to_introductions=True, monthly_limit=4, paused_until=None)
        know(connector, colleague)
        know(mette, member_person(connector))
    find_paths(mette, _spec(digitalisering))  # publishes the snapshot
    with CaptureQueriesContext(connection) as queries:
        ways = find_paths(mette, _spec(digitalisering))
    assert len(ways.paths) == 9
    assert len(queries) <= 6


# Freshness and snapshots


@pytest.mark.django_db
def test_a_contact_added_a_second_ago_is_already_found(lars, region_h, digitalisering):
    snapshot.rebuild()
    assert find_paths(lars, _spec(digitalisering)).paths == ()
    add_contact(
        lars,
        ContactDetails(full_name="Ida Holm", organisation_name="Region Hovedstaden", unit_name="Digitalisering"),
    )
    ways = find_paths(lars, _spec(digitalisering))
    assert ways.best is not None and ways.best.target.name == "Ida Holm"


@pytest.mark.django_db
def test_the_overlay_agrees_with_a_fresh_build(mette, jonas, sofie, region_h, digitalisering):
    snapshot.rebuild()
    extra = make_member("anne@example.org", "Anne Dahl")
    update_connector_settings(extra, open_to_introductions=True, monthly_limit=4, paused_until=None)
    know(mette, member_person(extra), strength=Strength.ACQUAINTANCE)
    head = Person.objects.create(name="Head")
    Position.objects.create(person=head, organisation=region_h, unit=digitalisering, is_decision_maker=True)
    know(extra, head)
    note_graph_change([member_person(mette).pk, member_person(extra).pk, head.pk], "test")
    seeker = member_person(mette).pk
    overlaid = PathEngine.current().top_paths(seeker, _spec(digitalisering))
    fresh = PathEngine.from_database().top_paths(seeker, _spec(digitalisering))
    assert [(p.person_ids, round(p.score, 9)) for p in overlaid] == [(p.person_ids, round(p.score, 9)) for p in fresh]
    assert len(fresh) == 2


@pytest.mark.django_db
def test_a_snapshot_is_memory_mapped_and_republished_atomically(mette, jonas, sofie, digitalisering):
    snapshot.rebuild()
    index = snapshot.open_current()
    assert isinstance(index.indices, np.memmap)
    assert snapshot.rebuild(only_if_stale=True) is False
    seeker = member_person(mette).pk
    errors = []

    def query():
        try:
            for _ in range(30):
                engine = PathEngine.from_index(snapshot.open_current())
                assert engine.top_paths(seeker, _spec(digitalisering))
        except Exception as error:
            errors.append(error)

    readers = [threading.Thread(target=query) for _ in range(3)]
    for reader in readers:
        reader.start()
    for _ in range(5):
        snapshot.rebuild()
    for reader in readers:
        reader.join()
    assert errors == []
    assert snapshot.current_version() != index.version


@pytest.mark.django_db
def test_a_paused_connector_ranks_below_an_available_one(mette, jonas, sofie, region_h, digitalisering):
    other = make_member("anne@example.org", "Anne Dahl")
    update_connector_settings(other, open_to_introductions=True, monthly_limit=4, paused_until=None)
    know(mette, member_person(other), strength=Strength.CLOSE)
    know(other, member_person(sofie), strength=Strength.GOOD_CONTACT)
    assert find_paths(mette, _spec(digitalisering)).paths[0].first.name in {"Anne Dahl", "Jonas Berg"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=7)
    update_connector_settings(other, open_to_introductions=True, monthly_limit=4, paused_until=tomorrow)
    assert find_paths(mette, _spec(digitalisering)).paths[0].first.name == "Jonas Berg"


def test_paths_into_an_organisation_work_when_no_unit_exists_anywhere(db):
    """A fresh site may have organisations and positions but not a single unit yet."""
    from kaffebro.network.models import Organisation

    mette = make_member("mette@example.org", "Mette")
    jonas = make_member("jonas@example.org", "Jonas")
    update_connector_settings(jonas, open_to_introductions=True, monthly_limit=4, paused_until=None)
    firm = Organisation.objects.create(name="Kodekilden")
    sofie = Person.objects.create(name="Sofie")
    Position.objects.create(person=sofie, organisation=firm, title="Chef", is_decision_maker=True)
    know(mette, member_person(jonas))
    know(jonas, sofie)

    ways = find_paths(mette, TargetSpec.for_organisation(firm), k=3)

    assert ways.count == 1, "the way through Jonas to Sofie is found"
