"""Every write that can alter a warm path tells the path engine which persons changed, in its own transaction.

The engine overlays the persons named in `GraphChange` rows on its snapshot, so a write
that forgets to note them would leave paths stale until the next rebuild, and a note
that outlives a rolled-back write would make the engine re-read persons for nothing.
Mette, Jonas, Sofie and Lars from the shared cast make the changes; Olga is the operator.
"""

import json

import pytest
from django.urls import reverse

from kaffebro.accounts import actions as account_actions
from kaffebro.network import actions
from kaffebro.network.actions import ContactDetails, Refused
from kaffebro.network.importing import engine, merges
from kaffebro.network.importing.records import ReadResult
from kaffebro.network.members import member_person
from kaffebro.network.models import (
    Block,
    ContactCard,
    GraphChange,
    ImportBatch,
    ImportStatus,
    Organisation,
    Person,
    Position,
    Strength,
    Tie,
)
from tests.conftest import know, log_in_with_second_factor
from tests.importing.conftest import record
from tests.network.conftest import add

pytestmark = pytest.mark.django_db


def changes() -> list[tuple[str, set[int]]]:
    """The notes written so far, oldest first: (reason, persons)."""
    return [
        (reason, set(persons))
        for reason, persons in GraphChange.objects.order_by("id").values_list("reason", "persons")
    ]


def me(user) -> int:
    return member_person(user).pk


@pytest.fixture
def card_of_jonas(mette, jonas) -> ContactCard:
    """Mette's card for Jonas (the cast's `know` made it, with her tie)."""
    return ContactCard.objects.get(owner=mette, person=member_person(jonas))


@pytest.fixture
def fail_after_writing(monkeypatch):
    """Make the event every action writes last fail, so the action's transaction rolls back."""

    def fail(module) -> None:
        def broken(*args, **kwargs):
            raise RuntimeError("the event log is full")

        monkeypatch.setattr(module, "record_event", broken)

    return fail


def test_the_cast_starts_with_no_notes(mette, lars):
    assert changes() == []


# Contacts


def test_adding_a_contact_notes_both_ends_of_the_tie(mette):
    card = add(mette, "Karen Dahl", organisation="Region Hovedstaden", title="Konsulent")

    assert changes() == [("contact.added", {me(mette), card.person_id})]


def test_editing_a_contact_notes_both_ends(mette, card_of_jonas, jonas):
    actions.edit_contact(mette, card_of_jonas, ContactDetails(full_name="Jonas Berg", strength=Strength.MET_ONCE))

    assert changes() == [("contact.edited", {me(mette), me(jonas)})]


def test_rating_a_tie_notes_both_ends(mette, card_of_jonas, jonas):
    actions.rate_tie(mette, card_of_jonas, Strength.MET_ONCE)

    assert changes() == [("contact.rated", {me(mette), me(jonas)})]


def test_making_a_contact_private_notes_both_ends_once(mette, card_of_jonas, jonas):
    assert actions.set_contact_private(mette, card_of_jonas, True)
    assert not actions.set_contact_private(mette, card_of_jonas, True), "already private: nothing changed"

    assert changes() == [("contact.privacy_changed", {me(mette), me(jonas)})]


def test_deleting_a_contact_notes_both_ends(mette):
    card = add(mette, "Karen Dahl")
    GraphChange.objects.all().delete()

    actions.delete_contact(mette, card)

    assert not Person.objects.filter(pk=card.person_id).exists()
    assert changes() == [("contact.deleted", {me(mette), card.person_id})]


def test_confirming_a_decision_maker_notes_the_person(mette):
    card = add(mette, "Karen Dahl", organisation="Region Hovedstaden", title="Afdelingschef")
    GraphChange.objects.all().delete()

    actions.confirm_decision_maker(mette, card, decides=True)

    assert changes() == [("contact.decision_maker_answered", {card.person_id})]


def test_a_refused_decision_maker_answer_notes_nothing(mette):
    card = add(mette, "Karen Dahl")
    GraphChange.objects.all().delete()

    with pytest.raises(Refused):
        actions.confirm_decision_maker(mette, card, decides=True)

    assert changes() == []


