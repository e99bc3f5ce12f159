"""The insights pages, per role: Olga the operator sees all job seekers, Birthe the coach her caseload, every
member (Mette, Lars) only herself; anyone else is refused with 403, and an anonymous visitor is sent to log in.

Each chart is an SVG image with a title and a description next to a data table, and has a CSV file with the
same figures hidden; the number of queries of a page does not grow with the data.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kaffebro.accounts.models import User
from kaffebro.insights import access
from kaffebro.insights.report import report_for
from kaffebro.jobs.models import Credit, OutcomeKind
from kaffebro.meetings.models import RequestState
from tests.insights.conftest import client_for, follow

pytestmark = pytest.mark.django_db

GROUP_PAGES = ("insights:all", "insights:caseload")
CHARTS = ("funnel", "channel", "industry", "sector", "employment", "gender", "hire-sector")
TOO_FEW = "too few to show"


def text_of(response) -> str:
    return response.content.decode()


def hire_after_coffee(build, seekers, *, credit=Credit.MEETING, connector=None):
    for seeker in seekers:
        build.meeting(seeker, RequestState.HELD, starts=timezone.make_aware(datetime.datetime(2026, 1, 5, 9)))
        build.outcome(seeker, OutcomeKind.HIRED, datetime.date(2026, 2, 4), credit=credit, connector=connector)


@pytest.fixture
def caseload(build, birthe):
    """Eight women in Birthe's caseload, six of them hired 30 days after a coffee meeting; four more seekers
    outside it, hired too."""
    seekers = build.seekers(8, gender="woman", industry="it")
    follow(birthe, *seekers)
    hire_after_coffee(build, seekers[:6])
    hire_after_coffee(build, build.seekers(4, gender="man"), credit=Credit.ADVERTISED)
    return seekers


class TestWhoSeesWhat:
    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        anonymous = Client()
        for name in ("insights:all", "insights:caseload", "insights:mine", "insights:impact"):
            response = anonymous.get(reverse(name))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))

    def test_the_operator_sees_all_job_seekers(self, caseload, olga, english):
        response = client_for(olga).get(reverse("insights:all"))
        assert response.status_code == 200
        assert re.search(r"<dt>Job seekers</dt><dd>12</dd>", text_of(response))
        assert re.search(r"<dt>Hired</dt><dd>10</dd>", text_of(response))

    def test_the_coach_sees_her_caseload_only(self, caseload, birthe):
        response = client_for(birthe).get(reverse("insights:caseload"))
        assert response.status_code == 200
        assert re.search(r"<dt>Job seekers</dt><dd>8</dd>", text_of(response))
        assert re.search(r"<dt>Hired</dt><dd>6</dd>", text_of(response))

    def test_a_withdrawn_access_takes_the_seeker_out_of_the_caseload(self, caseload, birthe):
        from kaffebro.jobs.models import CoachAccess

        CoachAccess.objects.filter(seeker=caseload[0]).update(withdrawn=timezone.now())
        response = client_for(birthe).get(reverse("insights:caseload"))
        assert re.search(r"<dt>Job seekers</dt><dd>7</dd>", text_of(response))

    @pytest.mark.parametrize("name", GROUP_PAGES)
    def test_a_seeker_or_a_stranger_is_refused(self, caseload, lars, name):
        seeker = caseload[0]
        for member in (seeker, lars):
            assert client_for(member).get(reverse(name)).status_code == 403
            assert client_for(member).get(reverse(f"{name}_csv", args=["funnel"])).status_code == 403

    def test_a_coach_is_refused_all_job_seekers_and_the_operator_a_caseload(self, caseload, olga, birthe):
        assert client_for(birthe).get(reverse("insights:all")).status_code == 403
        assert client_for(olga).get(reverse("insights:caseload")).status_code == 403

    def test_a_seeker_sees_her_own_funnel_and_nobody_elses(self, build, caseload):
        mine = build.seeker("Maja")
        build.meeting(mine, RequestState.HELD)
        response = client_for(mine).get(reverse("insights:mine"))
        assert response.status_code == 200
        rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', text_of(response)))
        assert rows["Coffee meeting held"] == "Yes"
        assert rows["Hired"] == "Not yet"  # the hires of everyone else are not hers

    def test_a_hired_seeker_sees_how_and_how_fast(self, build, caseload):
        response = client_for(caseload[0]).get(reverse("insights:mine"))
        assert re.search(r"<dt>How you were hired</dt><dd>Through the network</dd>", text_of(response))
        assert re.search(r"<dt>Days from your first coffee meeting to your hire</dt><dd>30</dd>", text_of(response))

    def test_the_stranger_sees_his_own_empty_funnel(self, caseload, lars, english):
        response = client_for(lars).get(reverse("insights:mine"))
        assert response.status_code == 200
        assert text_of(response).count("Not yet") >= 8
        assert "Søger" not in text_of(response)

    def test_each_member_is_offered_the_insights_pages_she_may_open(self, olga, birthe, lars, english):
        def offered(user) -> set[str]:
            html = text_of(client_for(user).get(reverse("insights:mine")))
            subnav = re.search(r'<nav aria-label="Insights" class="subnav">.*?</nav>', html, re.S)
            return set(re.findall(r'href="([^"]+)"', subnav.group(0))) if subnav else set()

        mine, caseload, everyone = reverse("insights:mine"), reverse("insights:caseload"), reverse("insights:all")
        assert offered(birthe) == {mine, caseload}
        assert offered(olga) == {mine, everyone}
        assert offered(lars) == set()  # only his own page: no sub-navigation at all


class TestCharts:
    @pytest.mark.parametrize("name", GROUP_PAGES)
    def test_every_chart_is_an_image_with_a_title_a_description_and_a_table(self, caseload, olga, birthe, name):
        olga.is_coach = True
        olga.save(update_fields=["is_coach"])
        follow(olga, *caseload)
        html = text_of(client_for(olga).get(reverse(name)))
        charts = re.findall(r"<svg .*?</svg>", html, re.S)
        assert len(charts) == len(CHARTS)
        for slug in CHARTS:
            svg = next(chart for chart in charts if f'id="chart-{slug}-title"' in chart)
            assert 'role="img"' in svg
            assert f'aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in svg
            assert re.search(rf'<title id="chart-{slug}-title">[^<]+</title>', svg)
            assert re.search(rf'<desc id="chart-{slug}-desc">[^<]+</desc>', svg)
            assert f'<caption id="caption-{slug}">' in html
            assert f'href="{reverse(f"{name}_csv", args=[slug])}"' in html

    def test_no_chart_or_page_uses_a_style_attribute_or_a_script(self, caseload, olga):
        html = text_of(client_for(olga).get(reverse("insights:all")))
        assert not re.search(r"\sstyle=", html)
        assert "<script>" not in html and "<style" not in html

    def test_the_chart_shows_what_the_table_shows(self, caseload, birthe):
        html = text_of(client_for(birthe).get(reverse("insights:caseload")))
        funnel = re.search(r'<svg [^>]*aria-labelledby="chart-funnel-title.*?</svg>', html, re.S).group(0)
        # Six of the eight were hired: the bar of the hired is 6/8 of the longest bar, and says 6.
        assert re.search(r'width="255.0" height="18" fill="#7a3e12"', funnel)
        assert re.search(r">6</text>", funnel)
        assert re.search(r'<tr><th scope="row">Hired</th><td>6</td><td>100 %</td></tr>', html)

    def test_a_hidden_figure_is_said_in_the_chart_without_a_bar(self, caseload, birthe):
        html = text_of(client_for(birthe).get(reverse("insights:caseload")))
        funnel = re.search(r'<svg [^>]*aria-labelledby="chart-funnel-title.*?</svg>', html, re.S).group(0)
        assert f'class="chart-text chart-hidden">{TOO_FEW}</text>' in funnel  # nobody's name was passed on
        assert 'class="too-few">too few to show</td>' in html


class TestCsv:
    def test_a_csv_file_opens_in_danish_excel(self, caseload, birthe):
        response = client_for(birthe).get(reverse("insights:caseload_csv", args=["funnel"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="kaffebro-insights-caseload-funnel-')
        body = response.content
        assert body.startswith("\ufeff".encode())
        lines = body.decode("utf-8-sig").split("\r\n")
        assert lines[0] == "Step;Seekers;Of those at the step before"
        assert "Hired;6;100 %" in lines
        assert f"Name passed on;{TOO_FEW};{TOO_FEW}" in lines

    def test_every_chart_has_a_csv_file_with_the_same_figures_hidden(self, caseload, olga, english):
        with translation.override("en"):
            report = report_for(access.all_seekers(olga))
        client = client_for(olga)
        for slug in CHARTS:
            body = client.get(reverse("insights:all_csv", args=[slug])).content.decode("utf-8-sig")
            rows = [line.split(";") for line in body.split("\r\n") if line][1:]
            table = report.section(slug).table
            assert [row[0] for row in rows] == [label for label, _cells in table.rows]
            for row, (_label, cells) in zip(rows, table.rows, strict=True):
                assert [value == TOO_FEW for value in row[1:]] == [cell.hidden for cell in cells]

    def test_a_cell_that_looks_like_a_formula_is_written_as_text(self, caseload, olga, monkeypatch):
        from kaffebro.insights import report

        monkeypatch.setitem(report.STEP_LABELS, "asked", '=HYPERLINK("http://evil.example","klik")')
        body = client_for(olga).get(reverse("insights:all_csv", args=["funnel"])).content.decode("utf-8-sig")
        cells = [row[0] for row in csv.reader(io.StringIO(body), delimiter=";")]
        assert cells[1] == '\'=HYPERLINK("http://evil.example","klik")'
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

    def test_an_unknown_chart_is_not_found(self, caseload, olga, lars):
        assert client_for(olga).get(reverse("insights:all_csv", args=["secrets"])).status_code == 404
        assert client_for(lars).get(reverse("insights:mine_csv", args=["industry"])).status_code == 404

    def test_a_seekers_own_csv_is_her_own_funnel(self, caseload):
        body = client_for(caseload[0]).get(reverse("insights:mine_csv", args=["funnel"])).content.decode("utf-8-sig")
        assert "Hired;Yes" in body.split("\r\n")


class TestQueries:
    def queries(self, client, url) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    @pytest.mark.parametrize(
        "name", ["insights:all", "insights:caseload", "insights:mine", "insights:impact", "insights:all_csv"]
    )
    def test_a_page_takes_the_same_few_queries_however_much_data(self, build, olga, name):
        User.objects.filter(pk=olga.pk).update(is_coach=True)
        url = reverse(name, args=["industry"]) if name.endswith("_csv") else reverse(name)
        client = client_for(olga)
        counts = []
        for size in (3, 30):
            seekers = build.seekers(size, gender="woman", industry="it")
            follow(olga, *seekers)
            hire_after_coffee(build, seekers, connector=olga)
            for seeker in seekers:
                build.suggestion(seeker)
                build.outcome(seeker, OutcomeKind.APPLIED)
            counts.append(self.queries(client, url))
        assert counts[0] == counts[1]
        assert counts[0] <= 8


class TestConnectorImpact:
    @pytest.fixture
    def introduced(self, build, jonas):
        seekers = build.seekers(6)
        for seeker in seekers:
            build.meeting(seeker, RequestState.HELD, connector=jonas)
        build.meeting(build.seeker(), RequestState.WITH_PERSON, connector=jonas)  # not held (yet)
        build.outcome(seekers[0], OutcomeKind.HIRED, credit=Credit.PATH, connector=jonas)
        return seekers

    def test_the_connector_sees_what_his_introductions_led_to_without_names(self, introduced, jonas):
        User.objects.filter(pk=jonas.pk).update(language="en")
        response = client_for(jonas).get(reverse("insights:impact"), headers={"HX-Request": "true"})
        html = text_of(response)
        assert "Your introductions led to 6 coffee meetings and 1 hire." in html
        assert "<html" not in html  # a fragment
        for seeker in introduced:
            assert seeker.display_name not in html and seeker.email not in html

    def test_without_htmx_it_is_a_page_of_its_own(self, introduced, jonas):
        response = client_for(jonas).get(reverse("insights:impact"))
        assert "<html" in text_of(response)
        assert response["Vary"].count("HX-Request") == 1

    def test_a_member_who_introduced_nobody_is_told_so(self, introduced, lars):
        html = text_of(client_for(lars).get(reverse("insights:impact")))
        assert "Your introductions have not led to a coffee meeting yet." in html

    def test_the_connector_settings_page_loads_it(self, jonas):
        html = text_of(client_for(jonas).get(reverse("network:connector_settings")))
        assert f'hx-get="{reverse("insights:impact")}"' in html

    def test_the_seekers_own_page_shows_it_too(self, introduced, jonas):
        User.objects.filter(pk=jonas.pk).update(language="en")
        html = text_of(client_for(jonas).get(reverse("insights:mine")))
        assert "Your introductions led to 6 coffee meetings and 1 hire." in html
