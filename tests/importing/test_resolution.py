"""Entity resolution: one person across everybody's imports, and nothing merged on a guess.

Mette imports her LinkedIn connections; Jonas, her connector, has imported his. A
person both know must end up as one `Person`, so that paths can find them, while
each keeps their own card that nobody else sees.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaffebro.core.models import Event
from kaffebro.network.importing.normalise import key_digest, name_at_organisation
from kaffebro.network.models import (
    ContactCard,
    IdentityKind,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    PersonKey,
    Position,
    RowOutcome,
    Strength,
    Suppression,
    Tie,
    TieSource,
    Unit,
)
from tests.importing.conftest import CONNECTED, record

SOREN_URL = "https://www.linkedin.com/in/soren-aagaard"

pytestmark = pytest.mark.django_db


def imported(owner):
    """The owner's imported cards (the cast's hand-added cards left out)."""
    return ContactCard.objects.filter(owner=owner, source=TieSource.IMPORT)


def outcomes(batch) -> dict[int, tuple[str, str]]:
    return {row.row_number: (row.outcome, row.reason) for row in batch.rows.all()}


def test_a_first_import_creates_cards_default_ties_positions_and_unverified_organisations(mette, run_records):
    batch = run_records(
        mette,
        [
            record(
                1, "Søren Ågård", "Novo Nordisk A/S", "Afdelingschef", profile_url=SOREN_URL, connected_on=CONNECTED
            ),
            record(2, "Anna Holm", "Lægehuset Ørbæk ApS", "Sygeplejerske"),
            record(3, "Peter Friis"),
        ],
    )
    assert batch.status == ImportStatus.DONE
    assert batch.counts["created"] == 3
    assert batch.content == b""
    cards = {card.full_name: card for card in imported(mette)}
    assert set(cards) == {"Søren Ågård", "Anna Holm", "Peter Friis"}
    soren = cards["Søren Ågård"]
    assert soren.source == TieSource.IMPORT
    assert soren.decision_maker_hint is True
    assert cards["Anna Holm"].decision_maker_hint is False
    tie = Tie.objects.get(owner=mette, person_b=soren.person)
    assert (tie.strength, tie.strength_rated, tie.since, tie.source) == (
        Strength.ACQUAINTANCE,
        False,
        CONNECTED,
        TieSource.IMPORT,
    )
    assert tie.is_private is True  # connector settings keep new contacts private by default
    position = Position.objects.get(person=soren.person)
    assert (position.organisation.name, position.title, position.recorded_by) == (
        "Novo Nordisk A/S",
        "Afdelingschef",
        mette,
    )
    assert position.organisation.verified is False
    assert position.organisation.private_to is None
    assert not Position.objects.filter(person=cards["Peter Friis"].person).exists()
    assert PersonKey.objects.filter(person=soren.person, kind=IdentityKind.PROFILE_URL).count() == 1


def test_the_person_node_never_holds_contact_details(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", emails=("anna@example.dk",), phones=("+45 1234 5678",))])
    person = imported(mette).get().person
    assert "anna@example.dk" not in str(Person.objects.filter(pk=person.pk).values().first())
    stored = PersonKey.objects.get(person=person)
    assert stored.digest == key_digest(IdentityKind.EMAIL, "anna@example.dk")


def test_contact_details_are_kept_only_when_the_member_chooses(mette, lars, run_records):
    details = {"emails": ("anna@example.dk", "not an address"), "phones": ("+45 1234 5678",)}
    run_records(mette, [record(1, "Anna Holm", **details)])
    run_records(lars, [record(1, "Anna Holm", **details)], keep_contact_details=True)
    assert imported(mette).values_list("email", "phone").get() == ("", "")
    assert imported(lars).values_list("email", "phone").get() == ("anna@example.dk", "+45 1234 5678")


def test_reimporting_the_same_file_changes_nothing(mette, run_records):
    rows = [record(1, "Søren Ågård", "Novo Nordisk", "Chef", profile_url=SOREN_URL), record(2, "Anna Holm", "Arla")]
    run_records(mette, rows)
    before = (
        list(ContactCard.objects.values().order_by("id")),
        list(Tie.objects.values().order_by("id")),
        list(Position.objects.values().order_by("id")),
        Person.objects.count(),
        Organisation.objects.count(),
    )
    again = run_records(mette, rows)
    after = (
        list(ContactCard.objects.values().order_by("id")),
        list(Tie.objects.values().order_by("id")),
        list(Position.objects.values().order_by("id")),
        Person.objects.count(),
        Organisation.objects.count(),
    )
    assert again.counts["unchanged"] == 2
    assert again.counts["created"] == again.counts["updated"] == 0
    assert after == before


def test_a_newer_export_reports_who_changed_job_and_ends_the_old_position(mette, run_records):
    run_records(
        mette,
        [
            record(1, "Søren Ågård", "Novo Nordisk", "Udvikler", profile_url=SOREN_URL),
            record(2, "Anna Holm", "Arla", "Konsulent"),
            record(3, "Peter Friis", "Lego", "Designer"),
        ],
    )
    newer = run_records(
        mette,
        [
            record(1, "Søren Ågård", "Ørsted", "Afdelingschef", profile_url=SOREN_URL),
            record(2, "Anna Holm", "Arla", "Seniorkonsulent"),
            record(3, "Peter Friis", "Lego", "Designer"),
        ],
    )
    assert newer.counts["changed_job"] == 2
    assert newer.counts["updated"] == 2
    assert newer.counts["unchanged"] == 1
    soren = ContactCard.objects.get(owner=mette, full_name="Søren Ågård")
    assert (soren.organisation_name, soren.title, soren.decision_maker_hint) == ("Ørsted", "Afdelingschef", True)
    positions = Position.objects.filter(person=soren.person).order_by("id")
    assert [(p.organisation.name, p.end_date is None) for p in positions] == [("Novo Nordisk", False), ("Ørsted", True)]
    row = newer.rows.get(row_number=1)
    assert row.details == {
        "old_organisation": "Novo Nordisk",
        "new_organisation": "Ørsted",
        "old_title": "Udvikler",
        "new_title": "Afdelingschef",
    }


def test_contacts_missing_from_a_newer_file_are_kept_unless_the_member_asks(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", "Arla"), record(2, "Peter Friis", "Lego")])
    kept = run_records(mette, [record(1, "Anna Holm", "Arla")])
    assert kept.counts["removed"] == 0
    assert imported(mette).count() == 2
    removed = run_records(mette, [record(1, "Anna Holm", "Arla")], remove_missing=True)
    assert removed.counts["removed"] == 1
    assert list(imported(mette).values_list("full_name", flat=True)) == ["Anna Holm"]
    assert not Person.objects.filter(name="Peter Friis").exists()
    assert removed.rows.get(outcome=RowOutcome.REMOVED).name == "Peter Friis"


def test_remove_missing_leaves_contacts_added_by_hand_or_from_another_format(mette, jonas, run_records):
    from tests.network.conftest import add

    jonas_person = jonas.person
    add(mette, "Hanne Hånd")
    run_records(mette, [record(1, "Vera Vcard")], format="vcard")
    run_records(mette, [record(1, "Anna Holm")])
    run_records(mette, [record(1, "Peter Friis")], remove_missing=True)
    names = set(
        ContactCard.objects.filter(owner=mette).exclude(person=jonas_person).values_list("full_name", flat=True)
    )
    assert names == {"Hanne Hånd", "Vera Vcard", "Peter Friis"}


def linked(batch) -> dict:
    """How the import linked rows to persons outside the member's network: in the operators' event log only."""
    return Event.objects.get(kind="contacts.imported", subject=batch.code).data["linked_to_known_persons"]


def test_the_same_profile_address_is_one_person_across_members(mette, jonas, run_records):
    run_records(jonas, [record(1, "Søren Ågård", "Novo Nordisk", profile_url=SOREN_URL)])
    batch = run_records(mette, [record(1, "S. Aagaard", "", profile_url="http://dk.linkedin.com/in/Soren-Aagaard/")])
    # Mette is not told that someone else knows him: to her he is new in her network.
    assert outcomes(batch) == {1: (RowOutcome.CREATED, "new_person")}
    assert linked(batch) == {"same_profile_url": 1}
    assert imported(mette).get().person == imported(jonas).get().person
    assert imported(mette).get().full_name == "S. Aagaard"  # her card keeps her spelling


def test_the_same_email_is_one_person_across_members_but_not_a_shared_mailbox(mette, jonas, run_records):
    run_records(
        jonas, [record(1, "Anna Holm", emails=("Anna@Example.dk",)), record(2, "Bo Berg", emails=("info@x.dk",))]
    )
    batch = run_records(
        mette, [record(1, "Anna H.", emails=("anna@example.dk",)), record(2, "Ib Ny", emails=("info@x.dk",))]
    )
    assert linked(batch) == {"same_email": 1}
    assert imported(mette).get(full_name="Anna H.").person == imported(jonas).get(full_name="Anna Holm").person
    assert imported(mette).get(full_name="Ib Ny").person != imported(jonas).get(full_name="Bo Berg").person


@pytest.mark.parametrize(
    ("jonas_writes", "mette_writes"),
    [
        (("Søren Ågård", "Novo Nordisk A/S"), ("Soren Aagaard", "NOVO NORDISK")),
        (("Søren Ågård", "Københavns Kommune"), ("SOEREN AGAARD", "Kobenhavns Kommune")),
    ],
)
def test_the_same_name_at_the_same_organisation_is_one_person(mette, jonas, run_records, jonas_writes, mette_writes):
    run_records(jonas, [record(1, *jonas_writes)])
    batch = run_records(mette, [record(1, *mette_writes)])
    assert outcomes(batch) == {1: (RowOutcome.CREATED, "new_person")}
    assert linked(batch) == {"same_name_at_organisation": 1}
    assert imported(mette).get().person == imported(jonas).get().person
    assert Organisation.objects.count() == 1 + Organisation.objects.filter(name="Region Hovedstaden").count()


def test_the_same_name_elsewhere_is_another_person(mette, jonas, run_records):
    run_records(jonas, [record(1, "Anna Holm", "Arla")])
    batch = run_records(mette, [record(1, "Anna Holm", "Lego")])
    assert outcomes(batch) == {1: (RowOutcome.CREATED, "new_person")}


def test_a_similar_name_is_never_merged_silently_the_operator_decides_across_members(mette, jonas, run_records):
    run_records(jonas, [record(1, "Mette Frederiksen", "Novo Nordisk")])
    batch = run_records(mette, [record(1, "Mette Fredriksen", "Novo Nordisk")])
    assert outcomes(batch) == {1: (RowOutcome.CREATED, "new_person")}  # an operator decides, out of Mette's sight
    assert linked(batch) == {"similar_name_at_organisation": 1}
    assert Person.objects.filter(name__startswith="Mette Fred").count() == 2
    suggestion = MergeSuggestion.objects.get()
    assert suggestion.owner is None  # Jonas's contact is not Mette's to judge
    assert suggestion.score >= 88
    assert {suggestion.person.name, suggestion.candidate.name} == {"Mette Frederiksen", "Mette Fredriksen"}


def test_a_similar_name_among_the_members_own_contacts_is_hers_to_decide(mette, run_records):
    batch = run_records(
        mette, [record(1, "Mette Frederiksen", "Novo Nordisk"), record(2, "Mette Fredriksen", "Novo Nordisk")]
    )
    assert batch.counts["confirm"] == 1
    assert MergeSuggestion.objects.get().owner == mette


def test_an_alias_places_a_contact_in_the_known_organisation(mette, region_h, run_records):
    region_h.aliases = [*region_h.aliases, "Region H"]
    region_h.save()
    run_records(mette, [record(1, "Sofie Skov", "Region H", "Kontorchef", unit="Digitalisering")])
    position = Position.objects.get(recorded_by=mette)
    assert position.organisation == region_h
    assert position.unit is not None and position.unit.name == "Digitalisering"


def test_an_unknown_unit_is_not_added_to_a_verified_organisation(mette, region_h, run_records):
    run_records(mette, [record(1, "Sofie Skov", "Region Hovedstaden", unit="Hemmelig Afdeling")])
    assert not Unit.objects.filter(name="Hemmelig Afdeling").exists()
    assert imported(mette).get().unit_name == "Hemmelig Afdeling"
    run_records(mette, [record(1, "Bo Berg", "Nyt Firma ApS", unit="Salg")])
    assert Unit.objects.get(name="Salg").organisation.verified is False


def test_a_person_on_the_suppression_list_is_never_created(mette, run_records):
    Suppression.objects.create(
        kind=IdentityKind.PROFILE_URL, digest=key_digest(IdentityKind.PROFILE_URL, "linkedin.com/in/soren-aagaard")
    )
    Suppression.objects.create(
        kind=IdentityKind.NAME_AT_ORGANISATION,
        digest=key_digest(IdentityKind.NAME_AT_ORGANISATION, name_at_organisation("Anna Holm", "Arla Foods")),
    )
    batch = run_records(
        mette,
        [
            record(1, "Søren Ågård", profile_url=SOREN_URL),
            record(2, "ANNA HOLM", "Arla Foods amba"),
            record(3, "Peter Friis"),
        ],
    )
    assert outcomes(batch) == {
        1: (RowOutcome.SKIPPED, "suppressed"),
        2: (RowOutcome.SKIPPED, "suppressed"),
        3: (RowOutcome.CREATED, "new_person"),
    }
    assert list(Person.objects.filter(member__isnull=True).values_list("name", flat=True)) == ["Peter Friis"]


def test_duplicates_within_one_file_become_one_contact(mette, run_records):
    batch = run_records(
        mette,
        [
            record(1, "Søren Ågård", "Novo Nordisk", profile_url=SOREN_URL),
            record(2, "Soren Aagaard", "NOVO NORDISK A/S"),
            record(3, "Søren", "", profile_url=SOREN_URL + "/"),
        ],
    )
    assert outcomes(batch) == {
        1: (RowOutcome.CREATED, "new_person"),
        2: (RowOutcome.SKIPPED, "duplicate_in_file"),
        3: (RowOutcome.SKIPPED, "duplicate_in_file"),
    }
    assert batch.rows.get(row_number=2).details == {"row": 1}
    assert imported(mette).count() == 1


def test_rows_the_reader_skipped_are_in_the_summary(mette, run_records):
    batch = run_records(mette, [record(2, "Anna Holm")], skipped=[(1, "Row 1 has no name.")])
    assert outcomes(batch) == {1: (RowOutcome.SKIPPED, "unreadable"), 2: (RowOutcome.CREATED, "new_person")}
    assert batch.counts["skipped"] == 1


def test_an_imported_contact_who_is_already_tied_keeps_the_tie(mette, jonas, run_records):
    """Mette knows Jonas's contact Sofie from a meeting; importing her adds a card, not a second tie."""
    sofie_person = Person.objects.create(name="Sofie Skov")
    Tie.objects.create(owner=mette, person_a=mette.person, person_b=sofie_person, strength=4, strength_rated=True)
    PersonKey.objects.create(
        person=sofie_person,
        kind=IdentityKind.PROFILE_URL,
        digest=key_digest(IdentityKind.PROFILE_URL, "linkedin.com/in/sofie"),
    )
    run_records(mette, [record(1, "Sofie Skov", profile_url="linkedin.com/in/sofie", connected_on=CONNECTED)])
    tie = Tie.objects.get(owner=mette, person_b=sofie_person)
    assert (tie.strength, tie.strength_rated, tie.since) == (4, True, CONNECTED)
    assert imported(mette).get().person == sofie_person


