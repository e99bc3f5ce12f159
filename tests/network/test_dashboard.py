"""The dashboard leads a new member through the three steps."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kaffebro.network import actions
from kaffebro.network.members import member_person
from kaffebro.network.models import ContactCard, Position, Target, TargetKind
from tests.conftest import know
from tests.network.conftest import add

pytestmark = pytest.mark.django_db


def test_new_member_sees_two_steps_to_do(client, lars):
    ContactCard.objects.filter(owner=lars).delete()
    client.force_login(lars)
    response = client.get(reverse("network:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(">To do<") == 2
    assert "Add your first contact" in html and "Set your first target" in html


def test_seeker_sees_her_steps_done_and_first_degree_counts(mette_client, mette, sofie, region_h, digitalisering):
    know(mette, member_person(sofie))
    former = add(mette, "Tidligere", organisation="Region Hovedstaden")
    Position.objects.filter(person=former.person).update(end_date=timezone.localdate())
    add(mette, "Privat", organisation="Region Hovedstaden", is_private=True)
    actions.add_target(mette, TargetKind.ORGANISATION, organisation=region_h)
    actions.add_target(mette, TargetKind.FIELD, job_field="Data")
    response = mette_client.get(reverse("network:dashboard"))
    html = response.content.decode()
    assert html.count(">Done<") == 2
    counts = {placed.target.kind: placed.first_degree for placed in response.context["targets"]}
    # The unit target counts Sofie only; the organisation also counts the private contact; the ended one never.
    assert counts == {TargetKind.UNIT: 1, TargetKind.ORGANISATION: 2, TargetKind.FIELD: None}
    assert "1 person you know works here." in html and "2 people you know work here." in html


def test_a_unit_target_counts_contacts_in_its_sub_units(mette_client, mette, sofie, center_for_it, digitalisering):
    know(mette, member_person(sofie))
    Target.objects.filter(seeker=mette).update(unit=center_for_it)
    response = mette_client.get(reverse("network:dashboard"))
    assert response.context["targets"][0].first_degree == 1


def test_connector_note(client, jonas):
    jonas.language = "en"
    jonas.save(update_fields=["language"])
    client.force_login(jonas)
    html = client.get(reverse("network:dashboard")).content.decode()
    assert "You are open to introductions: at most 4 requests a month." in html


@pytest.mark.parametrize("count", [1, 8])
def test_query_count_does_not_grow_with_targets(mette_client, mette, count, django_assert_num_queries):
    for number in range(count):
        actions.add_target(mette, TargetKind.FIELD, job_field=f"Felt {number}")
        add(mette, f"Kontakt {number}", organisation="Region Hovedstaden")
    mette_client.get(reverse("network:dashboard"))
    with django_assert_num_queries(9):
        mette_client.get(reverse("network:dashboard"))
