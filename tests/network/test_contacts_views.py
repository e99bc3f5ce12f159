"""My network: the list, search, filter, quick rating, and add / edit / delete."""

import pytest
from django.urls import reverse

from kaffebro.network.models import ContactCard, Organisation, Position, Strength, Tie
from tests.conftest import know
from tests.network.conftest import add

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def names(response):
    return [card.full_name for card in response.context["page"].object_list]


class TestList:
    def test_shows_own_contacts_sorted_with_strength_in_words(self, mette_client, mette):
        add(mette, "Anders And", organisation="Region Hovedstaden", title="Chef")
        Tie.objects.filter(owner=mette, person_b__name="Anders And").update(strength_rated=False)
        response = mette_client.get(reverse("network:contacts"))
        assert response.status_code == 200
        assert names(response) == ["Anders And", "Jonas Berg"]
        html = response.content.decode()
        assert "Not yet rated" in html and "Close colleague or friend" in html
        assert "Birgit Lund" not in html

    def test_private_marker(self, mette_client, mette):
        add(mette, "Hemmelig Person", is_private=True)
        html = mette_client.get(reverse("network:contacts")).content.decode()
        assert 'class="tag">Private<' in html

    def test_empty_state_guides(self, client, lars):
        ContactCard.objects.filter(owner=lars).delete()
        client.force_login(lars)
        response = client.get(reverse("network:contacts"))
        assert "Add your first contact" in response.content.decode()

    def test_search_by_name_organisation_and_title(self, mette_client, mette):
        add(mette, "Karen Dahl", organisation="Novo Nordisk", title="Analytiker")
        add(mette, "Peter Lund", organisation="Carlsberg", title="Chef")
        url = reverse("network:contacts")
        assert names(mette_client.get(url, {"q": "karen"})) == ["Karen Dahl"]
        assert names(mette_client.get(url, {"q": "carls"})) == ["Peter Lund"]
        assert names(mette_client.get(url, {"q": "analyt"})) == ["Karen Dahl"]
        assert names(mette_client.get(url, {"q": "nobody"})) == []

    def test_filter_by_organisation_offers_only_the_members_organisations(self, mette_client, mette, lars):
        add(mette, "Karen Dahl", organisation="Region Hovedstaden")
        add(mette, "Peter Lund", organisation="Carlsberg")
        add(lars, "Lars' kollega", organisation="Lars' firma")
        response = mette_client.get(reverse("network:contacts"))
        offered = [label for code, label in response.context["form"].fields["organisation"].choices if code]
        assert offered == ["Carlsberg", "Region Hovedstaden"]
        carlsberg = Organisation.objects.get(name="Carlsberg")
        assert names(mette_client.get(reverse("network:contacts"), {"organisation": carlsberg.code})) == ["Peter Lund"]

    def test_an_unknown_organisation_filter_is_an_error_not_a_crash(self, mette_client):
        response = mette_client.get(reverse("network:contacts"), {"organisation": "nope", "q": "x" * 300})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert names(response) == ["Jonas Berg"]

    def test_pagination(self, mette_client, mette, settings):
        settings.PAGE_SIZE = 5
        for number in range(12):
            add(mette, f"Kontakt {number:02d}")
        first = mette_client.get(reverse("network:contacts"))
        assert len(names(first)) == 5 and first.context["page"].paginator.count == 13
        last = mette_client.get(reverse("network:contacts"), {"page": 3})
        assert names(last) == ["Kontakt 09", "Kontakt 10", "Kontakt 11"]
        assert mette_client.get(reverse("network:contacts"), {"page": "abc"}).status_code == 200

    def test_pagination_keeps_the_search(self, mette_client, mette, settings):
        settings.PAGE_SIZE = 2
        for number in range(5):
            add(mette, f"Karen {number}")
        html = mette_client.get(reverse("network:contacts"), {"q": "karen"}).content.decode()
        assert "?q=karen&amp;page=2" in html

    def test_htmx_gets_the_results_region_only(self, mette_client):
        response = mette_client.get(reverse("network:contacts"), {"q": "jonas"}, **HTMX)
        html = response.content.decode()
        assert html.startswith('<div id="contact-results" aria-live="polite">')
        assert "<html" not in html and "Jonas Berg" in html
        assert "HX-Request" in response["Vary"]

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_does_not_grow_with_contacts(self, client, lars, count, django_assert_num_queries, settings):
        settings.PAGE_SIZE = 50
        for number in range(count):
            add(lars, f"Kontakt {number}", organisation=f"Firma {number % 7}", title="Chef")
        client.force_login(lars)
        client.get(reverse("network:contacts"))  # warm the session
        with django_assert_num_queries(6):
            response = client.get(reverse("network:contacts"))
        assert len(response.context["page"].object_list) == count + 1


