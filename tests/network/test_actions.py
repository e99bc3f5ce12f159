"""Every network action: what it changes, what it records, and what it refuses."""

import datetime

import pytest
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.network import actions
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    Organisation,
    Person,
    Position,
    SeekerProfile,
    Strength,
    Target,
    TargetKind,
    Tie,
    Unit,
)
from tests.conftest import know
from tests.network.conftest import add

pytestmark = pytest.mark.django_db


def events(kind):
    return Event.objects.filter(kind=kind)


class TestAddContact:
    def test_creates_person_card_tie_and_position_in_a_known_organisation(self, mette, region_h, digitalisering):
        card = add(mette, "Karen Dahl", organisation="regionh", unit="digitalisering", title="Projektleder")
        assert card.owner == mette and card.organisation_name == "regionh"
        tie = Tie.objects.get(owner=mette, person_b=card.person)
        assert tie.person_a == member_person(mette)
        assert tie.strength_rated and tie.strength == Strength.KNOW_WELL
        position = Position.objects.get(person=card.person)
        assert (position.organisation, position.unit, position.recorded_by) == (region_h, digitalisering, mette)
        assert position.title == "Projektleder"
        assert events("contact.added").get().subject == card.code

    def test_unknown_organisation_is_created_private_to_the_member(self, lars):
        card = add(lars, "Ole Holm", organisation="Bageriet Holm", unit="Salg")
        organisation = Organisation.objects.get(name="Bageriet Holm")
        assert organisation.private_to == lars
        assert Unit.objects.get(organisation=organisation).name == "Salg"
        assert Position.objects.get(person=card.person).organisation == organisation

    def test_a_new_unit_is_not_added_to_shared_reference_data(self, mette, region_h):
        card = add(mette, "Karen Dahl", organisation="Region Hovedstaden", unit="Hemmelig enhed")
        assert not Unit.objects.filter(name="Hemmelig enhed").exists()
        assert Position.objects.get(person=card.person).unit is None
        assert card.unit_name == "Hemmelig enhed"

    def test_another_members_private_organisation_is_not_matched(self, mette, lars):
        add(lars, "Ole Holm", organisation="Bageriet Holm")
        add(mette, "Eva Holm", organisation="Bageriet Holm")
        assert set(Organisation.objects.filter(name="Bageriet Holm").values_list("private_to", flat=True)) == {
            lars.pk,
            mette.pk,
        }

    def test_privacy_defaults_to_the_members_setting(self, mette, jonas):
        assert Tie.objects.get(person_b=add(mette, "A").person).is_private is True
        assert Tie.objects.get(person_b=add(jonas, "B").person).is_private is False
        assert Tie.objects.get(person_b=add(jonas, "C", is_private=True).person).is_private is True

    def test_refuses_an_empty_name_and_changes_nothing(self, mette):
        before = ContactCard.objects.count()
        with pytest.raises(actions.Refused):
            add(mette, "   ")
        assert ContactCard.objects.count() == before
        assert not events("contact.added").exists()

    def test_refuses_a_future_date_and_a_unit_without_organisation(self, mette):
        with pytest.raises(actions.Refused):
            add(mette, "A", since=timezone.localdate() + datetime.timedelta(days=1))
        with pytest.raises(actions.Refused):
            add(mette, "A", unit="Digitalisering")
        assert not Person.objects.filter(name="A").exists()


class TestEditContact:
    def test_updates_card_tie_and_only_own_positions(self, mette, jonas, sofie, region_h):
        card = know(mette, member_person(sofie), strength=Strength.MET_ONCE)
        sofies_own = Position.objects.get(person=member_person(sofie))
        details = actions.ContactDetails(
            full_name="Sofie H.", organisation_name="Novo", title="Chef", strength=Strength.CLOSE, how_known="friend"
        )
        Organisation.objects.create(name="Novo Nordisk", aliases=["Novo"])
        actions.edit_contact(mette, card, details)
        card.refresh_from_db()
        assert card.full_name == "Sofie H." and card.title == "Chef"
        tie = Tie.objects.get(owner=mette, person_b=member_person(sofie))
        assert (tie.strength, tie.how_known) == (Strength.CLOSE, "friend")
        sofies_own.refresh_from_db()
        assert sofies_own.organisation == region_h and sofies_own.title == "Digitaliseringschef"
        recorded = Position.objects.get(person=member_person(sofie), recorded_by=mette)
        assert recorded.organisation.name == "Novo Nordisk"

    def test_clearing_the_organisation_removes_only_the_members_position(self, mette):
        card = add(mette, "Karen", organisation="Firma")
        actions.edit_contact(mette, card, actions.ContactDetails(full_name="Karen"))
        assert not Position.objects.filter(person=card.person).exists()
        assert events("contact.edited").get().subject == card.code

    def test_refuses_someone_elses_card(self, mette, lars):
        card = ContactCard.objects.get(owner=lars)
        with pytest.raises(actions.Refused):
            actions.edit_contact(mette, card, actions.ContactDetails(full_name="Hacked"))
        card.refresh_from_db()
        assert card.full_name == "Birgit Lund"


