"""Organisations: search, filters, first-degree counts, and the organisation's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Position, Posting, Unit
from tests.conftest import know
from tests.network.conftest import add

pytestmark = pytest.mark.django_db


def listed(response):
    return [org.name for org in response.context["page"].object_list]


class TestList:
    def test_search_by_name_or_alias_and_filters(self, mette_client, region_h, novo):
        url = reverse("network:organisations")
        assert listed(mette_client.get(url, {"q": "regionh"})) == ["Region Hovedstaden"]
        assert listed(mette_client.get(url, {"q": "nordisk"})) == ["Novo Nordisk"]
        assert listed(mette_client.get(url, {"sector": "public"})) == ["Region Hovedstaden"]
        assert listed(mette_client.get(url, {"industry": "pharma"})) == ["Novo Nordisk"]
        assert listed(mette_client.get(url, {"region": "hovedstaden"})) == ["Region Hovedstaden"]

    def test_bad_filter_is_reported_and_filters_nothing(self, mette_client, region_h, novo):
        response = mette_client.get(reverse("network:organisations"), {"sector": "martian"})
        assert response.status_code == 200 and response.context["form"].errors
        assert listed(response) == ["Novo Nordisk", "Region Hovedstaden"]

    def test_another_members_private_organisation_is_not_listed(self, mette_client, lars):
        add(lars, "Ole", organisation="Bageriet Holm")
        assert "Bageriet Holm" not in listed(mette_client.get(reverse("network:organisations")))

    def test_counts_first_degree_contacts(self, mette_client, mette, region_h, novo, sofie):
        know(mette, member_person(sofie))
        add(mette, "Karen", organisation="Novo")
        add(mette, "Peter", organisation="Novo Nordisk")
        response = mette_client.get(reverse("network:organisations"))
        counts = {org.name: org.first_degree for org in response.context["page"].object_list}
        assert counts["Region Hovedstaden"] == 1 and counts["Novo Nordisk"] == 2

    def test_htmx_gets_the_results_only(self, mette_client, region_h):
        response = mette_client.get(reverse("network:organisations"), {"q": "region"}, HTTP_HX_REQUEST="true")
        assert response.content.decode().startswith('<div id="organisation-results"')

    def test_pagination(self, mette_client, settings):
        settings.PAGE_SIZE = 3
        Organisation.objects.bulk_create(Organisation(name=f"Firma {n}") for n in range(7))
        assert listed(mette_client.get(reverse("network:organisations"), {"page": 3})) == [
            "Firma 6",
            "Region Hovedstaden",
        ]

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_does_not_grow(self, mette_client, mette, count, django_assert_num_queries, settings):
        settings.PAGE_SIZE = 50
        for number in range(count):
            add(mette, f"Kontakt {number}", organisation=f"Firma {number}")
        mette_client.get(reverse("network:organisations"))
        with django_assert_num_queries(6):
            response = mette_client.get(reverse("network:organisations"))
        assert sum(org.first_degree for org in response.context["page"].object_list) == count


class TestDetail:
    def test_shows_facts_units_as_a_tree_and_current_postings(self, mette_client, region_h, digitalisering):
        Posting.objects.create(organisation=region_h, unit=digitalisering, title="Dataanalytiker")
        Posting.objects.create(
            organisation=region_h, title="Udløbet", deadline=timezone.localdate() - datetime.timedelta(days=1)
        )
        response = mette_client.get(reverse("network:organisation", args=[region_h.code]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dataanalytiker" in html and "Udløbet" not in html
        units = html.split('id="units-heading"')[1]
        assert units.index("Center for IT") < units.index("Digitalisering")
        assert units.count('<ul class="unit-tree">') == 2
        assert "the decision-maker still chooses whom to invite" in html

    def test_no_public_note_for_a_private_company(self, mette_client, novo):
        html = mette_client.get(reverse("network:organisation", args=[novo.code])).content.decode()
        assert "still chooses whom to invite" not in html

    def test_lists_only_the_viewers_own_contacts_by_their_own_card_names(
        self, mette_client, mette, jonas, sofie, region_h
    ):
        card = know(mette, member_person(sofie))
        card.full_name = "Sofie fra Regionen"
        card.save()
        response = mette_client.get(reverse("network:organisation", args=[region_h.code]))
        html = response.content.decode()
        assert response.context["first_degree"] == 1
        assert "Sofie fra Regionen" in html and "Sofie Holm" not in html
        assert "Jonas" not in html.split("<main")[1]

    def test_private_tie_counts_for_its_owner_and_ended_position_does_not(self, mette_client, mette, region_h):
        private = add(mette, "Privat Kontakt", organisation="Region Hovedstaden", is_private=True)
        former = add(mette, "Tidligere Kontakt", organisation="Region Hovedstaden")
        Position.objects.filter(person=former.person).update(end_date=timezone.localdate())
        response = mette_client.get(reverse("network:organisation", args=[region_h.code]))
        assert response.context["first_degree"] == 1
        assert [card.full_name for card in response.context["contacts_here"]] == [private.full_name]

    def test_a_stranger_sees_no_names(self, lars_client, mette, jonas, region_h):
        response = lars_client.get(reverse("network:organisation", args=[region_h.code]))
        html = response.content.decode()
        assert response.context["first_degree"] == 0
        for name in ("Sofie", "Jonas", "Mette"):
            assert name not in html

    def test_another_members_private_organisation_is_404(self, mette_client, lars):
        add(lars, "Ole", organisation="Bageriet Holm")
        organisation = Organisation.objects.get(name="Bageriet Holm")
        assert mette_client.get(reverse("network:organisation", args=[organisation.code])).status_code == 404

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_does_not_grow(self, mette_client, mette, region_h, count, django_assert_num_queries):
        parent = Unit.objects.create(organisation=region_h, name="Top")
        for number in range(count):
            unit = Unit.objects.create(organisation=region_h, name=f"Enhed {number}", parent=parent)
            Posting.objects.create(organisation=region_h, unit=unit, title=f"Stilling {number}")
            add(mette, f"Kontakt {number}", organisation="Region Hovedstaden")
        url = reverse("network:organisation", args=[region_h.code])
        mette_client.get(url)
        with django_assert_num_queries(10):
            mette_client.get(url)

    def test_suggestions(self, mette_client, region_h, novo):
        html = mette_client.get(reverse("network:organisation_suggestions"), {"organisation": "nov"}).content.decode()
        assert '<option value="Novo Nordisk">' in html and "Region" not in html
