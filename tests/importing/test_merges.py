"""Merging duplicate persons and organisations, undoing merges, aliases, and the operator's admin for them.

Karen Dahl ended up twice in the network: Jonas added her by hand, Mette's import
created a second Karen. Olga the operator merges them (or Mette does, when both are
only hers); everything that referred to the second Karen refers to the first, and an
undo brings every row back exactly. Lars, the stranger, may merge nothing of theirs.
"""

import json

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaffebro.core.models import Event
from kaffebro.network.actions import Refused
from kaffebro.network.importing import merges
from kaffebro.network.members import member_person
from kaffebro.network.models import (
    Block,
    ContactCard,
    GraphChange,
    IdentityKind,
    ImportBatch,
    ImportRow,
    MergeKind,
    MergeRecord,
    MergeSuggestion,
    Organisation,
    Person,
    PersonKey,
    Position,
    Posting,
    RowOutcome,
    SuggestionStatus,
    Target,
    TargetKind,
    Tie,
    Unit,
)
from tests.conftest import know, log_in_with_second_factor

pytestmark = pytest.mark.django_db


def dump() -> dict[str, list[dict]]:
    """Every row of every network model (merge records and the path engine's change notes aside), with all fields."""
    return {
        model._meta.label: serializers.serialize("python", model._base_manager.order_by("pk"))
        for model in apps.get_app_config("network").get_models()
        if model not in (MergeRecord, GraphChange)
    }


def events(kind: str) -> list[Event]:
    return list(Event.objects.filter(kind=kind))


@pytest.fixture
def karen(jonas) -> Person:
    """The Karen Jonas added: the one to keep."""
    person = Person.objects.create(name="Karen Dahl")
    know(jonas, person)
    return person


@pytest.fixture
def karen_again(karen, jonas, mette, lars, region_h) -> Person:
    """The second Karen, with a row of every kind pointing at her; Jonas has a card for both Karens."""
    person = Person.objects.create(name="Karen Dahl")
    know(mette, person, organisation=region_h, title="Konsulent")
    duplicate_card = know(jonas, person)
    Position.objects.create(person=person, organisation=region_h, title="Konsulent", recorded_by=mette)
    PersonKey.objects.create(person=person, kind=IdentityKind.PROFILE_URL, digest="a" * 64)
    Block.objects.create(owner=lars, person=person)
    Block.objects.create(owner=jonas, person=karen)
    Block.objects.create(owner=jonas, person=person)
    Posting.objects.create(organisation=region_h, title="Dataanalytiker", decision_maker=person)
    batch = ImportBatch.objects.create(owner=jonas)
    ImportRow.objects.create(batch=batch, row_number=1, outcome=RowOutcome.CREATED, card=duplicate_card)
    MergeSuggestion.objects.create(person=person, candidate=karen, score=0.9, reason="similar_name")
    return person


def test_merging_moves_cards_ties_positions_keys_blocks_and_postings_to_the_kept_person(
    olga, mette, lars, karen, karen_again
):
    record = merges.merge_persons(olga, karen, karen_again, reason="same_profile")

    assert not Person.objects.filter(pk=karen_again.pk).exists()
    assert ContactCard.objects.filter(owner=mette, person=karen).exists()
    assert Tie.objects.get(owner=mette, person_b=karen).since is not None
    assert Position.objects.get(recorded_by=mette).person == karen
    assert PersonKey.objects.get().person == karen
    assert Block.objects.get(owner=lars).person == karen
    assert Posting.objects.get().decision_maker == karen
    assert (record.kind, record.kept_id, record.merged_id) == (MergeKind.PERSON, karen.pk, karen_again.pk)
    assert (record.merged_name, record.reason, record.actor) == ("Karen Dahl", "same_profile", olga)
    assert set(record.moved["repointed"][0]) == {"field", "from", "to", "ids"}


def test_where_one_owner_has_rows_for_both_the_kept_persons_rows_stay(olga, jonas, karen, karen_again):
    kept_card = ContactCard.objects.get(owner=jonas, person=karen)

    merges.merge_persons(olga, karen, karen_again, reason="operator")

    assert list(ContactCard.objects.filter(owner=jonas, person=karen)) == [kept_card]
    assert Tie.objects.filter(owner=jonas, person_b=karen).count() == 1
    assert Block.objects.filter(owner=jonas, person=karen).count() == 1
    assert ImportRow.objects.get().card == kept_card, "the row that named the removed card names the kept one"
    assert not MergeSuggestion.objects.exists(), "a suggestion between the two persons is settled by the merge"