class TestRateAndPrivacy:
    def test_rate_sets_strength_and_rated(self, mette, jonas):
        card = ContactCard.objects.get(owner=mette)
        Tie.objects.filter(owner=mette).update(strength_rated=False, strength=2)
        actions.rate_tie(mette, card, 4)
        tie = Tie.objects.get(owner=mette)
        assert (tie.strength, tie.strength_rated) == (4, True)
        assert events("contact.rated").get().data == {"strength": 4}

    @pytest.mark.parametrize("strength", [0, 6, -1])
    def test_rate_refuses_out_of_range(self, mette, strength):
        with pytest.raises(actions.Refused):
            actions.rate_tie(mette, ContactCard.objects.get(owner=mette), strength)
        assert Tie.objects.get(owner=mette).strength == Strength.CLOSE

    def test_rate_refuses_someone_elses_contact(self, mette, lars):
        with pytest.raises(actions.Refused):
            actions.rate_tie(mette, ContactCard.objects.get(owner=lars), 5)
        assert Tie.objects.get(owner=lars).strength == Strength.MET_ONCE

    def test_set_private_is_a_transition(self, mette):
        card = ContactCard.objects.get(owner=mette)
        assert actions.set_contact_private(mette, card, True) is True
        assert actions.set_contact_private(mette, card, True) is False
        assert Tie.objects.get(owner=mette).is_private is True
        assert events("contact.privacy_changed").count() == 1


class TestDeleteContact:
    def test_removes_card_tie_and_an_unreferenced_person(self, mette):
        card = add(mette, "Karen", organisation="Firma")
        person_id = card.person_id
        actions.delete_contact(mette, card)
        assert not ContactCard.objects.filter(pk=card.pk).exists()
        assert not Tie.objects.filter(person_b_id=person_id).exists()
        assert not Person.objects.filter(pk=person_id).exists()
        assert events("contact.deleted").get().subject == card.code

    def test_keeps_a_member_person(self, mette, jonas):
        card = ContactCard.objects.get(owner=mette)
        actions.delete_contact(mette, card)
        assert Person.objects.filter(member=jonas).exists()
        assert not Tie.objects.filter(owner=mette).exists()

    def test_keeps_a_person_someone_else_knows(self, mette, lars):
        card = add(mette, "Karen")
        know(lars, card.person)
        actions.delete_contact(mette, card)
        assert Person.objects.filter(pk=card.person_id).exists()
        assert Tie.objects.filter(owner=lars, person_b=card.person_id).exists()

    def test_refuses_twice_and_someone_elses(self, mette, lars):
        card = add(mette, "Karen")
        actions.delete_contact(mette, card)
        with pytest.raises(actions.Refused):
            actions.delete_contact(mette, card)
        with pytest.raises(actions.Refused):
            actions.delete_contact(mette, ContactCard.objects.get(owner=lars))
        assert ContactCard.objects.filter(owner=lars).exists()


class TestSeekerProfile:
    def test_creating_makes_a_seeker_and_updating_keeps_one_row(self, lars):
        actions.save_seeker_profile(lars, headline="Data", competencies=["SQL"], regions=["hovedstaden"])
        actions.save_seeker_profile(lars, headline="Data og AI")
        profile = SeekerProfile.objects.get(user=lars)
        assert profile.headline == "Data og AI" and profile.competencies == ["SQL"]
        assert events("seeker.profile_created").count() == 1 and events("seeker.profile_updated").count() == 1

    def test_refuses_an_unknown_region(self, lars):
        with pytest.raises(actions.Refused):
            actions.save_seeker_profile(lars, regions=["atlantis"])
        assert not SeekerProfile.objects.filter(user=lars).exists()


