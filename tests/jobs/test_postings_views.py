"""The postings pages: the posting page every member sees, and the pages where postings are managed and imported.

Who may: Sofie (decides in Digitalisering) and Olga (operator) manage Sofie's posting; Dorte decides
in Drift next door and gets 404 for it; Mette (seeker) and Lars (stranger) manage nothing and get
403 from the managers' pages, 404 for a posting's or an organisation's managing page.
"""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.jobs.actions import postings as actions
from kaffebro.jobs.actions.postings import PostingFields
from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Posting, PostingSource, Target, TargetKind

pytestmark = pytest.mark.django_db

ADS = Path(__file__).parent / "jobads"
LIST_QUERIES = 8  # session, member, scope (2), page count, rows, unread count…: the same for 3 or 30 postings


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def sofies_posting(sofie, region_h, digitalisering) -> Posting:
    return actions.create_posting(
        sofie,
        region_h,
        PostingFields(
            title="Dataanalytiker",
            unit=digitalisering,
            decision_maker=member_person(sofie),
            deadline=in_days(30),
            is_public=True,
            employment_type="part_time",
            location="Hillerød",
            description="<p>Vi søger en dataanalytiker.</p>",
            url="https://www.regionh.dk/job/1",
        ),
    )


def form_data(**changes) -> dict:
    data = {
        "title": "Dataanalytiker",
        "unit": "",
        "decision_maker": "",
        "contact_person": "",
        "deadline": in_days(30).isoformat(),
        "employment_type": "full_time",
        "location": "Hillerød",
        "job_field": "",
        "description": "Vi søger en dataanalytiker.",
        "url": "",
        "identifier": "",
    }
    return {**data, **changes}