def test_undo_restores_every_row_exactly(olga, karen, karen_again):
    before = dump()
    record = merges.merge_persons(olga, karen, karen_again, reason="operator")
    assert dump() != before

    merges.undo_merge(olga, record)

    assert dump() == before
    assert record.undone is not None
    assert Person.objects.get(pk=karen_again.pk).code == karen_again.code


def test_undo_leaves_out_what_belonged_to_a_member_who_has_left_since(olga, mette, jonas, karen, karen_again):
    record = merges.merge_persons(olga, karen, karen_again, reason="operator")
    jonas.delete()

    merges.undo_merge(olga, record)

    assert ContactCard.objects.get(person=karen_again).owner == mette
    assert Tie.objects.get(person_b=karen_again).owner == mette
    assert Posting.objects.get().decision_maker == karen_again


def test_a_merge_is_undone_only_once(olga, karen, karen_again):
    record = merges.merge_persons(olga, karen, karen_again, reason="operator")
    merges.undo_merge(olga, record)
    stale = MergeRecord.objects.get(pk=record.pk)
    stale.undone = None

    with pytest.raises(Refused, match="already been undone"):
        merges.undo_merge(olga, stale)
    assert len(events("merge.undone")) == 1


def test_merge_and_undo_write_events_naming_only_codes(olga, karen, karen_again):
    record = merges.merge_persons(olga, karen, karen_again, reason="operator")
    merges.undo_merge(olga, record)

    merged = events("person.merged")[0]
    assert (merged.actor, merged.subject) == (olga, record.code)
    assert merged.data == {"kept": karen.code, "merged": karen_again.code}
    undone = events("merge.undone")[0]
    assert (undone.actor, undone.subject, undone.data) == (olga, record.code, {"merge_kind": MergeKind.PERSON})
    assert "Karen" not in json.dumps([merged.data, undone.data])


def test_members_are_never_merged_away(olga, mette, jonas, sofie):
    with pytest.raises(Refused, match="Two members"):
        merges.merge_persons(olga, member_person(jonas), member_person(sofie), reason="operator")
    duplicate = Person.objects.create(name="Jonas Berg")
    with pytest.raises(Refused, match="member's own person"):
        merges.merge_persons(olga, duplicate, member_person(jonas), reason="operator")
    assert Person.objects.filter(pk__in=[member_person(jonas).pk, member_person(sofie).pk]).count() == 2
    assert not MergeRecord.objects.exists()


def test_a_duplicate_merged_into_a_member_loses_the_tie_that_would_link_the_member_to_themselves(olga, mette, jonas):
    duplicate = Person.objects.create(name="Jonas Berg")
    know(mette, duplicate)
    know(jonas, duplicate)  # Jonas imported his own card
    jonas_person = member_person(jonas)

    merges.merge_persons(olga, jonas_person, duplicate, reason="operator")

    assert not Tie.objects.filter(person_a=jonas_person, person_b=jonas_person).exists()
    assert Tie.objects.filter(owner=mette, person_b=jonas_person).count() == 1


def test_suppressed_persons_and_a_person_with_itself_are_refused(olga, karen, karen_again):
    with pytest.raises(Refused, match="two different"):
        merges.merge_persons(olga, karen, karen, reason="operator")
    Person.objects.filter(pk=karen_again.pk).update(suppressed=True)
    karen_again.refresh_from_db()
    with pytest.raises(Refused, match="objected"):
        merges.merge_persons(olga, karen, karen_again, reason="operator")


def test_a_member_merges_two_of_their_own_contacts_but_not_others(mette, lars, jonas):
    first, second = Person.objects.create(name="Søren Ågård"), Person.objects.create(name="Soren Aagaard")
    know(mette, first)
    know(mette, second)

    assert not merges.may_merge_persons(lars, first, second)
    with pytest.raises(Refused, match="Only an operator can merge these two persons"):
        merges.merge_persons(lars, first, second, reason="operator")
    know(jonas, second)
    assert not merges.may_merge_persons(mette, first, second), "Jonas's contact is not Mette's to merge"
    with pytest.raises(Refused) as refused:
        merges.merge_persons(mette, first, second, reason="similar_name")
    assert refused.value.message == "Only an operator can merge these two persons.", "it says nothing about Jonas"
    Tie.objects.filter(owner=jonas, person_b=second).delete()
    ContactCard.objects.filter(owner=jonas, person=second).delete()

    record = merges.merge_persons(mette, first, second, reason="similar_name")

    assert record.actor == mette
    assert ContactCard.objects.filter(owner=mette, person=first).count() == 1
    with pytest.raises(Refused, match="operator"):
        merges.undo_merge(lars, record)
    merges.undo_merge(mette, record)
    assert ContactCard.objects.filter(owner=mette).count() == 3


