"""A hire is learned from (issue 7), in a real browser, on the demo network, one browser per person.

Henrik, a demo seeker whose coach is Birthe, records in his pipeline that Vestenvind Energi hired him, crediting
his coffee meeting with Birthe. He sees the target reach "hired"; Birthe sees it on her caseload and on his page;
Olga, the operator, sees the number of hired seekers on the insights of all job seekers go from N to N + 1 (the
demo's history holds dozens of seekers, so the figure is above the group rule's minimum of five).
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from kaffebro.jobs.demo import login
from kaffebro.jobs.models import CoachAccess, Credit, Outcome, OutcomeKind
from kaffebro.meetings.models import MeetingRequest
from kaffebro.network.demo import DEMO_PASSWORD
from kaffebro.network.models import Target, TargetKind
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_profile_in_play_story import member_browsers, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(demo, browser: Browser, live_server):
    yield from member_browsers(browser, live_server)


def hired_on_insights(page: Page) -> int:
    """The key figure "Hired" of the insights page: the second of its figures, a number when the rule shows it."""
    text = page.locator("dl.key-figures dd").nth(1).inner_text()
    digits = re.sub(r"\D", "", text)
    assert digits, f"the number of hired seekers is hidden: {text!r}"
    return int(digits)


def test_a_hire_recorded_in_the_pipeline_reaches_the_coach_and_the_insights(open_as):
    henrik, birthe, olga = login("henrik"), login("birthe"), login("olga")
    target = Target.objects.get(seeker=henrik, kind=TargetKind.ORGANISATION)
    coffee = MeetingRequest.objects.get(seeker=henrik, person_member=birthe)
    axe = Axe()

    operator = open_as(olga, DEMO_PASSWORD)
    insights = reverse("insights:all")
    problems = blocking_violations(axe, operator, insights)
    before = hired_on_insights(operator)

    # Henrik records the hire for his target, crediting the coffee meeting with Birthe.
    seeker = open_as(henrik, DEMO_PASSWORD)
    pipeline = reverse("jobs:pipeline")
    problems += blocking_violations(axe, seeker, pipeline)
    section = seeker.locator(f"#target-{target.code}")
    record_url = reverse("jobs:outcome_record", args=[target.code])
    with seeker.expect_navigation():  # the next step after an interview is to record what came of it
        section.locator(f"[data-testid=next-step] a[href='{record_url}']").click()
    problems += blocking_violations(axe, seeker, record_url)
    form = seeker.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option(OutcomeKind.HIRED)
    form.locator("input[name=date]").fill(timezone.localdate().isoformat())
    form.locator(f"input[name=credit][value='meeting:{coffee.code}']").check()
    submit(seeker, "main form[method=post]")
    hire = Outcome.objects.get(seeker=henrik, kind=OutcomeKind.HIRED)
    assert (hire.target, hire.credit, hire.meeting) == (target, Credit.MEETING, coffee)
    assert seeker.url.split("#")[0].endswith(pipeline)
    expect(section.locator("[data-stage=hired]")).to_have_attribute("aria-current", "step")

    # Birthe sees it: Henrik was active today, and his target reached "hired".
    coach = open_as(birthe, DEMO_PASSWORD)
    caseload = reverse("jobs:coaching_caseload")
    problems += blocking_violations(axe, coach, caseload)
    access = CoachAccess.objects.get(seeker=henrik, coach=birthe, withdrawn__isnull=True)
    row = coach.locator(f"tr[data-code='{access.code}']")
    expect(row.locator("time")).to_have_attribute("datetime", re.compile(f"^{timezone.localdate().isoformat()}"))
    seeker_page = reverse("jobs:coaching_seeker", args=[access.code])
    with coach.expect_navigation():
        row.locator(f"a[href='{seeker_page}']").click()
    problems += blocking_violations(axe, coach, seeker_page)
    hired_stage = coach.locator("main [data-stage=hired][aria-current=step]")
    expect(hired_stage).to_have_count(1)
    expect(coach.locator(f"main time[datetime='{hire.date.isoformat()}']")).not_to_have_count(0)

    # Olga's insights count one more hired seeker.
    operator.reload()
    assert hired_on_insights(operator) == before + 1
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
