"""A member's own node in the network follows their account."""

from kaffebro.accounts.actions import update_preferences
from kaffebro.network.members import member_person
from kaffebro.network.models import Person


def test_renaming_mette_renames_her_person(mette):
    update_preferences(mette, display_name="Mette K. Holm", language="da", time_zone="Europe/Copenhagen")

    assert Person.objects.get(member=mette).name == "Mette K. Holm"


def test_renaming_mette_leaves_lars_alone(mette, lars):
    update_preferences(mette, display_name="Mette K. Holm", language="da", time_zone="Europe/Copenhagen")

    assert Person.objects.get(member=lars).name == "Lars Nielsen"


def test_member_person_is_created_once(lars):
    lars.refresh_from_db()

    assert member_person(lars).pk == member_person(lars).pk
    assert Person.objects.filter(member=lars).count() == 1
