"""Confirming an import's guess that a contact decides on hiring: only the member's own position changes.

Mette imported Søren Ågård, "Afdelingschef" at Novo Nordisk: the title says he likely
decides on hiring, but only Mette can say so. Jonas knows Søren too and recorded a
position of his own for him, which Mette's answer never touches and Mette never sees.
Lars, the stranger, gets 404 for Mette's card.
"""

import pytest
from django.urls import reverse

from kaffebro.core.models import Event
from kaffebro.network import actions
from kaffebro.network.actions import Refused
from kaffebro.network.models import ContactCard, Position, Tie
from tests.conftest import know
from tests.importing.conftest import record
from tests.network.conftest import add

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
QUESTION = "Likely decision-maker — does Søren Ågård decide on hiring?"
BADGE = '<span class="tag">Decides on hiring</span>'


@pytest.fixture
def mette_en(client, mette):
    """Mette browsing in English, so the assertions on page text hold before the Danish catalogue has them."""
    mette.language = "en"
    mette.save(update_fields=["language"])
    client.force_login(mette)
    return client


@pytest.fixture
def soren(mette, run_records) -> ContactCard:
    """Mette's imported card for Søren, with the import's guess from his title."""
    run_records(mette, [record(1, "Søren Ågård", "Novo Nordisk", "Afdelingschef")])
    return ContactCard.objects.get(owner=mette, full_name="Søren Ågård")


@pytest.fixture
def jonas_position(jonas, soren) -> Position:
    """Jonas's own word on where Søren works: he says Søren decides on hiring."""
    know(jonas, soren.person)
    own = Position.objects.get(person=soren.person, recorded_by=soren.owner)
    return Position.objects.create(
        person=soren.person, organisation=own.organisation, title="Chef", is_decision_maker=True, recorded_by=jonas
    )


def own_position(card: ContactCard) -> Position:
    return Position.objects.get(person=card.person, recorded_by=card.owner, end_date__isnull=True)


def answer(client, card: ContactCard, decides: str, **kwargs):
    return client.post(reverse("network:confirm_decision_maker", args=[card.code]), {"decides": decides}, **kwargs)


class TestAction:
    def test_the_import_guesses_from_the_title_but_decides_nothing(self, soren):
        assert soren.decision_maker_hint is True
        assert own_position(soren).is_decision_maker is False

    def test_yes_marks_the_members_own_position_clears_the_guess_and_writes_an_event(
        self, mette, soren, jonas_position
    ):
        jonas_position.is_decision_maker = False
        jonas_position.save()

        actions.confirm_decision_maker(mette, soren, decides=True)

        assert own_position(soren).is_decision_maker is True
        assert ContactCard.objects.get(pk=soren.pk).decision_maker_hint is False
        jonas_position.refresh_from_db()
        assert jonas_position.is_decision_maker is False, "Jonas's position is his own word"
        event = Event.objects.get(kind="contact.decision_maker_answered")
        assert (event.actor, event.subject, event.data) == (mette, soren.code, {"decides": True})

    def test_no_says_so_on_the_own_position_only(self, mette, soren, jonas_position):
        Position.objects.filter(pk=own_position(soren).pk).update(is_decision_maker=True)

        actions.confirm_decision_maker(mette, soren, decides=False)

        assert own_position(soren).is_decision_maker is False
        assert ContactCard.objects.get(pk=soren.pk).decision_maker_hint is False
        jonas_position.refresh_from_db()
        assert jonas_position.is_decision_maker is True

    def test_yes_for_a_contact_without_a_workplace_is_refused_and_changes_nothing(self, mette):
        card = add(mette, "Anna Holm", title="Afdelingschef")
        ContactCard.objects.filter(pk=card.pk).update(decision_maker_hint=True)

        with pytest.raises(Refused, match="Add where Anna Holm works first"):
            actions.confirm_decision_maker(mette, card, decides=True)

        assert ContactCard.objects.get(pk=card.pk).decision_maker_hint is True
        assert not Position.objects.filter(person=card.person).exists()
        assert not Event.objects.filter(kind="contact.decision_maker_answered").exists()

    def test_no_for_a_contact_without_a_workplace_just_drops_the_question(self, mette):
        card = add(mette, "Anna Holm", title="Afdelingschef")
        ContactCard.objects.filter(pk=card.pk).update(decision_maker_hint=True)

        actions.confirm_decision_maker(mette, card, decides=False)

        assert ContactCard.objects.get(pk=card.pk).decision_maker_hint is False
        assert not Position.objects.filter(person=card.person).exists()

    def test_someone_elses_card_is_refused(self, lars, soren):
        with pytest.raises(Refused, match="no longer exists"):
            actions.confirm_decision_maker(lars, soren, decides=True)
        assert ContactCard.objects.get(pk=soren.pk).decision_maker_hint is True
        assert not Position.objects.filter(person=soren.person, is_decision_maker=True).exists()