def test_an_operator_merges_across_members(olga, mette, jonas, karen, karen_again):
    assert not merges.may_merge_persons(mette, karen, karen_again)
    assert merges.may_merge_persons(olga, karen, karen_again)
    merges.merge_persons(olga, karen, karen_again, reason="operator")
    assert ContactCard.objects.filter(person=karen).values("owner").distinct().count() == 2


def test_merging_a_person_merged_already_is_refused_cleanly(olga, karen, karen_again):
    stale = Person.objects.get(pk=karen_again.pk)
    merges.merge_persons(olga, karen, karen_again, reason="operator")

    with pytest.raises(Refused, match="no longer exists"):
        merges.merge_persons(olga, karen, stale, reason="operator")
    assert MergeRecord.objects.count() == 1


def test_undo_waits_for_a_later_merge_into_the_kept_person(olga, karen, karen_again):
    first = merges.merge_persons(olga, karen, karen_again, reason="operator")
    third = Person.objects.create(name="Karen D.")
    later = merges.merge_persons(olga, third, karen, reason="operator")

    with pytest.raises(Refused, match="later merge"):
        merges.undo_merge(olga, first)
    merges.undo_merge(olga, later)
    merges.undo_merge(olga, first)
    assert Person.objects.filter(name="Karen Dahl").count() == 2


# Organisations


@pytest.fixture
def region_h_typed(mette, jonas, lars) -> Organisation:
    """Mette typed "Region H" in for a contact; it has its own "digitalisering" and "HR" units."""
    typed = Organisation.objects.create(name="Region H", aliases=["Reg. H"], private_to=mette)
    digital = Unit.objects.create(organisation=typed, name="digitalisering")
    hr = Unit.objects.create(organisation=typed, name="HR")
    Unit.objects.create(organisation=typed, name="Rekruttering", parent=hr)
    contact = Person.objects.create(name="Peter Holm")
    know(mette, contact)
    Position.objects.create(person=contact, organisation=typed, unit=digital, recorded_by=mette)
    Posting.objects.create(organisation=typed, unit=digital, title="Projektleder")
    Target.objects.create(seeker=lars, kind=TargetKind.ORGANISATION, organisation=typed, priority=1)
    Target.objects.create(seeker=lars, kind=TargetKind.UNIT, unit=hr, priority=2)
    Block.objects.create(owner=jonas, organisation=typed)
    return typed


def test_merging_organisations_moves_units_positions_postings_targets_and_folds_same_named_units(
    olga, lars, region_h, digitalisering, region_h_typed
):
    record = merges.merge_organisations(olga, region_h, region_h_typed, reason="operator")

    assert not Organisation.objects.filter(pk=region_h_typed.pk).exists()
    assert set(region_h.units.values_list("name", flat=True)) == {
        "Center for IT",
        "Digitalisering",
        "HR",
        "Rekruttering",
    }
    assert Position.objects.get(person__name="Peter Holm").unit == digitalisering
    assert Posting.objects.get(title="Projektleder").unit == digitalisering
    assert Posting.objects.get(title="Projektleder").organisation == region_h
    assert Target.objects.get(seeker=lars, kind=TargetKind.ORGANISATION).organisation == region_h
    assert Target.objects.get(seeker=lars, kind=TargetKind.UNIT).unit.organisation == region_h
    assert Block.objects.get().organisation == region_h
    region_h.refresh_from_db()
    assert region_h.aliases == ["RegionH", "Region H", "Reg. H"]
    assert record.kind == MergeKind.ORGANISATION
    assert events("organisation.merged")[0].data == {"kept": region_h.code, "merged": region_h_typed.code}


def test_undoing_an_organisation_merge_restores_units_and_removes_the_aliases_it_added(
    olga, region_h, digitalisering, region_h_typed
):
    before = dump()
    record = merges.merge_organisations(olga, region_h, region_h_typed, reason="operator")

    merges.undo_merge(olga, record)

    assert dump() == before