@pytest.mark.parametrize(
    "write",
    [
        lambda mette, card: actions.add_contact(mette, ContactDetails(full_name="Karen Dahl")),
        lambda mette, card: actions.edit_contact(mette, card, ContactDetails(full_name="Jonas B.")),
        lambda mette, card: actions.rate_tie(mette, card, Strength.MET_ONCE),
        lambda mette, card: actions.set_contact_private(mette, card, True),
        lambda mette, card: actions.delete_contact(mette, card),
        lambda mette, card: actions.update_connector_settings(
            mette, open_to_introductions=True, monthly_limit=3, paused_until=None
        ),
        lambda mette, card: actions.block_person(mette, card),
    ],
    ids=["add", "edit", "rate", "private", "delete", "connector", "block"],
)
def test_a_write_that_rolls_back_leaves_no_note(mette, card_of_jonas, fail_after_writing, write):
    tie = Tie.objects.get(owner=mette, person_b=card_of_jonas.person)
    fail_after_writing(actions)

    with pytest.raises(RuntimeError):
        write(mette, card_of_jonas)

    assert changes() == []
    assert Tie.objects.get(pk=tie.pk).strength == tie.strength and ContactCard.objects.filter(pk=card_of_jonas.pk)


# Connector settings and blocks


def test_changing_connector_settings_notes_the_members_person(jonas):
    actions.update_connector_settings(jonas, open_to_introductions=False, monthly_limit=2, paused_until=None)

    assert changes() == [("connector.settings_updated", {me(jonas)})]


def test_blocking_an_organisation_notes_only_the_members_person(mette, region_h):
    actions.block_organisation(mette, region_h)

    assert changes() == [("block.added", {me(mette)})]


def test_blocking_a_person_notes_the_member_and_the_blocked_person(mette, card_of_jonas, jonas):
    actions.block_person(mette, card_of_jonas)

    assert changes() == [("block.added", {me(mette), me(jonas)})]


def test_blocking_twice_is_refused_and_notes_nothing_more(mette, card_of_jonas):
    actions.block_person(mette, card_of_jonas)

    with pytest.raises(Refused):
        actions.block_person(mette, card_of_jonas)

    assert len(changes()) == 1


def test_unblocking_notes_the_member_and_the_person_blocked_now(mette, card_of_jonas, jonas, region_h):
    person_block = actions.block_person(mette, card_of_jonas)
    organisation_block = actions.block_organisation(mette, region_h)
    GraphChange.objects.all().delete()

    actions.unblock(mette, person_block)
    actions.unblock(mette, organisation_block)

    assert changes() == [("block.removed", {me(mette), me(jonas)}), ("block.removed", {me(mette)})]


def test_an_unblock_that_rolls_back_leaves_no_note(mette, card_of_jonas, fail_after_writing):
    block = actions.block_person(mette, card_of_jonas)
    GraphChange.objects.all().delete()
    fail_after_writing(actions)

    with pytest.raises(RuntimeError):
        actions.unblock(mette, block)

    assert changes() == [] and Block.objects.filter(pk=block.pk).exists()


# Accounts


def test_renaming_a_member_notes_their_person(mette):
    account_actions.update_preferences(mette, display_name="Mette K.", language="da", time_zone="Europe/Copenhagen")

    assert Person.objects.get(member=mette).name == "Mette K."
    assert changes() == [("member.renamed", {me(mette)})]


# Imports


@pytest.fixture
def run_records(monkeypatch):
    """Import these records for the member as a confirmed batch would (as in tests/importing)."""

    def run(owner, records, **options) -> ImportBatch:
        batch = ImportBatch.objects.create(
            owner=owner, status=ImportStatus.QUEUED, format="linkedin", content=b"-", total_rows=len(records), **options
        )
        monkeypatch.setattr(engine, "preview", lambda _batch: ReadResult("linkedin", list(records), skipped=[]))
        engine.run_import(batch.pk)
        batch.refresh_from_db()
        return batch

    return run