def main_of(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


class TestPostingPage:
    def test_the_facts_the_timeline_and_the_way_in(self, client_for, mette, sofies_posting):
        response = client_for(mette).get(reverse("postings:detail", args=[sofies_posting.code]))
        html = main_of(response)
        assert response.status_code == 200 and "<h1>Dataanalytiker</h1>" in html
        assert "Part time" in html and "Hillerød" in html and 'href="https://www.regionh.dk/job/1"' in html
        assert "The job must be advertised" in html  # a public employer: method point 7
        assert "Coffee before you apply" in html and "Hold the coffee meeting by" in html
        assert "Through Jonas Berg" in html  # her best way in, to the decision-maker
        assert "Add as my target" in html and "<p>Vi søger en dataanalytiker.</p>" in html
        assert "Sofie" not in html and "Holm" not in html  # the decision-maker is never named
        assert "Edit the posting" not in html

    def test_a_member_contact_person_is_named(self, client_for, mette, sofie, sofies_posting):
        Posting.objects.filter(pk=sofies_posting.pk).update(contact_person=member_person(sofie))
        html = main_of(client_for(mette).get(reverse("postings:detail", args=[sofies_posting.code])))
        assert "Contact person" in html and "Sofie Holm" in html

    def test_a_description_written_past_the_action_is_still_sanitised(self, client_for, mette, sofies_posting):
        Posting.objects.filter(pk=sofies_posting.pk).update(
            description='<p onclick="x()">Hej</p><script>alert("xss")</script><a href="javascript:y()">z</a>'
        )
        html = main_of(client_for(mette).get(reverse("postings:detail", args=[sofies_posting.code])))
        assert "<p>Hej</p>" in html and "alert(" not in html and "onclick" not in html and "javascript:" not in html

    def test_plain_text_descriptions_keep_their_paragraphs(self, client_for, mette, region_h):
        posting = Posting.objects.create(organisation=region_h, title="Demo", description="Et afsnit.\n\nEt andet.")
        html = main_of(client_for(mette).get(reverse("postings:detail", args=[posting.code])))
        assert "<p>Et afsnit.</p><p>Et andet.</p>" in html

    @pytest.mark.parametrize("who", ["sofie", "olga"])
    def test_managers_see_edit_and_close(self, request, client_for, who, sofies_posting):
        html = main_of(
            client_for(request.getfixturevalue(who)).get(reverse("postings:detail", args=[sofies_posting.code]))
        )
        assert reverse("jobs:posting_edit", args=[sofies_posting.code]) in html and "Close the posting" in html

    @pytest.mark.parametrize("who", ["dorte", "mette", "lars"])
    def test_others_do_not(self, request, client_for, who, sofies_posting):
        html = main_of(
            client_for(request.getfixturevalue(who)).get(reverse("postings:detail", args=[sofies_posting.code]))
        )
        assert reverse("jobs:posting_edit", args=[sofies_posting.code]) not in html

    def test_add_as_my_target_then_already_a_target(self, client_for, mette, sofies_posting):
        client = client_for(mette)
        url = reverse("postings:add_target", args=[sofies_posting.code])
        response = client.post(url)
        assert response.status_code == 302 and response["Location"] == reverse(
            "postings:detail", args=[sofies_posting.code]
        )
        target = Target.objects.get(seeker=mette, kind=TargetKind.POSTING)
        html = main_of(client.get(response["Location"]))
        assert "Already your target" in html and reverse("meetings:brief", args=[target.code]) in html
        assert "Add as my target" not in html
        again = client.post(url, follow=True)
        assert "already one of your targets" in again.content.decode()
        assert Target.objects.filter(seeker=mette, posting=sofies_posting).count() == 1

    def test_a_closed_posting(self, client_for, mette, sofie, sofies_posting):
        actions.close_posting(sofie, sofies_posting)
        client = client_for(mette)
        html = main_of(client.get(reverse("postings:detail", args=[sofies_posting.code])))
        assert "This posting was closed" in html and "Add as my target" not in html and "Coffee before" not in html
        client.post(reverse("postings:add_target", args=[sofies_posting.code]))
        assert not Target.objects.filter(seeker=mette, posting=sofies_posting).exists()

    def test_a_posting_of_someone_elses_private_organisation_is_404(self, client_for, mette, lars):
        private = Organisation.objects.create(name="Lars' Bageri", private_to=lars)
        posting = Posting.objects.create(organisation=private, title="Bager")
        client = client_for(mette)
        assert client.get(reverse("postings:detail", args=[posting.code])).status_code == 404
        assert client.post(reverse("postings:add_target", args=[posting.code])).status_code == 404

    def test_the_old_links_point_here(self, client_for, mette, region_h, sofies_posting):
        html = client_for(mette).get(reverse("network:organisation", args=[region_h.code])).content.decode()
        assert reverse("postings:detail", args=[sofies_posting.code]) == f"/postings/{sofies_posting.code}/"
        assert f'href="/postings/{sofies_posting.code}/"' in html


class TestPostingList:
    def test_sofie_sees_her_postings_only(self, client_for, sofie, dorte, region_h, drift, sofies_posting):
        actions.create_posting(dorte, region_h, PostingFields(title="Driftstekniker", unit=drift))
        html = main_of(client_for(sofie).get(reverse("jobs:posting_list")))
        assert "Dataanalytiker" in html and "Driftstekniker" not in html

    def test_an_operator_sees_them_all(self, client_for, olga, dorte, region_h, drift, sofies_posting):
        actions.create_posting(dorte, region_h, PostingFields(title="Driftstekniker", unit=drift))
        html = main_of(client_for(olga).get(reverse("jobs:posting_list")))
        assert "Dataanalytiker" in html and "Driftstekniker" in html

    @pytest.mark.parametrize("who", ["mette", "lars", "jonas"])
    @pytest.mark.parametrize("name", ["jobs:posting_list", "jobs:posting_new", "jobs:posting_import"])
    def test_403_for_members_who_manage_nothing(self, request, client_for, who, name):
        assert client_for(request.getfixturevalue(who)).get(reverse(name)).status_code == 403

    def test_the_number_of_queries_does_not_grow_with_the_postings(
        self, client_for, sofie, region_h, digitalisering, django_assert_max_num_queries
    ):
        client = client_for(sofie)
        for count in (3, 30):
            while Posting.objects.count() < count:
                actions.create_posting(
                    sofie, region_h, PostingFields(title=f"Stilling {Posting.objects.count()}", unit=digitalisering)
                )
            with django_assert_max_num_queries(LIST_QUERIES):
                response = client.get(reverse("jobs:posting_list"))
            assert response.status_code == 200 and main_of(response).count("<tr>") == min(count, 25) + 1

    def test_the_dashboard_links_managers_only(self, client_for, sofie, mette, sofies_posting):
        menu = reverse("jobs:posting_menu")
        assert f'hx-get="{menu}"' in client_for(mette).get(reverse("network:dashboard")).content.decode()
        assert client_for(mette).get(menu).content == b""
        html = client_for(sofie).get(menu).content.decode()
        assert reverse("jobs:posting_list") in html and "You manage 1 open posting." in html


class TestCreateAndEdit:
    def test_a_decision_maker_in_one_organisation_goes_straight_to_the_form(self, client_for, sofie, region_h):
        response = client_for(sofie).get(reverse("jobs:posting_new"))
        assert response["Location"] == reverse("jobs:posting_create", args=[region_h.code])

    def test_an_operator_finds_the_organisation(self, client_for, olga, region_h):
        html = main_of(client_for(olga).get(reverse("jobs:posting_new"), {"q": "Hovedstaden"}))
        assert reverse("jobs:posting_create", args=[region_h.code]) in html

    def test_sofie_writes_a_posting(self, client_for, sofie, region_h, digitalisering):
        client = client_for(sofie)
        url = reverse("jobs:posting_create", args=[region_h.code])
        page = main_of(client.get(url))
        assert "Center for IT / Digitalisering" in page and "Drift" not in page and "The whole organisation" not in page
        assert f'<option value="{member_person(sofie).code}" selected>Sofie Holm</option>' in page  # she decides
        data = form_data(unit=digitalisering.code, decision_maker=member_person(sofie).code, is_public="on")
        response = client.post(url, data)
        posting = Posting.objects.get()
        assert response["Location"] == reverse("postings:detail", args=[posting.code])
        assert (posting.unit, posting.decision_maker, posting.is_public, posting.created_by) == (
            digitalisering,
            member_person(sofie),
            True,
            sofie,
        )
        assert posting.description == "<p>Vi søger en dataanalytiker.</p>"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"title": ""}, "This field is required."),
            ({"unit": ""}, "This field is required."),
            ({"deadline": "2026-13-45"}, "Enter a valid date."),
            ({"deadline": "2020-01-01"}, "cannot be in the past"),
            ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
            ({"employment_type": "slave"}, "Select a valid choice."),
        ],
    )
    def test_bad_input_shows_errors_and_writes_nothing(
        self, client_for, sofie, region_h, digitalisering, changes, message
    ):
        data = form_data(**{"unit": digitalisering.code, **changes})
        response = client_for(sofie).post(reverse("jobs:posting_create", args=[region_h.code]), data)
        assert response.status_code == 200 and message in response.content.decode()
        assert not Posting.objects.exists()

    def test_a_unit_she_does_not_decide_in_is_not_a_choice(self, client_for, sofie, region_h, drift):
        data = form_data(unit=drift.code)
        response = client_for(sofie).post(reverse("jobs:posting_create", args=[region_h.code]), data)
        assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
        assert not Posting.objects.exists()

    @pytest.mark.parametrize("who", ["mette", "lars"])
    def test_the_form_of_an_organisation_is_403_for_those_who_decide_nowhere(
        self, request, client_for, who, region_h, digitalisering
    ):
        client = client_for(request.getfixturevalue(who))
        url = reverse("jobs:posting_create", args=[region_h.code])
        assert client.get(url).status_code == 403
        assert client.post(url, form_data(unit=digitalisering.code)).status_code == 403
        assert not Posting.objects.exists()

    def test_sofie_edits(self, client_for, sofie, sofies_posting):
        client = client_for(sofie)
        url = reverse("jobs:posting_edit", args=[sofies_posting.code])
        page = main_of(client.get(url))
        assert 'value="Dataanalytiker"' in page and sofies_posting.updated.isoformat() in page
        data = form_data(
            title="Senior dataanalytiker",
            unit=sofies_posting.unit.code,
            updated=sofies_posting.updated.isoformat(),
        )
        assert client.post(url, data).status_code == 302
        assert Posting.objects.get().title == "Senior dataanalytiker"
        stale = client.post(url, {**data, "title": "Fra en gammel fane"})
        assert stale.status_code == 200 and "changed in another window" in stale.content.decode()
        assert Posting.objects.get().title == "Senior dataanalytiker"

    def test_an_operator_edits(self, client_for, olga, sofies_posting):
        data = form_data(title="Rettet", unit=sofies_posting.unit.code, updated=sofies_posting.updated.isoformat())
        assert client_for(olga).post(reverse("jobs:posting_edit", args=[sofies_posting.code]), data).status_code == 302
        assert Posting.objects.get().title == "Rettet"

    @pytest.mark.parametrize(("who", "status"), [("dorte", 404), ("mette", 403), ("lars", 403)])
    @pytest.mark.parametrize("name", ["jobs:posting_edit", "jobs:posting_close", "jobs:posting_reopen"])
    def test_someone_elses_posting_is_refused(self, request, client_for, who, status, name, sofies_posting):
        """Dorte decides elsewhere: Sofie's posting is not hers (404). Mette and Lars manage nothing (403)."""
        client = client_for(request.getfixturevalue(who))
        url = reverse(name, args=[sofies_posting.code])
        assert client.get(url).status_code in (status, 405)
        data = form_data(title="Overtaget", unit=sofies_posting.unit.code, updated=sofies_posting.updated.isoformat())
        assert client.post(url, data).status_code == status
        posting = Posting.objects.get()
        assert (posting.title, posting.closed) == ("Dataanalytiker", None)

    def test_close_and_reopen(self, client_for, sofie, sofies_posting):
        client = client_for(sofie)
        assert client.get(reverse("jobs:posting_close", args=[sofies_posting.code])).status_code == 405
        client.post(reverse("jobs:posting_close", args=[sofies_posting.code]))
        assert Posting.objects.get().closed is not None
        again = client.post(reverse("jobs:posting_close", args=[sofies_posting.code]), follow=True)
        assert "already closed" in again.content.decode()
        client.post(reverse("jobs:posting_reopen", args=[sofies_posting.code]))
        assert Posting.objects.get().closed is None


