"""The brief page and its live readiness check: only the seeker sees or changes their brief."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kaffebro.accounts.models import User
from kaffebro.meetings import actions
from kaffebro.meetings.models import PrepBrief
from kaffebro.network.models import Organisation, Sector, Target, TargetKind
from tests.meetings.conftest import GOOD, brief_fields, form_data

pytestmark = pytest.mark.django_db


def page(target):
    return reverse("meetings:brief", args=[target.code])


def check(target):
    return reverse("meetings:brief_check", args=[target.code])


class TestTheSeeker:
    def test_an_empty_brief_page(self, mette_client, target):
        response = mette_client.get(page(target))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Preparation brief" in html and "Unit: Digitalisering" in html
        assert "Not ready yet" in html
        assert 'name="version" value="0"' in html
        assert f'hx-post="{check(target)}"' in html and "input delay:500ms" in html

    def test_saving_creates_the_brief_and_shows_it_ready(self, mette_client, mette, target):
        response = mette_client.post(page(target), form_data("en"))
        assert response.status_code == 302 and response["Location"] == page(target)
        brief = PrepBrief.objects.get(seeker=mette, target=target)
        assert (brief.version, brief.ask, brief.knows_unit) == (1, GOOD["en"]["ask"], True)
        html = mette_client.get(page(target)).content.decode()
        assert "Your brief is saved." in html and "Ready to ask" in html and "Version 1" in html
        assert 'name="version" value="1"' in html

    def test_improving_the_brief(self, mette_client, mette, target):
        actions.save_brief(mette, target, brief_fields("en", ask="A job"), base_version=0)
        assert "Almost ready" in mette_client.get(page(target)).content.decode()
        mette_client.post(page(target), form_data("en", version=1))
        assert PrepBrief.objects.get().version == 2

    def test_a_stale_tab_gets_a_clear_message_and_changes_nothing(self, mette_client, mette, target):
        actions.save_brief(mette, target, brief_fields("en"), base_version=0)
        actions.save_brief(mette, target, brief_fields("en", offer=GOOD["da"]["offer"]), base_version=1)
        before = PrepBrief.objects.values().get()
        response = mette_client.post(page(target), form_data("en", version=1, ask="Something else entirely?"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "saved in another window or tab" in html
        assert "Something else entirely?" in html  # what she typed is still there to copy
        assert PrepBrief.objects.values().get() == before

    def test_too_long_input_is_explained_and_saves_nothing(self, mette_client, target):
        response = mette_client.post(page(target), form_data("en", offer="x" * 3001))
        assert response.status_code == 200
        assert "offer" in response.context["form"].errors
        assert not PrepBrief.objects.exists()

    def test_a_malformed_version_saves_nothing(self, mette_client, target):
        response = mette_client.post(page(target), form_data("en") | {"version": "-4"})
        assert response.status_code == 200 and not PrepBrief.objects.exists()

    def test_the_live_check_answers_a_fragment_and_saves_nothing(self, mette_client, target):
        response = mette_client.post(
            check(target), form_data("en", ask="I would like a job with you, please."), headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert "Almost ready" in html and "too general" in html
        assert not PrepBrief.objects.exists()

    def test_the_live_check_of_a_ready_brief(self, mette_client, target):
        html = mette_client.post(check(target), form_data("da"), headers={"HX-Request": "true"}).content.decode()
        assert "Ready to ask" in html and "To do:" not in html

    def test_the_live_check_only_answers_posts(self, mette_client, target):
        assert mette_client.get(check(target)).status_code == 405

    def test_a_public_target_explains_that_networking_still_matters(self, mette_client, target):
        html = mette_client.get(page(target)).content.decode()
        assert "must be advertised" in html and "decision-maker still chooses" in html
        assert "before the application deadline" in html

    def test_a_private_target_does_not(self, mette_client, mette):
        novo = Organisation.objects.create(name="Novo Nordisk", sector=Sector.PRIVATE)
        target = Target.objects.create(seeker=mette, kind=TargetKind.ORGANISATION, organisation=novo, priority=2)
        html = mette_client.get(page(target)).content.decode()
        assert "must be advertised" not in html and "Your timeline" not in html

    def test_a_posting_shows_the_timeline(self, mette_client, posting_target, time_machine_today):
        html = mette_client.get(page(posting_target)).content.decode()
        assert "Your timeline" in html
        assert "Hold the coffee meeting by March 13, 2026 at the latest." in html
        assert "That is 12 days from today." in html
        assert "Send it by the application deadline, March 25, 2026." in html

    @pytest.mark.parametrize(
        ("today", "shown"),
        [
            (datetime.date(2026, 3, 20), "That date has passed: ask anyway for a short call"),
            (datetime.date(2026, 3, 26), "The application deadline, March 25, 2026, has passed."),
        ],
    )
    def test_the_timeline_after_the_coffee_date_and_the_deadline(
        self, mette_client, posting_target, monkeypatch, today, shown
    ):
        monkeypatch.setattr("kaffebro.meetings.views.timezone.localdate", lambda: today)
        assert shown in mette_client.get(page(posting_target)).content.decode()

    def test_the_brief_page_in_danish(self, client, mette, target):
        client.force_login(mette)
        html = client.get(page(target)).content.decode()
        assert '<html lang="da">' in html
        assert "Preparation brief" not in html

    @pytest.mark.parametrize("targets", [1, 6])
    def test_query_count_is_small_and_fixed(self, mette_client, mette, target, targets, django_assert_max_num_queries):
        """The page's own reads are one query for the target with its place and one for the brief.

        The rest is the session, the member and whatever the shared page frame reads (at most two more).
        """
        actions.save_brief(mette, target, brief_fields("en"), base_version=0)
        for number in range(targets - 1):
            Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field=f"Felt {number}", priority=number + 2)
        with django_assert_max_num_queries(6) as captured:
            response = mette_client.get(page(target))
        assert response.status_code == 200
        sql = [query["sql"] for query in captured.captured_queries]
        assert sum('FROM "network_target"' in query for query in sql) == 1
        assert sum('FROM "meetings_prepbrief"' in query for query in sql) == 1
        assert not any('"network_organisation"' in query and "network_target" not in query for query in sql)


@pytest.fixture
def time_machine_today(monkeypatch):
    """Today is 1 March 2026 in Copenhagen, for the timeline."""
    monkeypatch.setattr("kaffebro.meetings.views.timezone.localdate", lambda: datetime.date(2026, 3, 1))


class TestEveryoneElse:
    @pytest.fixture
    def mettes_brief(self, mette, target) -> PrepBrief:
        return actions.save_brief(mette, target, brief_fields("da"), base_version=0)

    @pytest.mark.parametrize("who", ["lars", "jonas", "sofie"])
    def test_other_members_get_404_and_change_nothing(self, request, client, target, mettes_brief, who):
        member: User = request.getfixturevalue(who)
        client.force_login(member)
        before = PrepBrief.objects.values().get()
        for response in (
            client.get(page(target)),
            client.post(page(target), form_data("en", version=1)),
            client.post(page(target), form_data("en", version=0)),
            client.post(check(target), form_data("en"), headers={"HX-Request": "true"}),
        ):
            assert response.status_code == 404
            assert GOOD["da"]["ask"] not in response.content.decode()
        assert PrepBrief.objects.values().get() == before

    def test_anonymous_visitors_are_sent_to_log_in(self, target, mettes_brief):
        anonymous = Client()
        login = reverse("accounts:login")
        for response in (
            anonymous.get(page(target)),
            anonymous.post(page(target), form_data("en", version=1)),
            anonymous.post(check(target), form_data("en")),
        ):
            assert response.status_code == 302 and response["Location"].startswith(login)
        assert PrepBrief.objects.get().version == 1

    def test_a_made_up_code_is_404(self, mette_client):
        assert mette_client.get(reverse("meetings:brief", args=["Zq7madeUpX9k"])).status_code == 404