def test_a_future_connection_date_is_not_kept(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", connected_on=datetime.date.today() + datetime.timedelta(days=3))])
    assert Tie.objects.get(owner=mette, person_b__name="Anna Holm").since is None


def test_overlong_values_are_cut_to_fit_rather_than_failing(mette, run_records):
    batch = run_records(mette, [record(1, "A" * 300, "B" * 300, "C" * 300, unit="D" * 300)])
    assert batch.status == ImportStatus.DONE
    card = imported(mette).get()
    assert len(card.full_name) == 200 and len(card.title) == 200


def _count_queries(owner, run_records, size: int) -> int:
    rows = [record(i, f"Person {i:05d}", f"Firma {i % 7}", "Konsulent") for i in range(1, size + 1)]
    with CaptureQueriesContext(connection) as queries:
        run_records(owner, rows)
    return len(queries)


def test_an_import_writes_in_bulk_not_row_by_row(mette, lars, run_records):
    """SQLite caps parameters per statement (999), so bulk inserts split; still far below a query per row."""
    small = _count_queries(mette, run_records, 10)
    large = _count_queries(lars, run_records, 1000)
    assert large - small <= 990 // 10


def test_a_person_already_in_the_members_network_is_shown_as_merged(mette, jonas, run_records):
    """Mette is tied to Ida from a coffee meeting (no card); the row with Ida's profile links to her openly."""
    ida = Person.objects.create(name="Ida Lund")
    Tie.objects.create(owner=mette, person_a=mette.person, person_b=ida, strength=3, strength_rated=True)
    PersonKey.objects.create(
        person=ida, kind=IdentityKind.PROFILE_URL, digest=key_digest(IdentityKind.PROFILE_URL, "linkedin.com/in/ida")
    )
    batch = run_records(mette, [record(1, "Ida Lund", profile_url="https://linkedin.com/in/ida")])
    assert outcomes(batch) == {1: (RowOutcome.MERGED, "same_profile_url")}
    assert imported(mette).get().person == ida


def test_names_that_differ_by_more_than_danish_letters_are_asked_about_not_merged(mette, jonas, run_records):
    run_records(jonas, [record(1, "Michael Hansen", "Novo Nordisk")])
    batch = run_records(mette, [record(1, "Michel Hansen", "Novo Nordisk")])
    assert linked(batch) == {"similar_name_at_organisation": 1}
    assert imported(mette).get().person != imported(jonas).get().person
    assert MergeSuggestion.objects.get().owner is None


def test_old_public_profile_addresses_of_namesakes_stay_apart(mette, run_records):
    batch = run_records(
        mette,
        [
            record(1, "John Smith", profile_url="https://www.linkedin.com/pub/john-smith/1a/2b/3c"),
            record(2, "John Smith", profile_url="https://www.linkedin.com/pub/john-smith/4d/5e/6f"),
        ],
    )
    assert batch.counts["created"] == 2


def test_a_namesake_at_another_organisation_is_not_lost(mette, run_records):
    run_records(mette, [record(1, "Peter Nielsen", "Maersk")])
    batch = run_records(mette, [record(1, "Peter Nielsen", "Maersk"), record(2, "Peter Nielsen", "Carlsberg")])
    assert outcomes(batch) == {1: (RowOutcome.UNCHANGED, "no_change"), 2: (RowOutcome.CREATED, "new_person")}
    assert imported(mette).count() == 2


def test_one_person_named_by_profile_in_one_row_and_email_in_another_gets_one_card(mette, jonas, run_records):
    run_records(jonas, [record(1, "Anna Holm", profile_url="linkedin.com/in/anna-holm", emails=("anna@holm.dk",))])
    batch = run_records(
        mette,
        [
            record(1, "Anna Holm", profile_url="linkedin.com/in/anna-holm"),
            record(2, "A. Holm", emails=("anna@holm.dk",)),
        ],
    )
    assert outcomes(batch)[2] == (RowOutcome.SKIPPED, "duplicate_in_file")
    assert imported(mette).count() == 1


def test_a_suppressed_person_on_the_members_own_card_is_not_updated(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", "Arla", "Konsulent")])
    Person.objects.filter(name="Anna Holm").update(suppressed=True)
    batch = run_records(mette, [record(1, "Anna Holm", "Lego", "Chef")])
    assert outcomes(batch) == {1: (RowOutcome.SKIPPED, "suppressed")}
    assert not Position.objects.filter(person__name="Anna Holm", organisation__name="Lego").exists()


def test_a_changed_legal_form_is_not_a_changed_job(mette, run_records):
    run_records(mette, [record(1, "Anna Holm", "Maersk", "Konsulent")])
    batch = run_records(mette, [record(1, "Anna Holm", "Maersk A/S", "Konsulent")])
    assert batch.counts["changed_job"] == 0
    assert Position.objects.get(person__name="Anna Holm").end_date is None


def test_remove_missing_only_touches_the_same_spreadsheet(mette, run_records):
    run_records(mette, [record(1, "Anna Holm")], format="csv", filename="team.csv")
    run_records(mette, [record(1, "Bo Berg")], format="csv", filename="family.csv")
    run_records(mette, [record(1, "Ib Ny")], format="csv", filename="family.csv", remove_missing=True)
    assert set(imported(mette).values_list("full_name", flat=True)) == {"Anna Holm", "Ib Ny"}


def test_remove_missing_removes_nothing_when_rows_could_not_be_read(mette, run_records):
    run_records(mette, [record(1, "Anna Holm"), record(2, "Bo Berg")])
    batch = run_records(mette, [record(1, "Anna Holm")], skipped=[(2, "Row 2 is damaged.")], remove_missing=True)
    assert batch.counts["removed"] == 0
    assert imported(mette).count() == 2


def test_deleting_an_imported_contact_nobody_else_knows_removes_the_person_and_its_keys(mette, run_records):
    from kaffebro.network.actions import delete_contact

    run_records(mette, [record(1, "Anna Holm", profile_url="linkedin.com/in/anna-holm", emails=("anna@holm.dk",))])
    card = imported(mette).get()
    delete_contact(mette, card)
    assert not Person.objects.filter(pk=card.person_id).exists()
    assert not PersonKey.objects.filter(person_id=card.person_id).exists()