def test_an_import_notes_every_new_tie_in_one_go(mette, run_records):
    batch = run_records(mette, [record(1, "Anna Holm", "Arla", "Chef"), record(2, "Peter Friis", "Lego")])

    assert batch.status == ImportStatus.DONE
    imported = set(Tie.objects.filter(owner=mette, source="import").values_list("person_b_id", flat=True))
    assert len(imported) == 2
    assert changes() == [("import", {me(mette), *imported})]


def test_a_reimport_notes_changed_positions_and_removed_contacts_in_one_note(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", "Arla"), record(2, "Peter Friis", "Lego")])
    anna = Person.objects.get(name="Anna Holm")
    peter = Person.objects.get(name="Peter Friis")
    GraphChange.objects.all().delete()

    batch = run_records(mette, [record(1, "Anna Holm", "Novo Nordisk")], remove_missing=True)

    assert batch.counts["removed"] == 1
    assert Position.objects.get(person=anna, end_date__isnull=True).organisation.name == "Novo Nordisk"
    assert changes() == [("import", {me(mette), anna.pk, peter.pk})]


def test_an_unchanged_reimport_notes_nothing(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", "Arla")])
    GraphChange.objects.all().delete()

    run_records(mette, [record(1, "Anna Holm", "Arla")])

    assert changes() == []


def test_a_failed_import_leaves_no_note(mette, run_records, monkeypatch):
    apply_row = engine.apply_row

    def fail_at_row_2(writer, row):
        if row.record.row_number == 2:
            raise RuntimeError("disk full")
        apply_row(writer, row)

    monkeypatch.setattr(engine, "apply_row", fail_at_row_2)
    batch = run_records(mette, [record(1, "Anna Holm", "Arla"), record(2, "Peter Friis", "Lego")])

    assert batch.status == ImportStatus.FAILED
    assert changes() == []


# Merges


@pytest.fixture
def karen(jonas) -> Person:
    """The Karen Jonas added: the one to keep."""
    person = Person.objects.create(name="Karen Dahl")
    know(jonas, person)
    return person


@pytest.fixture
def karen_again(karen, mette, lars, region_h) -> Person:
    """The second Karen: Mette knows her and recorded where she works; Lars blocked her."""
    person = Person.objects.create(name="Karen Dahl")
    know(mette, person)
    Position.objects.create(person=person, organisation=region_h, title="Konsulent", recorded_by=mette)
    Block.objects.create(owner=lars, person=person)
    return person


def test_a_person_merge_and_its_undo_note_both_persons_and_every_re_pointed_tie_and_block(
    olga, mette, lars, karen, karen_again
):
    involved = {karen.pk, karen_again.pk, me(mette), me(lars)}

    record = merges.merge_persons(olga, karen, karen_again, reason="operator")
    assert changes() == [("person.merged", involved)]

    merges.undo_merge(olga, record)
    assert changes() == [("person.merged", involved), ("merge.undone", involved)]


def test_a_merge_that_rolls_back_leaves_no_note(olga, karen, karen_again, fail_after_writing):
    fail_after_writing(merges)

    with pytest.raises(RuntimeError):
        merges.merge_persons(olga, karen, karen_again, reason="operator")

    assert changes() == [] and Person.objects.filter(pk=karen_again.pk).exists()


def test_an_undo_that_rolls_back_leaves_no_note(olga, karen, karen_again, fail_after_writing):
    record = merges.merge_persons(olga, karen, karen_again, reason="operator")
    GraphChange.objects.all().delete()
    fail_after_writing(merges)

    with pytest.raises(RuntimeError):
        merges.undo_merge(olga, record)

    assert changes() == []


def test_an_organisation_merge_notes_the_people_working_there_and_the_members_blocking_it(olga, mette, lars, region_h):
    typed = Organisation.objects.create(name="Region H", private_to=mette)
    peter = Person.objects.create(name="Peter Holm")
    know(mette, peter)
    Position.objects.create(person=peter, organisation=typed, recorded_by=mette)
    Block.objects.create(owner=lars, organisation=typed)

    record = merges.merge_organisations(olga, region_h, typed, reason="operator")
    assert changes() == [("organisation.merged", {peter.pk, me(lars)})]

    merges.undo_merge(olga, record)
    assert changes()[-1] == ("merge.undone", {peter.pk, me(lars)})


# The operator's admin


@pytest.fixture
def olga_client(client, olga):
    olga.is_superuser = True
    olga.language = "en"
    olga.save()
    log_in_with_second_factor(client, olga)
    return client


def person_form(person: Person, **fields) -> dict:
    return {"name": person.name, **({"suppressed": "on"} if person.suppressed else {}), **fields}


def test_suppressing_a_person_in_the_admin_notes_them_and_everyone_tied_to_them(olga_client, jonas, karen):
    url = reverse("admin:network_person_change", args=[karen.pk])

    response = olga_client.post(url, person_form(karen, suppressed="on"))

    assert response.status_code == 302
    assert Person.objects.get(pk=karen.pk).suppressed
    assert changes() == [("admin.person_suppressed", {karen.pk, me(jonas)})]


def test_renaming_in_the_admin_notes_only_a_members_person(olga_client, jonas, karen):
    for person in (karen, member_person(jonas)):
        url = reverse("admin:network_person_change", args=[person.pk])
        assert olga_client.post(url, person_form(person, name="Someone Else")).status_code == 302

    assert changes() == [("admin.person_renamed", {me(jonas)})]


def test_deleting_a_person_in_the_admin_notes_them_their_tie_partners_and_who_blocked_them(
    olga_client, mette, jonas, lars, karen_again
):
    url = reverse("admin:network_person_delete", args=[karen_again.pk])

    response = olga_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Person.objects.filter(pk=karen_again.pk).exists()
    assert changes() == [("admin.person_deleted", {karen_again.pk, me(mette), me(lars)})]


def test_deleting_persons_from_the_admin_list_notes_them(olga_client, jonas, karen):
    url = reverse("admin:network_person_changelist")

    olga_client.post(url, {"action": "delete_selected", "_selected_action": [karen.pk], "post": "yes"})

    assert not Person.objects.filter(pk=karen.pk).exists()
    assert changes() == [("admin.person_deleted", {karen.pk, me(jonas)})]


def test_merging_in_the_admin_notes_the_merge(olga_client, mette, lars, karen, karen_again):
    url = reverse("admin:network_person_changelist")

    olga_client.post(url, {"action": "merge_selected", "_selected_action": [karen.pk, karen_again.pk]})

    assert changes() == [("person.merged", {karen.pk, karen_again.pk, me(mette), me(lars)})]


def organisation_form(organisation: Organisation, **fields) -> dict:
    return {
        "name": organisation.name,
        "aliases": json.dumps(organisation.aliases),
        "sector": organisation.sector,
        "public_level": organisation.public_level,
        "industry": organisation.industry,
        "region": organisation.region,
        "verified": "on" if organisation.verified else "",
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
        **fields,
    }


def test_changing_an_organisations_region_in_the_admin_notes_the_people_working_there(olga_client, sofie, region_h):
    url = reverse("admin:network_organisation_change", args=[region_h.pk])

    unchanged = olga_client.post(url, organisation_form(region_h))
    assert unchanged.status_code == 302 and changes() == []
    response = olga_client.post(url, organisation_form(region_h, region="sjaelland"))

    assert response.status_code == 302
    assert changes() == [("admin.organisation_changed", {me(sofie)})]


def test_deleting_an_organisation_in_the_admin_notes_the_people_working_there_and_who_blocked_it(
    olga_client, sofie, lars, region_h
):
    Block.objects.create(owner=lars, organisation=region_h)
    url = reverse("admin:network_organisation_delete", args=[region_h.pk])

    response = olga_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Position.objects.filter(person=member_person(sofie)).exists()
    assert changes() == [("admin.organisation_deleted", {me(sofie), me(lars)})]
