"""The suggestion pages: who may see what (every role), the inbox and its CSV, the buttons, the suggest form."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.actions.shares import text_digest
from kaffebro.jobs.models import Suggestion
from kaffebro.jobs.models import SuggestionState as S
from kaffebro.network.models import Organisation, SeekerProfile
from tests.conftest import make_member
from tests.jobs.conftest import give_consent, suggestion_of

NO_SCORING = "Kaffebro does not score or rank candidates; they are listed by date and number of endorsements."
INBOX = reverse("jobs:suggestion_inbox")


def page(suggestion: Suggestion) -> str:
    return reverse("jobs:suggestion", args=[suggestion.code])


def act(suggestion: Suggestion, name: str) -> str:
    return reverse("jobs:suggestion_act", args=[suggestion.code, name])


@pytest.fixture
def profile(mette):
    profile = SeekerProfile.objects.get(user=mette)
    profile.offer = "Eight years of data analysis."
    profile.competencies = ["SQL", "Power BI"]
    profile.save()
    return profile


@pytest.fixture
def suggestion(mette, jonas, sofie, opening, profile):
    return suggestion_of(mette, jonas, sofie, posting=opening)


class TestWhoSeesWhat:
    @pytest.mark.parametrize("who", ["mette", "jonas", "sofie"])
    def test_the_parties_see_it(self, request, client_for, suggestion, who):
        response = client_for(request.getfixturevalue(who)).get(page(suggestion))
        assert response.status_code == 200
        assert "She knows data and people." in response.content.decode()

    @pytest.mark.parametrize("who", ["lars", "dorte", "olga", "birthe"])
    def test_everyone_else_gets_404_and_changes_nothing(self, request, client_for, suggestion, who):
        client = client_for(request.getfixturevalue(who))
        assert client.get(page(suggestion)).status_code == 404
        for name in ("invite-to-interview", "archive", "withdraw", "consent", "decline"):
            assert client.post(act(suggestion, name), {"shown": "x"}).status_code == 404
        suggestion.refresh_from_db()
        assert suggestion.state == S.NEW

    def test_the_decision_maker_sees_nothing_before_she_consented(
        self, client_for, mette, birthe, sofie, digitalisering
    ):
        waiting = suggestion_of(mette, birthe, sofie, unit=digitalisering, state=S.AWAITING_CONSENT)
        client = client_for(sofie)
        assert client.get(page(waiting)).status_code == 404
        assert "Mette" not in client.get(INBOX).content.decode()

    def test_the_kind_word_back_is_for_the_suggester_only(self, client_for, suggestion, mette, jonas, sofie):
        actions.not_a_fit(sofie, suggestion, "We need a Java developer right now.")
        assert "Java developer" in client_for(jonas).get(page(suggestion)).content.decode()
        seen_by_mette = client_for(mette).get(page(suggestion)).content.decode()
        assert "Java developer" not in seen_by_mette
        assert "Not a fit" in seen_by_mette

    def test_the_decision_maker_sees_profile_and_brief_the_suggester_does_not(
        self, client_for, suggestion, brief, jonas, sofie
    ):
        for_sofie = client_for(sofie).get(page(suggestion)).content.decode()
        assert "Power BI" in for_sofie and "patient portal" in for_sofie
        for_jonas = client_for(jonas).get(page(suggestion)).content.decode()
        assert "patient portal" not in for_jonas and "Power BI" not in for_jonas

    def test_a_party_clicking_another_partys_button_is_refused(self, client_for, suggestion, jonas):
        response = client_for(jonas).post(act(suggestion, "invite-to-interview"), follow=True)
        assert "Only the people this suggestion is for can do that." in response.content.decode()
        suggestion.refresh_from_db()
        assert suggestion.state == S.NEW

    def test_an_unknown_action_is_404(self, client_for, suggestion, sofie):
        assert client_for(sofie).post(act(suggestion, "promote")).status_code == 404


class TestInbox:
    def test_the_candidate_with_endorsement_profile_and_brief_and_the_no_scoring_note(
        self, client_for, suggestion, brief, sofie
    ):
        html = client_for(sofie).get(INBOX).content.decode()
        assert NO_SCORING in html
        for shown in ("Mette Kristensen", "Jonas Berg", "We worked together", "Udviklingskonsulent", "Power BI"):
            assert shown in html
        assert "patient portal" in html  # her brief for Digitalisering, where the posting is
        assert 'hx-post="' + act(suggestion, "invite-to-interview") in html
        assert 'action="' + act(suggestion, "invite-to-interview") in html  # the plain form without JavaScript

    def test_another_decision_maker_sees_none_of_it(self, client_for, suggestion, dorte):
        assert "Mette" not in client_for(dorte).get(INBOX).content.decode()

    def test_several_suggesters_group_together_and_more_endorsements_come_first_on_the_same_day(
        self, client_for, mette, jonas, birthe, sofie, opening, digitalisering
    ):
        other = make_member("emma@example.org", "Emma Lund")
        SeekerProfile.objects.create(user=other, headline="Projektleder")
        suggestion_of(other, jonas, sofie, unit=digitalisering)
        suggestion_of(mette, jonas, sofie, posting=opening)
        suggestion_of(mette, birthe, sofie, posting=opening)
        html = client_for(sofie).get(INBOX).content.decode()
        assert html.count('class="panel candidate"') == 2
        assert html.index("Mette Kristensen") < html.index("Emma Lund")
        assert "2 endorsements" in html

    def test_a_newer_day_comes_before_more_endorsements(self, client_for, mette, jonas, birthe, sofie, opening):
        other = make_member("emma@example.org", "Emma Lund")
        SeekerProfile.objects.create(user=other, headline="Projektleder")
        old = [
            suggestion_of(mette, jonas, sofie, posting=opening),
            suggestion_of(mette, birthe, sofie, posting=opening),
        ]
        Suggestion.objects.filter(pk__in=[s.pk for s in old]).update(
            created=timezone.now() - datetime.timedelta(days=3)
        )
        suggestion_of(other, jonas, sofie, posting=opening)
        html = client_for(sofie).get(INBOX).content.decode()
        assert html.index("Emma Lund") < html.index("Mette Kristensen")

    def test_filters_by_posting_unit_and_state(
        self, client_for, suggestion, sofie, mette, birthe, digitalisering, opening
    ):
        suggestion_of(mette, birthe, sofie, unit=digitalisering, state=S.ARCHIVED)
        client = client_for(sofie)
        assert "Mette" in client.get(INBOX, {"posting": opening.code}).content.decode()
        assert "Mette" not in client.get(INBOX, {"posting": "nosuchcode"}).content.decode()
        assert client.get(INBOX, {"unit": digitalisering.code}).content.decode().count('class="panel candidate"') == 1
        assert client.get(INBOX, {"state": "all"}).content.decode().count('class="panel candidate"') == 2
        assert "Birthe Madsen" in client.get(INBOX, {"state": "archived"}).content.decode()
        assert client.get(INBOX, {"state": "<script>", "posting": "'; drop"}).status_code == 200

    def test_the_number_of_queries_does_not_grow_with_the_candidates(
        self, client_for, sofie, jonas, opening, digitalisering, brief
    ):
        client = client_for(sofie)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(INBOX).status_code == 200
            return len(captured)

        first = make_member("a@example.org", "Anna")
        SeekerProfile.objects.create(user=first, headline="A")
        suggestion_of(first, jonas, sofie, posting=opening)
        one = queries()
        for number in range(6):
            seeker = make_member(f"s{number}@example.org", f"Seeker {number}")
            SeekerProfile.objects.create(user=seeker, headline=f"Headline {number}")
            suggestion_of(seeker, jonas, sofie, posting=opening)
        assert queries() == one
        assert one <= 10

    def test_a_button_with_htmx_answers_with_the_card(self, client_for, suggestion, sofie):
        response = client_for(sofie).post(
            act(suggestion, "invite-to-apply"), {"next": INBOX}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<article class="panel candidate" id="candidate-' + suggestion.code)
        assert "Invited to apply" in html
        assert "HX-Request" in response["Vary"]
        suggestion.refresh_from_db()
        assert suggestion.state == S.APPLY

    def test_without_javascript_the_form_posts_and_comes_back(self, client_for, suggestion, sofie):
        response = client_for(sofie).post(act(suggestion, "not-a-fit"), {"next": INBOX, "reason": "Not now."})
        assert response.status_code == 302 and response["Location"] == INBOX
        suggestion.refresh_from_db()
        assert (suggestion.state, suggestion.reason_back) == (S.NOT_A_FIT, "Not now.")

    def test_a_refused_htmx_answer_shows_why_in_the_card(self, client_for, suggestion, sofie):
        client = client_for(sofie)
        client.post(act(suggestion, "archive"))
        response = client.post(act(suggestion, "invite-to-apply"), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "already moved on" in response.content.decode()

    def test_too_long_a_reason_is_refused_kindly(self, client_for, suggestion, sofie):
        response = client_for(sofie).post(act(suggestion, "not-a-fit"), {"reason": "x" * 1001}, follow=True)
        assert response.status_code == 200
        suggestion.refresh_from_db()
        assert suggestion.state == S.NEW


class TestShortlist:
    def test_csv_for_danish_excel(self, client_for, mette, jonas, birthe, sofie, opening, profile):
        profile.headline = '=HYPERLINK("http://evil")'
        profile.save()
        suggestion_of(mette, jonas, sofie, posting=opening)
        Suggestion.objects.update(how_known="+45 1234 5678", why_fit="Kender både æøå og ÆØÅ; -2+3")
        suggestion_of(mette, birthe, sofie, posting=opening)
        Suggestion.objects.filter(suggested_by=birthe).update(how_known="@SUM(A1)", why_fit="\tTab;\rCR")
        response = client_for(sofie).get(reverse("jobs:suggestion_shortlist"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        data = response.content
        assert data.startswith(b"\xef\xbb\xbf")
        assert "Kender både æøå og ÆØÅ".encode() in data
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows[0][0] == "Candidate" and len(rows) == 3
        cells = {cell for row in rows[1:] for cell in row}
        assert '\'=HYPERLINK("http://evil")' in cells
        assert "'+45 1234 5678" in cells
        assert "'@SUM(A1)" in cells
        assert "'\tTab;\rCR" in cells
        assert "Kender både æøå og ÆØÅ; -2+3" in cells  # a minus inside a cell is harmless
        assert not any(cell[:1] in "=+-@\t\r" and cell for row in rows[1:] for cell in row)

    def test_only_the_decision_makers_own(self, client_for, suggestion, dorte, lars):
        for member in (dorte, lars):
            data = client_for(member).get(reverse("jobs:suggestion_shortlist")).content
            assert b"Mette" not in data


class TestSuggestForm:
    NEW = reverse("jobs:suggestion_new")

    def test_find_the_organisation_choose_and_suggest(self, client_for, mette, jonas, sofie, opening, region_h):
        give_consent(mette, jonas)
        client = client_for(jonas)
        found = client.get(self.NEW, {"q": "Hovedstaden", "seeker": mette.code}).content.decode()
        assert "Region Hovedstaden" in found and f"organisation={region_h.code}" in found
        form = client.get(self.NEW, {"organisation": region_h.code, "seeker": mette.code}).content.decode()
        assert "Dataanalytiker" in form and "Digitalisering" in form and "Mette Kristensen" in form
        response = client.post(
            self.NEW,
            {
                "organisation": region_h.code,
                "seeker": mette.code,
                "place": f"posting:{opening.code}",
                "how_known": "Colleagues for three years.",
                "why_fit": "She knows data.",
            },
        )
        suggestion = Suggestion.objects.get()
        assert response.status_code == 302 and response["Location"] == page(suggestion)
        assert (suggestion.state, suggestion.posting, suggestion.decision_maker) == (S.NEW, opening, sofie)

    def test_bad_input_is_explained_and_changes_nothing(self, client_for, mette, jonas, sofie, region_h, opening):
        give_consent(mette, jonas)
        response = client_for(jonas).post(
            self.NEW,
            {
                "organisation": region_h.code,
                "seeker": mette.code,
                "place": "posting:nope",
                "how_known": "",
                "why_fit": "x",
            },
        )
        assert response.status_code == 200
        assert "Please correct the marked fields." in response.content.decode()
        assert not Suggestion.objects.exists()

    def test_a_refused_suggestion_is_a_form_error(self, client_for, mette, jonas, region_h):
        give_consent(mette, jonas)
        economy = region_h.units.create(name="Økonomi")
        response = client_for(jonas).post(
            self.NEW,
            {
                "organisation": region_h.code,
                "seeker": mette.code,
                "place": f"unit:{economy.code}",
                "how_known": "Colleagues.",
                "why_fit": "Good.",
            },
        )
        assert response.status_code == 200
        assert "pass Mette Kristensen" in response.content.decode()
        assert not Suggestion.objects.exists()

    def test_a_stranger_cannot_pick_her(self, client_for, mette, lars, sofie, region_h, digitalisering):
        client = client_for(lars)
        assert "Mette" not in client.get(self.NEW, {"organisation": region_h.code}).content.decode()
        response = client.post(
            self.NEW,
            {
                "organisation": region_h.code,
                "seeker": mette.code,
                "place": f"unit:{digitalisering.code}",
                "how_known": "x",
                "why_fit": "y",
            },
        )
        assert response.status_code == 200
        assert not Suggestion.objects.exists()

    def test_a_private_organisation_is_404(self, client_for, jonas, mette):
        own = Organisation.objects.create(name="Mettes eget firma", private_to=mette)
        assert client_for(jonas).get(self.NEW, {"organisation": own.code}).status_code == 404


class TestListsAndConsent:
    def test_she_is_asked_and_consents_on_the_page(self, client_for, mette, birthe, sofie, coached, digitalisering):
        waiting = actions.suggest(birthe, mette, unit=digitalisering, how_known="Coach.", why_fit="Driven.")
        client = client_for(mette)
        listed = client.get(reverse("jobs:suggestions")).content.decode()
        assert "Asking for your consent" in listed
        assert act(waiting, "consent") in listed and act(waiting, "decline") in listed
        assert "This consent covers this one suggestion only." in listed
        shown = client.get(page(waiting)).content.decode()
        mette.refresh_from_db()
        text = actions.consent_text(waiting)
        assert "This consent covers this one suggestion only." in shown
        assert f'value="{text_digest(text)}"' in shown
        response = client.post(act(waiting, "consent"), {"shown": text_digest(text)})
        assert response.status_code == 302
        waiting.refresh_from_db()
        assert waiting.state == S.NEW and waiting.consent.text == text

    def test_she_declines_from_the_list(self, client_for, mette, birthe, sofie, coached, digitalisering):
        waiting = actions.suggest(birthe, mette, unit=digitalisering, how_known="Coach.", why_fit="Driven.")
        listed = reverse("jobs:suggestions")
        response = client_for(mette).post(act(waiting, "decline"), {"next": listed})
        assert response.status_code == 302 and response["Location"] == listed
        waiting.refresh_from_db()
        assert waiting.state == S.CANCELLED

    def test_the_suggester_sees_their_own_and_whom_they_may_suggest(self, client_for, suggestion, jonas, mette):
        give_consent(mette, jonas)
        html = client_for(jonas).get(reverse("jobs:suggestions")).content.decode()
        assert page(suggestion) in html
        assert f"?seeker={mette.code}" in html

    def test_a_stranger_sees_none_of_it(self, client_for, suggestion, lars):
        html = client_for(lars).get(reverse("jobs:suggestions")).content.decode()
        assert "Mette" not in html and page(suggestion) not in html

    def test_the_list_reads_a_constant_number_of_queries(self, client_for, jonas, sofie, opening, digitalisering):
        client = client_for(jonas)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("jobs:suggestions")).status_code == 200
            return len(captured)

        first = make_member("a@example.org", "Anna")
        SeekerProfile.objects.create(user=first)
        suggestion_of(first, jonas, sofie, posting=opening)
        one = queries()
        for number in range(5):
            seeker = make_member(f"s{number}@example.org", f"Seeker {number}")
            SeekerProfile.objects.create(user=seeker)
            suggestion_of(seeker, jonas, sofie, unit=digitalisering)
        assert queries() == one
