"""The ways-in pages: a member's own target, organisations, units and postings, and the htmx fragments.

Mette reaches Sofie, the decision-maker in Digitalisering, through Jonas. Sofie has not chosen to
be named in paths, so Mette's pages show her only as a role at a place — never her name.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaffebro.network import actions
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import Organisation, Person, Position, Posting, Target, TargetKind, Unit
from tests.conftest import know, make_member

pytestmark = pytest.mark.django_db

HIDDEN_NAMES = ("Sofie", "Holm")


@pytest.fixture
def english(mette):
    """Mette reading in English, so assertions on page text hold whatever the Danish catalogue says."""
    mette.language = "en"
    mette.save(update_fields=["language"])
    return mette


@pytest.fixture
def mette_client(client, english):
    client.force_login(english)
    return client


@pytest.fixture
def target(mette) -> Target:
    return Target.objects.get(seeker=mette)


@pytest.fixture
def posting(region_h, digitalisering, sofie) -> Posting:
    return Posting.objects.create(
        organisation=region_h,
        unit=digitalisering,
        title="Dataanalytiker",
        description="Vi søger en <b>dataanalytiker</b>.\n\nSøg senest fredag.",
        url="https://job.regionh.dk/dataanalytiker",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        decision_maker=member_person(sofie),
    )


def page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def main_of(html: str) -> str:
    """The page's own content, without the site's header and footer."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def assert_no_hidden_name(html: str) -> None:
    for name in HIDDEN_NAMES:
        assert name not in html


class TestTargetPage:
    def test_mette_sees_her_way_in_through_jonas(self, mette_client, target):
        html = main_of(page(mette_client, "paths:target", target.code))
        assert "Your ways in" in html and "Unit: Digitalisering" in html
        assert "You have 1 way in" in html
        assert "Through Jonas Berg" in html
        assert "points of 100" in html and "2 steps" in html

    def test_the_diagram_is_accessible_and_has_a_visible_text_alternative(self, mette_client, target):
        html = main_of(page(mette_client, "paths:target", target.code))
        svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
        assert 'role="img"' in svg and 'aria-labelledby="way-1-diagram-title"' in svg
        assert '<title id="way-1-diagram-title">Path: You → Jonas Berg → ' in svg
        steps = html.split('<ol class="way-steps"', 1)[1].split("</ol>", 1)[0]
        assert "You" in steps and "Jonas Berg" in steps and "How you know each other:" in steps

    def test_the_score_breakdown_and_the_request_link(self, mette_client, target):
        html = main_of(page(mette_client, "paths:target", target.code))
        breakdown = html.split('<details class="way-breakdown">', 1)[1].split("</details>", 1)[0]
        assert "How the score is made up" in breakdown and breakdown.count('<th scope="row">') >= 4
        actions_html = html.split('<div class="way-actions">', 1)[1].split("</div>", 1)[0]
        assert "Ask Jonas Berg for an introduction" in actions_html and "coming soon" not in html
        assert f'href="{reverse("meetings:start")}?way=' in actions_html  # the way goes along as a signed token

    def test_a_hidden_person_is_shown_by_role_only(self, mette_client, target):
        html = page(mette_client, "paths:target", target.code)
        assert_no_hidden_name(html)
        assert "Digitalisering" in main_of(html).split('<ol class="way-steps"', 1)[1]

    def test_a_named_connector_in_the_middle_and_a_direct_contact(self, mette_client, mette, jonas, sofie, target):
        know(mette, member_person(sofie))  # now Mette knows Sofie herself: a direct way in, by Mette's own card
        html = main_of(page(mette_client, "paths:target", target.code))
        assert "You know Sofie Holm" in html and "Ask Sofie Holm for a coffee meeting" in html

    def test_a_connector_who_hides_their_name_is_never_named(self, mette_client, mette, jonas, sofie, target):
        """Mette → Jonas → Anna (a connector hiding her name) → Peter, a decision-maker who is not a member."""
        anna = make_member("anna@example.org", "Anna Skjult")
        row = connector_settings(anna)
        row.open_to_introductions, row.show_name_in_paths, row.contacts_private_by_default = True, False, False
        row.save()
        know(jonas, member_person(anna))
        peter = Person.objects.create(name="Peter Ukendt")
        Position.objects.create(
            person=peter, organisation=sofie.person.positions.get().organisation, title="Chef", is_decision_maker=True
        )
        know(anna, peter)
        organisation = peter.positions.get().organisation
        html = page(mette_client, "paths:organisation", organisation.code)
        assert "Jonas Berg" in html
        for hidden in ("Anna", "Skjult", "Peter", "Ukendt", *HIDDEN_NAMES):
            assert hidden not in html

    def test_empty_state_explains_how_to_get_ways_in(self, client, lars, region_h):
        lars_target = actions.add_target(lars, TargetKind.ORGANISATION, organisation=region_h)
        client.force_login(lars)
        html = main_of(page(client, "paths:target", lars_target.code))
        assert "No ways in yet." in html
        assert reverse("network:import_upload") in html and "open their network to introductions" in html
        assert "<svg" not in html

    def test_a_job_field_target(self, mette_client, mette, sofie):
        field_target = actions.add_target(mette, TargetKind.FIELD, job_field="Digitalisering")
        html = main_of(page(mette_client, "paths:target", field_target.code))
        assert "Job field: Digitalisering" in html
        assert_no_hidden_name(html)

    def test_another_members_target_is_404(self, lars_client, target):
        assert lars_client.get(reverse("paths:target", args=[target.code])).status_code == 404

    def test_an_unknown_code_is_404(self, mette_client):
        assert mette_client.get(reverse("paths:target", args=["Zq7madeUpX9k"])).status_code == 404

    def test_in_danish(self, client, mette, target):
        client.force_login(mette)
        html = main_of(page(client, "paths:target", target.code))
        assert "Dine veje ind" in html and "Gennem Jonas Berg" in html
        assert_no_hidden_name(html)

    @pytest.mark.parametrize("extra", [0, 12])
    def test_query_count(self, mette_client, mette, target, extra, django_assert_max_num_queries):
        for number in range(extra):
            contact = make_member(f"kollega{number}@example.org", f"Kollega {number}")
            know(mette, member_person(contact))
        url = reverse("paths:target", args=[target.code])
        mette_client.get(url)
        with django_assert_max_num_queries(TARGET_PAGE_QUERIES):
            mette_client.get(url)