def test_an_owner_blocking_both_organisations_keeps_one_block(olga, jonas, region_h, region_h_typed):
    Block.objects.create(owner=jonas, organisation=region_h)
    merges.merge_organisations(olga, region_h, region_h_typed, reason="operator")
    assert Block.objects.filter(owner=jonas).count() == 1


def test_only_operators_merge_organisations_and_never_across_members_or_into_private_ones(
    olga, mette, lars, region_h, region_h_typed
):
    with pytest.raises(Refused, match="Only an operator"):
        merges.merge_organisations(mette, region_h, region_h_typed, reason="operator")
    with pytest.raises(Refused, match="Shared reference data"):
        merges.merge_organisations(olga, region_h_typed, region_h, reason="operator")
    lars_typed = Organisation.objects.create(name="Region H", private_to=lars)
    with pytest.raises(Refused, match="different members"):
        merges.merge_organisations(olga, region_h_typed, lars_typed, reason="operator")
    with pytest.raises(Refused, match="two different"):
        merges.merge_organisations(olga, region_h, region_h, reason="operator")
    assert not MergeRecord.objects.exists()


# Aliases


def test_an_operator_adds_an_alias(olga, region_h):
    merges.add_organisation_alias(olga, region_h, "  Region H ")
    region_h.refresh_from_db()
    assert region_h.aliases == ["RegionH", "Region H"]
    assert events("organisation.alias_added")[0].subject == region_h.code


@pytest.mark.parametrize(
    ("alias", "refusal"),
    [
        ("", "Write the other name"),
        ("x" * 201, "at most 200"),
        ("regionh", "already a name of this organisation"),
        ("REGION HOVEDSTADEN", "already a name of this organisation"),
        ("novo nordisk", "already a name of Novo Nordisk"),
        ("NOVO", "already a name of Novo Nordisk"),
        ("KØBENHAVNS KOMMUNE", "already a name of Københavns Kommune"),
    ],
)
def test_alias_rules(olga, region_h, alias, refusal):
    Organisation.objects.create(name="Novo Nordisk", aliases=["Novo"])
    Organisation.objects.create(name="Københavns Kommune")
    with pytest.raises(Refused, match=refusal):
        merges.add_organisation_alias(olga, region_h, alias)
    region_h.refresh_from_db()
    assert region_h.aliases == ["RegionH"]


def test_members_add_no_aliases(mette, region_h):
    with pytest.raises(Refused, match="Only an operator"):
        merges.add_organisation_alias(mette, region_h, "Region H")


# The operator's admin


@pytest.fixture
def olga_client(client, olga):
    olga.is_superuser = True
    olga.language = "en"
    olga.save()
    log_in_with_second_factor(client, olga)
    return client


def test_olga_merges_two_selected_persons_in_the_admin(olga_client, jonas, karen, karen_again):
    ContactCard.objects.filter(owner=jonas, person=karen_again).update(email="karen@example.org", notes="Privat note")
    url = reverse("admin:network_person_changelist")
    data = {"action": "merge_selected", "_selected_action": [karen_again.pk, karen.pk]}

    response = olga_client.post(url, data, follow=True)

    assert "was merged into" in response.content.decode()
    assert not Person.objects.filter(pk=karen_again.pk).exists(), "the one created first is kept"
    record = MergeRecord.objects.get()
    assert "karen@example.org" in json.dumps(record.moved), "Jonas's removed card is kept for undoing"
    for page in (
        reverse("admin:network_mergerecord_changelist"),
        reverse("admin:network_mergerecord_change", args=[record.pk]),
    ):
        html = olga_client.get(page).content.decode()
        assert "karen@example.org" not in html and "Privat note" not in html


@pytest.mark.parametrize("selected", [1, 3])
def test_a_merge_needs_exactly_two_selected(olga_client, karen, karen_again, selected):
    third = Person.objects.create(name="Karen D.")
    pks = [karen.pk, karen_again.pk, third.pk][:selected]
    url = reverse("admin:network_person_changelist")

    response = olga_client.post(url, {"action": "merge_selected", "_selected_action": pks}, follow=True)

    assert response.status_code == 200
    assert "Select exactly two" in response.content.decode()
    assert not MergeRecord.objects.exists()


def test_a_refused_admin_merge_shows_the_reason(olga_client, jonas, sofie):
    pks = [member_person(jonas).pk, member_person(sofie).pk]
    url = reverse("admin:network_person_changelist")

    response = olga_client.post(url, {"action": "merge_selected", "_selected_action": pks}, follow=True)

    assert "Two members are never merged" in response.content.decode()