class TestRate:
    def test_plain_post_redirects_back(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        back = reverse("network:contacts") + "?q=jo"
        response = mette_client.post(reverse("network:rate_contact", args=[card.code]), {"strength": 2, "next": back})
        assert response.status_code == 302 and response["Location"] == back
        assert Tie.objects.get(owner=mette).strength == 2

    def test_an_offsite_next_is_ignored(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        response = mette_client.post(
            reverse("network:rate_contact", args=[card.code]), {"strength": 2, "next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("network:contacts")

    def test_htmx_post_swaps_the_row(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        Tie.objects.filter(owner=mette).update(strength_rated=False)
        response = mette_client.post(reverse("network:rate_contact", args=[card.code]), {"strength": 3}, **HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.startswith(f'<tr id="contact-{card.code}">') and "Know each other" in html
        assert Tie.objects.get(owner=mette).strength_rated is True

    def test_bad_strength_changes_nothing(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        response = mette_client.post(reverse("network:rate_contact", args=[card.code]), {"strength": 9}, **HTMX)
        assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
        mette_client.post(reverse("network:rate_contact", args=[card.code]), {"strength": "x"})
        assert Tie.objects.get(owner=mette).strength == Strength.CLOSE

    def test_get_is_not_allowed(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        assert mette_client.get(reverse("network:rate_contact", args=[card.code])).status_code == 405


class TestAddEditDelete:
    def test_add_form_defaults_privacy_from_settings(self, mette_client):
        response = mette_client.get(reverse("network:add_contact"))
        assert response.status_code == 200
        assert response.context["form"]["is_private"].value() is True

    def test_add_from_first_and_last_name(self, mette_client, mette, region_h):
        response = mette_client.post(
            reverse("network:add_contact"),
            {"first_name": "Karen", "last_name": "Dahl", "organisation_name": "Region Hovedstaden", "strength": 4},
        )
        assert response.status_code == 302
        card = ContactCard.objects.get(owner=mette, full_name="Karen Dahl")
        assert Position.objects.get(person=card.person).organisation == region_h

    def test_add_without_a_name_shows_a_linked_error_and_adds_nothing(self, mette_client, mette):
        response = mette_client.post(reverse("network:add_contact"), {"strength": 3, "email": "not-an-address"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'aria-invalid="true"' in html and 'id="id_full_name_error"' in html
        assert 'aria-describedby="id_full_name_helptext id_full_name_error"' in html
        assert ContactCard.objects.filter(owner=mette).count() == 1

    def test_edit_shows_current_values_and_saves(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        url = reverse("network:edit_contact", args=[card.code])
        assert mette_client.get(url).context["form"]["strength"].value() == Strength.CLOSE
        response = mette_client.post(url, {"full_name": "Jonas B.", "strength": 2, "title": "Konsulent"})
        assert response.status_code == 302
        card.refresh_from_db()
        assert (card.full_name, card.title) == ("Jonas B.", "Konsulent")
        assert Tie.objects.get(owner=mette).strength == 2

    def test_privacy_switch(self, mette_client, mette):
        card = ContactCard.objects.get(owner=mette)
        mette_client.post(reverse("network:set_contact_private", args=[card.code]), {"private": "1"})
        assert Tie.objects.get(owner=mette).is_private is True
        mette_client.post(reverse("network:set_contact_private", args=[card.code]), {"private": "0"})
        assert Tie.objects.get(owner=mette).is_private is False

    def test_delete_asks_first_then_deletes_on_post(self, mette_client, mette):
        card = add(mette, "Karen")
        url = reverse("network:delete_contact", args=[card.code])
        assert mette_client.get(url).status_code == 200
        assert ContactCard.objects.filter(pk=card.pk).exists()
        assert mette_client.post(url).status_code == 302
        assert not ContactCard.objects.filter(pk=card.pk).exists()

    def test_contact_suggestions_are_own_contacts_only(self, mette_client, mette, lars):
        know(lars, ContactCard.objects.get(owner=mette).person)
        response = mette_client.get(reverse("network:contact_suggestions"), {"contact": "bir"})
        assert response.content.decode().strip() == ""
        response = mette_client.get(reverse("network:contact_suggestions"), {"contact": "jon"})
        assert '<option value="Jonas Berg">' in response.content.decode()