TARGET_PAGE_QUERIES = 12  # with the rate-limit counter's one UPDATE (docs/security.md)
FRAGMENT_QUERIES = 10
DASHBOARD_FRAGMENT_QUERIES = 10


class TestOrganisation:
    def test_the_organisation_page_fetches_the_ways_in_with_htmx(self, mette_client, region_h):
        html = page(mette_client, "network:organisation", region_h.code)
        assert f'hx-get="{reverse("paths:organisation_best", args=[region_h.code])}"' in html
        assert f'href="{reverse("paths:organisation", args=[region_h.code])}"' in html  # without JavaScript

    def test_fragment_shows_the_count_and_the_best_way(self, mette_client, region_h, target):
        html = page(mette_client, "paths:organisation_best", region_h.code)
        assert html.startswith('<div class="ways-best">')
        assert "You have 1 way in. The best one:" in html and "Through Jonas Berg" in html
        assert f'href="{reverse("paths:organisation", args=[region_h.code])}"' in html
        assert "<details" not in html  # the compact card has no breakdown
        assert_no_hidden_name(html)

    def test_full_list(self, mette_client, region_h, target):
        html = main_of(page(mette_client, "paths:organisation", region_h.code))
        assert "Your ways in to Region Hovedstaden" in html and "Through Jonas Berg" in html
        assert_no_hidden_name(html)

    def test_stranger_gets_the_empty_state(self, lars_client, region_h, target):
        html = page(lars_client, "paths:organisation_best", region_h.code)
        assert "No ways in yet." in html and "Jonas" not in html
        assert_no_hidden_name(html)

    def test_another_members_private_organisation_is_404(self, mette_client, lars):
        private = Organisation.objects.create(name="Bageriet Holm", private_to=lars)
        for name in ("paths:organisation", "paths:organisation_best"):
            assert mette_client.get(reverse(name, args=[private.code])).status_code == 404

    @pytest.mark.parametrize("extra", [0, 12])
    def test_fragment_query_count(self, mette_client, mette, region_h, target, extra, django_assert_max_num_queries):
        for number in range(extra):
            contact = make_member(f"kollega{number}@example.org", f"Kollega {number}")
            Position.objects.create(person=member_person(contact), organisation=region_h, title="Konsulent")
            know(mette, member_person(contact))
        url = reverse("paths:organisation_best", args=[region_h.code])
        mette_client.get(url)
        with django_assert_max_num_queries(FRAGMENT_QUERIES):
            html = mette_client.get(url).content.decode()
        assert f"You have {extra + 1} way" in html


