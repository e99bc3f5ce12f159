"""A coffee meeting from first click to follow-up, in a real browser, with three demo members.

Mette opens her target, picks the way in through Jonas to Signe, writes a brief that first fails and then
passes the check, and asks Jonas; Jonas approves the introduction; Signe accepts; Mette proposes times and
Signe picks one; the invitation downloads; after the meeting Mette says it happened and logs her follow-up.

The assertions read structure and data, not words: the browser speaks Danish first.
"""

import datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kaffebro.accounts.models import User
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestState
from kaffebro.network.demo import DEMO_PASSWORD
from kaffebro.network.models import Target
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from tests.browser.conftest import DEMO_SEEKER, TIMEOUT_MS
from tests.browser.test_accessibility import blocking_violations

pytestmark = pytest.mark.browser

CONNECTOR = "jonas@kaffebro.example"
PERSON = "signe@kaffebro.example"
WEAK_BRIEF = {
    "knowledge": "Jeg ved ikke så meget endnu.",
    "offer": "TODO",
    "difference": "",
    "ask": "Et job",
}
GOOD_BRIEF = {
    "knowledge": (
        "Digitalisering i Region Østkysten samler hospitalernes it-projekter. Jeg har læst strategien for 2030 "
        "og ved, at I er i gang med en ny patientportal."
    ),
    "offer": "Jeg har otte års erfaring med dataanalyse og har ledet indførelsen af et nyt journalsystem i en kommune.",
    "difference": (
        "Min erfaring med at få klinikere til at bruge nye systemer kan gøre udrulningen af patientportalen lettere."
    ),
    "ask": "Vil du fortælle mig, hvordan I planlægger udrulningen af patientportalen?",
}
CHECKLIST = ("read_website", "knows_unit", "read_news")


@pytest.fixture
def log_in(browser: Browser, live_server):
    """Log a member in, in a browser of their own (no shared cookies); every browser is closed afterwards,
    before the live server stops, so no connection is left open to it."""
    contexts: list[BrowserContext] = []

    def log_in_as(email: str) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="da-DK", accept_downloads=True)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(reverse("accounts:login"))
        form = page.locator("main form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=username]").fill(email)
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert reverse("accounts:login") not in page.url, f"log-in failed for {email}"
        return page

    yield log_in_as
    for context in contexts:
        context.close()


def submit(page: Page, form_selector: str, button=None) -> None:
    form = page.locator(form_selector)
    with page.expect_navigation():
        (button or form.locator("button[type=submit]")).click()


def fill_brief(page: Page, parts: dict, *, ticked: bool) -> None:
    form = page.locator("main form[method=post]").filter(has=page.locator("textarea[name=knowledge]"))
    for name in ("knowledge", "offer", "difference", "ask"):
        form.locator(f"textarea[name={name}]").fill(parts.get(name, ""))
    for name in CHECKLIST:
        form.locator(f"input[name={name}]").set_checked(ticked)