def test_olga_merges_organisations_and_undoes_the_merge_in_the_admin(olga_client, region_h, region_h_typed):
    organisations = reverse("admin:network_organisation_changelist")
    data = {"action": "merge_selected", "_selected_action": [region_h_typed.pk, region_h.pk]}
    olga_client.post(organisations, data)
    record = MergeRecord.objects.get()
    assert record.kept_id == region_h.pk, "shared reference data is kept"

    records = reverse("admin:network_mergerecord_changelist")
    assert olga_client.get(records).status_code == 200
    response = olga_client.post(records, {"action": "undo", "_selected_action": [record.pk]}, follow=True)

    assert "1 merge was undone" in response.content.decode()
    assert Organisation.objects.filter(pk=region_h_typed.pk).exists()
    response = olga_client.post(records, {"action": "undo", "_selected_action": [record.pk]}, follow=True)
    assert "already been undone" in response.content.decode()


def test_olga_decides_suggestions_in_the_admin(olga_client, karen, karen_again):
    other = Person.objects.create(name="Karin Dal")
    rejected = MergeSuggestion.objects.create(person=other, candidate=karen, score=0.7, reason="similar_name")
    suggestions = reverse("admin:network_mergesuggestion_changelist")
    assert olga_client.get(suggestions, {"status__exact": SuggestionStatus.OPEN}).status_code == 200

    olga_client.post(suggestions, {"action": "not_the_same", "_selected_action": [rejected.pk]})
    accepted = MergeSuggestion.objects.get(person=karen_again)
    olga_client.post(suggestions, {"action": "merge", "_selected_action": [accepted.pk]})

    rejected.refresh_from_db()
    assert rejected.status == SuggestionStatus.REJECTED
    assert not Person.objects.filter(pk=karen_again.pk).exists()
    assert MergeRecord.objects.get().kept_id == karen.pk


def test_olga_adds_an_alias_on_the_organisation_page(olga_client, region_h):
    url = reverse("admin:network_organisation_change", args=[region_h.pk])
    Organisation.objects.create(name="Novo Nordisk")
    form = {
        "name": region_h.name,
        "aliases": json.dumps(region_h.aliases),
        "sector": region_h.sector,
        "public_level": region_h.public_level,
        "industry": region_h.industry,
        "region": region_h.region,
        "verified": "on",
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
    }

    refused = olga_client.post(url, {**form, "add_alias": "Novo Nordisk"})
    assert refused.status_code == 200 and "already a name of Novo Nordisk" in refused.content.decode()
    response = olga_client.post(url, {**form, "add_alias": "Region H"})

    assert response.status_code == 302
    region_h.refresh_from_db()
    assert region_h.aliases == ["RegionH", "Region H"]


def test_the_merge_lists_take_no_more_queries_for_more_rows(olga_client, olga, karen, django_assert_max_num_queries):
    def add_rows(count: int) -> None:
        for number in range(count):
            person = Person.objects.create(name=f"Karen {number}")
            MergeSuggestion.objects.create(person=person, candidate=karen, score=0.8, reason="similar_name")
            kept, merged = Person.objects.create(name=f"Karin {number}"), Person.objects.create(name=f"Karin {number}")
            merges.merge_persons(olga, kept, merged, reason="operator")

    pages = [reverse("admin:network_mergesuggestion_changelist"), reverse("admin:network_mergerecord_changelist")]
    add_rows(2)
    few = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert olga_client.get(page).status_code == 200
        few.append(len(queries.captured_queries))
    add_rows(20)
    for page, count in zip(pages, few, strict=True):
        with django_assert_max_num_queries(count):
            olga_client.get(page)


def test_a_staff_operator_without_model_permissions_sees_merges_and_suggestions(client, olga):
    log_in_with_second_factor(client, olga)
    assert client.get(reverse("admin:network_mergerecord_changelist")).status_code == 200
    assert client.get(reverse("admin:network_mergesuggestion_changelist")).status_code == 200


def test_members_cannot_reach_the_merge_admin(client, mette, karen, karen_again):
    client.force_login(mette)
    for name in ("person", "mergerecord", "mergesuggestion"):
        response = client.get(reverse(f"admin:network_{name}_changelist"))
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    url = reverse("admin:network_person_changelist")
    client.post(url, {"action": "merge_selected", "_selected_action": [karen.pk, karen_again.pk]})
    assert Person.objects.filter(pk=karen_again.pk).exists()