class TestTargets:
    def test_add_appends_and_makes_a_seeker(self, lars, region_h, digitalisering, posting):
        first = actions.add_target(lars, TargetKind.ORGANISATION, organisation=region_h)
        second = actions.add_target(lars, TargetKind.POSTING, posting=posting)
        third = actions.add_target(lars, TargetKind.FIELD, job_field="Data", region="hovedstaden")
        assert [t.pk for t in Target.objects.filter(seeker=lars)] == [first.pk, second.pk, third.pk]
        assert list(Target.objects.filter(seeker=lars).values_list("priority", flat=True)) == [1, 2, 3]
        assert SeekerProfile.objects.filter(user=lars).exists()
        assert events("target.added").count() == 3

    def test_refuses_duplicates(self, mette, digitalisering):
        with pytest.raises(actions.Refused):
            actions.add_target(mette, TargetKind.UNIT, unit=digitalisering)
        actions.add_target(mette, TargetKind.FIELD, job_field="Data")
        with pytest.raises(actions.Refused):
            actions.add_target(mette, TargetKind.FIELD, job_field="data")
        assert Target.objects.filter(seeker=mette).count() == 2

    def test_refuses_a_kind_without_its_object_and_a_mismatch(self, lars, region_h):
        for kind, fields in [
            (TargetKind.UNIT, {}),
            (TargetKind.UNIT, {"organisation": region_h}),
            (TargetKind.FIELD, {"job_field": " "}),
            (TargetKind.FIELD, {"job_field": "Data", "region": "atlantis"}),
            ("nonsense", {"organisation": region_h}),
        ]:
            with pytest.raises(actions.Refused):
                actions.add_target(lars, kind, **fields)
        assert not Target.objects.filter(seeker=lars).exists()

    def test_refuses_more_than_the_maximum(self, lars):
        for number in range(actions.MAX_TARGETS):
            actions.add_target(lars, TargetKind.FIELD, job_field=f"Felt {number}")
        with pytest.raises(actions.Refused):
            actions.add_target(lars, TargetKind.FIELD, job_field="One too many")

    def test_move_and_remove_keep_priorities_without_gaps(self, lars):
        a, b, c = (actions.add_target(lars, TargetKind.FIELD, job_field=name) for name in "ABC")
        assert actions.move_target(lars, c, "up") is True
        assert list(Target.objects.filter(seeker=lars).values_list("job_field", "priority")) == [
            ("A", 1),
            ("C", 2),
            ("B", 3),
        ]
        assert actions.move_target(lars, a, "up") is False
        assert actions.move_target(lars, b, "down") is False
        actions.remove_target(lars, a)
        assert list(Target.objects.filter(seeker=lars).values_list("job_field", "priority")) == [("C", 1), ("B", 2)]
        assert events("target.moved").count() == 1 and events("target.removed").count() == 1

    def test_move_and_remove_refuse_someone_elses_target(self, mette, lars):
        target = Target.objects.get(seeker=mette)
        with pytest.raises(actions.Refused):
            actions.move_target(lars, target, "down")
        with pytest.raises(actions.Refused):
            actions.remove_target(lars, target)
        with pytest.raises(actions.Refused):
            actions.move_target(mette, target, "sideways")
        assert Target.objects.get(seeker=mette).priority == 1


class TestConnectorSettings:
    def test_opting_in_records_the_transition(self, lars):
        actions.update_connector_settings(
            lars, open_to_introductions=True, monthly_limit=10, paused_until=None, contacts_private_by_default=False
        )
        row = ConnectorSettings.objects.get(user=lars)
        assert (row.open_to_introductions, row.monthly_limit, row.contacts_private_by_default) == (True, 10, False)
        assert events("connector.opted_in").count() == 1
        actions.update_connector_settings(
            lars, open_to_introductions=True, monthly_limit=5, paused_until=None, contacts_private_by_default=False
        )
        assert events("connector.opted_in").count() == 1
        assert events("connector.settings_updated").count() == 2

    @pytest.mark.parametrize(
        ("limit", "paused"), [(51, None), (-1, None), (4, datetime.date(2000, 1, 1))], ids=["high", "low", "past"]
    )
    def test_refuses_bad_values(self, lars, limit, paused):
        with pytest.raises(actions.Refused):
            actions.update_connector_settings(
                lars,
                open_to_introductions=True,
                monthly_limit=limit,
                paused_until=paused,
                contacts_private_by_default=True,
            )
        assert connector_settings(lars).open_to_introductions is False


class TestBlocks:
    def test_block_and_unblock_an_organisation(self, mette, region_h):
        block = actions.block_organisation(mette, region_h)
        with pytest.raises(actions.Refused):
            actions.block_organisation(mette, region_h)
        actions.unblock(mette, block)
        with pytest.raises(actions.Refused):
            actions.unblock(mette, block)
        assert not Block.objects.exists()
        assert events("block.added").count() == 1 and events("block.removed").count() == 1

    def test_block_a_contact_but_not_someone_elses(self, mette, lars, jonas):
        block = actions.block_person(mette, ContactCard.objects.get(owner=mette))
        assert block.person == member_person(jonas)
        with pytest.raises(actions.Refused):
            actions.block_person(mette, ContactCard.objects.get(owner=lars))
        with pytest.raises(actions.Refused):
            actions.block_person(mette, ContactCard.objects.get(owner=mette))
        assert Block.objects.count() == 1

    def test_cannot_block_another_members_private_organisation_or_lift_their_block(self, mette, lars):
        add(lars, "Ole", organisation="Bageriet Holm")
        with pytest.raises(actions.Refused):
            actions.block_organisation(mette, Organisation.objects.get(name="Bageriet Holm"))
        block = actions.block_person(lars, ContactCard.objects.get(owner=lars, full_name="Ole"))
        with pytest.raises(actions.Refused):
            actions.unblock(mette, block)
        assert Block.objects.filter(pk=block.pk).exists()