def the_request(seeker: User) -> MeetingRequest:
    return MeetingRequest.objects.get(seeker=seeker)


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_from_a_way_in_to_a_followed_up_coffee(demo, log_in):
    mette = User.objects.get(email=DEMO_SEEKER)
    jonas = User.objects.get(email=CONNECTOR)
    signe = User.objects.get(email=PERSON)
    target = Target.objects.select_related("unit").get(seeker=mette, unit__name="Digitalisering")
    ways = find_paths(mette, TargetSpec.for_target(target), k=10).paths
    rank = next(
        number
        for number, way in enumerate(ways, start=1)
        if tuple(way.person_ids) == (jonas.person.pk, signe.person.pk)
    )

    # Mette opens her target and picks the way in through Jonas to Signe.
    axe = Axe()
    seeker = log_in(DEMO_SEEKER)
    seeker.goto(reverse("paths:target", args=[target.code]))
    card = seeker.locator(f"article[aria-labelledby='way-{rank}-heading']")
    with seeker.expect_navigation():
        card.locator(f".way-actions a[href^='{reverse('meetings:start')}?way=']").click()
    start_url = seeker.url
    expect(seeker.locator("[data-testid=brief-level]")).to_have_class("level level-not_ready")
    expect(seeker.locator("main textarea[name=message]")).to_have_count(0)  # nothing to send without a brief

    # She writes a brief that fails the check, then one that passes.
    with seeker.expect_navigation():
        seeker.locator(f"main a[href='{reverse('meetings:brief', args=[target.code])}']").first.click()
    fill_brief(seeker, WEAK_BRIEF, ticked=False)
    expect(seeker.locator("#readiness-feedback .level")).to_have_class("level level-not_ready")
    submit(seeker, "main form[method=post]:has(textarea[name=knowledge])")
    assert PrepBrief.objects.get(seeker=mette, target=target).version == 1
    seeker.goto(start_url)
    expect(seeker.locator("[data-testid=brief-level]")).to_have_class("level level-not_ready")
    expect(seeker.locator("main textarea[name=message]")).to_have_count(0)

    seeker.goto(reverse("meetings:brief", args=[target.code]))
    fill_brief(seeker, GOOD_BRIEF, ticked=True)
    expect(seeker.locator("#readiness-feedback .level")).to_have_class("level level-ready")
    submit(seeker, "main form[method=post]:has(textarea[name=knowledge])")

    # She asks Jonas.
    seeker.goto(start_url)
    expect(seeker.locator("[data-testid=brief-level]")).to_have_class("level level-ready")
    seeker.locator("main textarea[name=message]").fill("Hej Jonas! Vil du introducere mig til Signe?")
    submit(seeker, f"main form[action='{reverse('meetings:start')}']:has(textarea[name=message])")
    meeting = the_request(mette)
    request_url = reverse("meetings:request", args=[meeting.code])
    assert seeker.url.endswith(request_url)
    expect(seeker.locator("[data-state]")).to_have_attribute("data-state", RequestState.WITH_CONNECTOR)

    # Jonas finds it among the introductions to answer, and approves with the prefilled note.
    connector = log_in(CONNECTOR)
    connector.goto(reverse("meetings:list"))
    with connector.expect_navigation():
        connector.locator(f"#to_answer a[href='{request_url}']").click()
    problems = blocking_violations(axe, connector, request_url)  # the three answers a connector has
    note = connector.locator("main textarea[name=note]")
    expect(note).not_to_have_value("")
    submit(connector, f"main form[action='{reverse('meetings:approve', args=[meeting.code])}']")
    expect(connector.locator("[data-state]")).to_have_attribute("data-state", RequestState.WITH_PERSON)

    # Signe accepts.
    person = log_in(PERSON)
    person.goto(reverse("meetings:list"))
    with person.expect_navigation():
        person.locator(f"#invitations a[href='{request_url}']").click()
    submit(person, f"main form[action='{reverse('meetings:accept', args=[meeting.code])}']")
    expect(person.locator("[data-state]")).to_have_attribute("data-state", RequestState.SCHEDULING)

    # Mette proposes two times and a café; Signe picks the second.
    first = timezone.localtime() + datetime.timedelta(days=3)
    first = first.replace(hour=9, minute=30, second=0, microsecond=0)
    second = first + datetime.timedelta(days=1, hours=5)
    problems += blocking_violations(axe, seeker, request_url)  # the form with three date-and-time inputs
    propose = seeker.locator(f"main form[action='{reverse('meetings:propose_times', args=[meeting.code])}']")
    propose.locator("#starts-1").fill(local_input(first))
    propose.locator("#starts-2").fill(local_input(second))
    propose.locator("input[name=place]").fill("Kaffebaren, Strandvejen 4")
    submit(seeker, f"main form[action='{reverse('meetings:propose_times', args=[meeting.code])}']")
    assert meeting.proposed_times.count() == 2

    problems += blocking_violations(axe, person, request_url)  # the times to pick from
    pick = person.locator(f"main form[action='{reverse('meetings:pick_time', args=[meeting.code])}']")
    pick.locator("input[name=proposed]").nth(1).check()
    submit(person, f"main form[action='{reverse('meetings:pick_time', args=[meeting.code])}']")
    expect(person.locator("[data-state]")).to_have_attribute("data-state", RequestState.SCHEDULED)
    meeting.refresh_from_db()
    assert meeting.starts == second

    # The invitation downloads, as an iCalendar file.
    with person.expect_download() as download_info:
        person.locator("[data-testid=invitation]").click()
    calendar_text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in calendar_text and "BEGIN:VEVENT" in calendar_text

    # The day comes and goes; Mette says it happened and logs her follow-up.
    began = timezone.now() - datetime.timedelta(hours=3)
    MeetingRequest.objects.filter(pk=meeting.pk).update(starts=began, ends=began + datetime.timedelta(minutes=45))
    seeker.goto(request_url)
    held = f"main form[action='{reverse('meetings:confirm_held', args=[meeting.code])}']"
    submit(seeker, held, seeker.locator(f"{held} button[value=yes]"))
    expect(seeker.locator("[data-state]")).to_have_attribute("data-state", RequestState.HELD)

    follow_up = f"main form[action='{reverse('meetings:follow_up', args=[meeting.code])}']"
    seeker.locator(f"{follow_up} textarea[name=learned]").fill("De ruller portalen ud region for region.")
    seeker.locator(f"{follow_up} textarea[name=next_step]").fill("Jeg søger stillingen inden fristen.")
    seeker.locator(f"{follow_up} input[name=outcome_name_passed_on]").check()
    submit(seeker, follow_up)
    expect(seeker.locator("[data-state]")).to_have_attribute("data-state", RequestState.FOLLOWED_UP)
    meeting.refresh_from_db()
    assert meeting.state == RequestState.FOLLOWED_UP
    assert list(meeting.outcomes.values_list("kind", flat=True)) == ["name_passed_on"]
    expect(seeker.locator("#thank-you-text")).not_to_be_empty()

    # The pages of the journey have no serious accessibility problems.
    problems += [
        *blocking_violations(axe, seeker, request_url),
        *blocking_violations(axe, seeker, reverse("meetings:list")),
        *blocking_violations(axe, seeker, start_url),
        *blocking_violations(axe, connector, request_url),
    ]
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