class TestPages:
    def test_the_contacts_list_asks_with_yes_and_no(self, mette_en, soren):
        html = mette_en.get(reverse("network:contacts")).content.decode()
        url = reverse("network:confirm_decision_maker", args=[soren.code])
        assert QUESTION in html and BADGE not in html
        assert html.count(f'formaction="{url}"') == 2 and html.count(f'hx-post="{url}"') == 2
        assert 'name="decides" value="yes"' in html and 'name="decides" value="no"' in html
        assert html.count('<form id="decision-form" method="post" hidden>') == 1
        assert "Jonas Berg" in html and html.count("Likely decision-maker") == 1, "only the guessed contact is asked"

    def test_the_rate_ties_page_asks_too(self, mette_en, soren):
        html = mette_en.get(reverse("network:rate_ties")).content.decode()
        assert QUESTION in html
        assert html.count('<form id="decision-form" method="post" hidden>') == 1

    def test_without_javascript_yes_goes_back_with_a_message_and_shows_the_badge(self, mette_en, soren):
        back = reverse("network:contacts") + "?q=s%C3%B8ren"
        response = mette_en.post(
            reverse("network:confirm_decision_maker", args=[soren.code]), {"decides": "yes", "next": back}
        )
        assert response.status_code == 302 and response["Location"] == back
        html = mette_en.get(back).content.decode()
        assert "Saved: Søren Ågård decides on hiring." in html
        assert BADGE in html and QUESTION not in html
        assert own_position(soren).is_decision_maker is True

    def test_with_htmx_the_answer_is_swapped_in(self, mette_en, soren):
        response = answer(mette_en, soren, "yes", headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and "<html" not in html
        assert html.startswith(f'<div class="decision-maker" id="decision-{soren.code}">')
        assert BADGE in html and QUESTION not in html

        no = answer(mette_en, soren, "no", headers=HTMX).content.decode()
        assert "Saved." in no and BADGE not in no

    def test_with_htmx_a_refusal_is_shown_next_to_the_question(self, mette_en, mette):
        card = add(mette, "Anna Holm", title="Afdelingschef")
        ContactCard.objects.filter(pk=card.pk).update(decision_maker_hint=True)
        html = answer(mette_en, card, "yes", headers=HTMX).content.decode()
        assert "Add where Anna Holm works first" in html and 'role="alert"' in html
        assert "Likely decision-maker — does Anna Holm decide on hiring?" in html

    def test_an_answer_that_is_not_yes_or_no_changes_nothing(self, mette_en, soren):
        response = answer(mette_en, soren, "maybe", follow=True)
        assert "Answer yes or no." in response.content.decode()
        assert ContactCard.objects.get(pk=soren.pk).decision_maker_hint is True
        assert mette_en.get(reverse("network:confirm_decision_maker", args=[soren.code])).status_code == 405

    def test_another_members_word_gives_no_badge(self, mette_en, soren, jonas_position):
        assert jonas_position.is_decision_maker is True
        html = mette_en.get(reverse("network:contacts")).content.decode()
        assert BADGE not in html and QUESTION in html


class TestStranger:
    def test_lars_gets_404_for_mettes_card_and_changes_nothing(self, client, lars, soren):
        client.force_login(lars)
        assert answer(client, soren, "yes").status_code == 404
        assert answer(client, soren, "yes", headers=HTMX).status_code == 404
        assert ContactCard.objects.get(pk=soren.pk).decision_maker_hint is True
        assert own_position(soren).is_decision_maker is False


@pytest.mark.parametrize("count", [6, 30])
def test_the_contacts_list_query_count_does_not_grow_with_guesses(
    client, lars, count, django_assert_num_queries, settings
):
    settings.PAGE_SIZE = 50
    for number in range(count):
        add(lars, f"Kontakt {number:02d}", organisation="Arla", title="Afdelingschef")
    cards = ContactCard.objects.filter(owner=lars, full_name__startswith="Kontakt")
    ContactCard.objects.filter(pk__in=cards.values("pk")[: count // 2]).update(decision_maker_hint=True)
    Position.objects.filter(recorded_by=lars, person__contact_cards__full_name__endswith="1").update(
        is_decision_maker=True
    )
    Tie.objects.filter(owner=lars).update(strength_rated=False)
    client.force_login(lars)
    client.get(reverse("network:contacts"))  # warm the session
    with django_assert_num_queries(6):
        html = client.get(reverse("network:contacts")).content.decode()
    assert BADGE in html and "Likely decision-maker" in html
    with django_assert_num_queries(5):
        html = client.get(reverse("network:rate_ties")).content.decode()
    assert BADGE in html and "Likely decision-maker" in html