class TestUnitAndPosting:
    def test_unit_page(self, mette_client, region_h, center_for_it, digitalisering, posting, target):
        Unit.objects.create(organisation=region_h, parent=center_for_it, name="Drift")
        html = main_of(page(mette_client, "paths:unit_detail", center_for_it.code))
        assert "<h1>Center for IT</h1>" in html and "Region Hovedstaden" in html
        assert reverse("paths:unit_detail", args=[digitalisering.code]) in html and "Drift" in html
        assert "Dataanalytiker" in html  # a posting in a sub-unit
        assert "You have 1 way in" in html and "Through Jonas Berg" in html
        assert reverse("paths:unit", args=[center_for_it.code]) in html
        assert_no_hidden_name(html)

    def test_unit_full_list(self, mette_client, digitalisering, target):
        html = main_of(page(mette_client, "paths:unit", digitalisering.code))
        assert "Your ways in to Digitalisering, Region Hovedstaden" in html and "Through Jonas Berg" in html
        assert_no_hidden_name(html)

    def test_posting_page(self, mette_client, posting, target):
        html = main_of(page(mette_client, "postings:detail", posting.code))
        assert "<h1>Dataanalytiker</h1>" in html and 'href="https://job.regionh.dk/dataanalytiker"' in html
        # The description is sanitised HTML (tests/jobs/test_postings_views.py): simple tags stay, in paragraphs.
        assert "<p>Vi søger en <b>dataanalytiker</b>.</p><p>Søg senest fredag.</p>" in html
        assert "Through Jonas Berg" in html and "Add as my target" in html
        assert_no_hidden_name(html)

    def test_posting_full_list(self, mette_client, posting, target):
        html = main_of(page(mette_client, "paths:posting", posting.code))
        assert "Your ways in to Dataanalytiker, Region Hovedstaden" in html and "Through Jonas Berg" in html
        assert_no_hidden_name(html)

    def test_organisation_page_links_units_and_postings(self, mette_client, region_h, digitalisering, posting):
        html = page(mette_client, "network:organisation", region_h.code)
        assert reverse("paths:unit_detail", args=[digitalisering.code]) in html
        assert reverse("postings:detail", args=[posting.code]) in html

    def test_another_members_private_organisation_hides_its_units_and_postings(self, mette_client, lars):
        private = Organisation.objects.create(name="Bageriet Holm", private_to=lars)
        unit = Unit.objects.create(organisation=private, name="Bageriet")
        posting = Posting.objects.create(organisation=private, title="Bager")
        for name, code in (
            ("paths:unit_detail", unit.code),
            ("paths:unit", unit.code),
            ("postings:detail", posting.code),
            ("paths:posting", posting.code),
        ):
            assert mette_client.get(reverse(name, args=[code])).status_code == 404


class TestDashboard:
    def test_the_dashboard_fetches_the_best_ways_with_htmx(self, mette_client, target):
        html = page(mette_client, "network:dashboard")
        assert f'hx-get="{reverse("paths:targets_best")}"' in html
        assert reverse("paths:target", args=[target.code]) in html

    def test_no_fragment_without_targets(self, lars_client):
        assert reverse("paths:targets_best") not in page(lars_client, "network:dashboard")

    def test_fragment_has_the_best_way_for_each_target(self, mette_client, mette, region_h, target):
        actions.add_target(mette, TargetKind.ORGANISATION, organisation=Organisation.objects.create(name="Tomt A/S"))
        html = page(mette_client, "paths:targets_best")
        first, second = html.split("<li>\n    <h3>")[1:]
        assert "Unit: Digitalisering" in first and "Through Jonas Berg" in first
        assert reverse("paths:target", args=[target.code]) in first
        assert "Tomt A/S" in second and "No ways in yet." in second
        assert_no_hidden_name(html)

    def test_fragment_shows_only_the_viewers_targets(self, lars_client, target):
        html = page(lars_client, "paths:targets_best")
        assert target.code not in html and "Jonas" not in html

    @pytest.mark.parametrize("count", [1, 6])
    def test_fragment_query_count_does_not_grow(
        self, mette_client, mette, region_h, center_for_it, count, django_assert_max_num_queries
    ):
        for number in range(count):
            unit = Unit.objects.create(organisation=region_h, parent=center_for_it, name=f"Enhed {number}")
            actions.add_target(mette, TargetKind.UNIT, unit=unit)
            actions.add_target(mette, TargetKind.FIELD, job_field=f"Felt {number}")
        url = reverse("paths:targets_best")
        mette_client.get(url)
        with django_assert_max_num_queries(DASHBOARD_FRAGMENT_QUERIES):
            html = mette_client.get(url).content.decode()
        assert html.count("<h3>") == 1 + 2 * count


@pytest.mark.parametrize(
    "name", ["paths:target", "paths:organisation", "paths:organisation_best", "paths:unit", "paths:posting"]
)
def test_anonymous_is_sent_to_log_in(client, name, target, region_h):
    code = target.code if name == "paths:target" else region_h.code
    response = client.get(reverse(name, args=[code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_dashboard_fragment_is_sent_to_log_in(client):
    response = client.get(reverse("paths:targets_best"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