class TestImport:
    def upload(self, client, name: str, **data):
        upload = SimpleUploadedFile(name, (ADS / name).read_bytes(), content_type="text/html")
        return client.post(reverse("jobs:posting_import"), {"file": upload, **data})

    def test_the_regions_ad_is_previewed_then_published(self, client_for, sofie, region_h, digitalisering):
        client = client_for(sofie)
        preview = self.upload(client, "region_hovedstaden_specialkonsulent.html")
        html = main_of(preview)
        assert preview.status_code == 200 and "Check the imported posting" in html
        assert 'value="Specialkonsulent til Digitalisering, Center for IT"' in html
        assert 'value="2026-12-15"' in html and 'value="Hillerød, Region Hovedstaden"' in html
        assert reverse("jobs:posting_import_confirm", args=[region_h.code]) in html
        assert not Posting.objects.exists()  # nothing until confirmed
        data = form_data(
            title="Specialkonsulent til Digitalisering, Center for IT",
            unit=digitalisering.code,
            description="<p><strong>Vil du?</strong></p><script>x()</script>",
            identifier="RH-2026-10455",
            matched_by="name",
        )
        response = client.post(reverse("jobs:posting_import_confirm", args=[region_h.code]), data)
        posting = Posting.objects.get()
        assert response["Location"] == reverse("postings:detail", args=[posting.code])
        assert (posting.source, posting.identifier, posting.description) == (
            PostingSource.JSONLD,
            "RH-2026-10455",
            "<p><strong>Vil du?</strong></p>",
        )
        assert Event.objects.get(kind="posting.imported").data["matched_by"] == "name"

    def test_pasted_json(self, client_for, olga):
        Organisation.objects.create(name="Novo Nordisk")
        text = (ADS / "novo_nordisk_graph.jsonld").read_text()
        html = main_of(client_for(olga).post(reverse("jobs:posting_import"), {"text": text}))
        assert 'value="Data Scientist"' in html and "The ad is for Novo Nordisk." in html
        assert "&lt;h2&gt;" not in html and "The position" in html  # the preview shows the sanitised description

    def test_warnings_are_shown_in_the_preview(self, client_for, sofie):
        html = main_of(self.upload(client_for(sofie), "bad_deadline.json"))
        assert "Some of the ad could not be read" in html and "2026-13-45" in html

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("broken_trailing_commas.json", "not valid JSON"),
            ("no_jsonld.html", "no JSON-LD block"),
            ("empty.json", "The submitted file is empty."),
            ("missing_title.json", "has no title"),
            ("not_a_job.json", "No job posting was found"),
        ],
    )
    def test_broken_ads_get_a_message_and_write_nothing(self, client_for, sofie, name, message):
        response = self.upload(client_for(sofie), name)
        assert response.status_code == 200 and message in response.content.decode()
        assert not Posting.objects.exists()

    def test_a_file_over_the_limit(self, client_for, sofie):
        big = SimpleUploadedFile("big.html", b"<html>" + b" " * (3 * 1024 * 1024) + b"</html>")
        response = client_for(sofie).post(reverse("jobs:posting_import"), {"file": big})
        assert response.status_code == 200 and "too large (3.0 MB)" in response.content.decode()

    def test_nothing_given(self, client_for, sofie):
        response = client_for(sofie).post(reverse("jobs:posting_import"), {})
        assert response.status_code == 200 and "Upload the saved job ad" in response.content.decode()

    def test_an_unknown_employer_is_asked_for_and_the_ad_carried_along(self, client_for, sofie, region_h):
        client = client_for(sofie)
        first = self.upload(client, "jobboard_fjordby.html")
        html = first.content.decode()
        assert first.status_code == 200 and "No organisation in Kaffebro is called “Fjordby Kommune”" in html
        token = html.split('name="ad" value="', 1)[1].split('"', 1)[0]
        second = client.post(reverse("jobs:posting_import"), {"ad": token, "employer": "RegionH"})
        assert 'value="Virksomhedskonsulent til Jobcenter Fjordby"' in main_of(second)
        assert "Check the imported posting" in main_of(second)

    def test_a_tampered_ad_is_refused(self, client_for, sofie):
        response = client_for(sofie).post(reverse("jobs:posting_import"), {"ad": "forged:token", "employer": "X"})
        assert response.status_code == 200 and "expired" in response.content.decode()

    def test_an_ad_of_an_organisation_where_she_does_not_decide(self, client_for, sofie):
        Organisation.objects.create(name="Novo Nordisk A/S")
        upload = SimpleUploadedFile("ad.jsonld", (ADS / "novo_nordisk_graph.jsonld").read_bytes())
        response = client_for(sofie).post(reverse("jobs:posting_import"), {"file": upload})
        assert "where you do not decide on hiring" in response.content.decode()

    def test_confirming_for_an_organisation_of_others_is_refused(self, client_for, dorte, mette, other_posting):
        url = reverse("jobs:posting_import_confirm", args=[other_posting.organisation.code])
        assert client_for(dorte).post(url, form_data()).status_code == 404  # she decides, but not there
        assert client_for(mette).post(url, form_data()).status_code == 403  # she decides nowhere
        assert Posting.objects.count() == 1

    def test_a_corrected_preview_with_errors_writes_nothing(self, client_for, sofie, region_h, digitalisering):
        url = reverse("jobs:posting_import_confirm", args=[region_h.code])
        response = client_for(sofie).post(url, form_data(title="", unit=digitalisering.code))
        assert response.status_code == 200 and "This field is required." in response.content.decode()
        assert not Posting.objects.exists()


def test_the_deadline_field_shows_an_iso_date_in_danish_too(client_for, sofie, sofies_posting):
    client = client_for(sofie)
    sofie.language = "da"
    sofie.save(update_fields=["language"])
    html = client.get(reverse("jobs:posting_edit", args=[sofies_posting.code])).content.decode()
    assert f'type="date" name="deadline" value="{sofies_posting.deadline.isoformat()}"' in html
