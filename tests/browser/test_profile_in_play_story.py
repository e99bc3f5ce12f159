"""The method's story of a profile put in play (issue 6), in a real browser, one browser per person.

Birthe, a coach, has met Mette, who is new in her job club, for coffee (set up through the actions). In the
browser: Mette gives Birthe her consent; Birthe puts Mette's profile in play toward three of her contacts;
Jonas, the member among them, answers "yes, coffee" and proposes a time, Mette picks it, and after the meeting
both say it happened; Jonas suggests Mette to Sofie, who decides in Digitalisering; Mette agrees to it; Sofie
invites her to an interview from her inbox and later records her as hired. axe-core checks the new pages.

The assertions read structure and data, not words: the browser speaks Danish first.
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kaffebro.accounts.models import Authenticator, User
from kaffebro.accounts.totp import code_at, new_secret
from kaffebro.jobs.models import (
    Credit,
    Outcome,
    OutcomeKind,
    ProfileShare,
    ShareAnswer,
    ShareConsent,
    ShareState,
    Suggestion,
    SuggestionState,
)
from kaffebro.meetings import actions as meetings
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import ContactCard, Organisation, Person, Position, Target
from tests.browser.conftest import REPORT_CSP_VIOLATIONS, TIMEOUT_MS, watch_console
from tests.browser.test_accessibility import blocking_violations
from tests.conftest import PASSWORD, know, make_member
from tests.meetings.conftest import brief_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_as(browser: Browser, live_server):
    yield from member_browsers(browser, live_server)


def member_browsers(browser: Browser, live_server):
    """Log a member in through the log-in form, in a browser of their own; an operator or a coach types the code
    of their authenticator too. Every browser is closed before the live server stops; a CSP violation or a
    script error on any page fails the test."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def open_as_member(user: User, password: str = PASSWORD) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="da-DK")
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        watch_console(page, problems)
        page.goto(reverse("accounts:login"))
        form = page.locator("main form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=username]").fill(user.email)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        if reverse("accounts:login_code") in page.url:
            secret = Authenticator.objects.get(member=user).secret
            page.locator("main input[name=code]").fill(code_at(secret, timezone.now()))
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
        assert reverse("accounts:login") not in page.url, f"log-in failed for {user.email}"
        return page

    yield open_as_member
    for context in contexts:
        context.close()
    assert not problems, "the browser refused something under the CSP:\n" + "\n".join(problems)


def submit(page: Page, form_selector: str, button=None) -> None:
    with page.expect_navigation():
        (button or page.locator(f"{form_selector} button[type=submit]")).click()


def coach(email: str, name: str) -> User:
    """A career coach, who logs in with a second factor like every coach."""
    user = make_member(email, name, is_coach=True)
    Authenticator.objects.create(member=user, secret=new_secret())
    return user


def works_at(person: Person, organisation: Organisation, unit, title: str) -> None:
    Position.objects.create(person=person, organisation=organisation, unit=unit, title=title)


@pytest.fixture
def birthe(region_h) -> User:
    return coach("birthe@example.org", "Birthe Madsen")


@pytest.fixture
def recipients(birthe, jonas, region_h, center_for_it, digitalisering) -> list[Person]:
    """Three of Birthe's contacts in Region Hovedstaden: Jonas, a member, and two people who are not members."""
    works_at(member_person(jonas), region_h, center_for_it, "IT-arkitekt")
    ida, ole = Person.objects.create(name="Ida Holm"), Person.objects.create(name="Ole Dam")
    works_at(ida, region_h, digitalisering, "Specialkonsulent")
    works_at(ole, region_h, center_for_it, "Projektleder")
    for person, title in ((member_person(jonas), "IT-arkitekt"), (ida, "Specialkonsulent"), (ole, "Projektleder")):
        know(birthe, person, organisation=region_h, title=title)
    return [member_person(jonas), ida, ole]


def held_coffee(seeker: User, person: User) -> MeetingRequest:
    """A direct request toward her target, accepted, a time agreed, and held: both say it happened."""
    target = Target.objects.filter(seeker=seeker).first()
    meetings.save_brief(seeker, target, brief_fields("da"), base_version=0)
    request = meetings.send_request(seeker, meetings.start_direct_request(seeker, target, person), "Hej Birthe!")
    request = meetings.accept(person, request)
    starts = timezone.now() + datetime.timedelta(days=1)
    (proposed,) = meetings.propose_times(
        person, request, [(starts, starts + datetime.timedelta(minutes=45))], place="Jobklubben"
    )
    request = meetings.pick_time(seeker, request, proposed)
    the_day_has_come(request)
    meetings.confirm_held(seeker, request, True)
    return meetings.confirm_held(person, request, True)


def the_day_has_come(request: MeetingRequest) -> None:
    began = timezone.now() - datetime.timedelta(hours=2)
    MeetingRequest.objects.filter(pk=request.pk).update(starts=began, ends=began + datetime.timedelta(minutes=45))


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_coach_puts_a_newcomer_in_play_and_a_contact_gets_her_hired(
    open_as, mette, jonas, sofie, birthe, recipients, digitalisering
):
    held_coffee(mette, birthe)
    axe = Axe()

    # Mette lets Birthe put her profile in play: she reads the exact text, then agrees.
    seeker = open_as(mette)
    problems = blocking_violations(axe, seeker, reverse("jobs:shares_mine"))
    seeker.locator("main select[name=helper]").select_option(member_person(birthe).code)
    submit(seeker, f"main form[action='{reverse('jobs:share_grant')}']")
    expect(seeker.locator("[data-testid=consent-text]")).not_to_be_empty()
    problems += blocking_violations(axe, seeker, seeker.url)
    submit(seeker, f"main form[method=post][action='{reverse('jobs:share_grant')}']")
    consent = ShareConsent.objects.get(seeker=mette, helper=birthe, withdrawn__isnull=True)
    assert seeker.url.endswith(reverse("jobs:shares_mine"))

    # Birthe finds Mette among the seekers she can put in play and chooses three of her contacts.
    helper = open_as(birthe)
    helper.goto(reverse("jobs:shares"))
    put_url = reverse("jobs:share_put", args=[mette.seeker_profile.code])
    with helper.expect_navigation():
        helper.locator(f"main a[href='{put_url}']").click()
    problems += blocking_violations(axe, helper, put_url)
    for person in recipients:
        helper.locator(f"#recipient-{ContactCard.objects.get(owner=birthe, person=person).code}").check()
    helper.locator("main textarea[name=note]").fill("Mette er skarp til data og har styr på brugerinddragelse.")
    submit(helper, f"main form[method=post][action='{put_url}']")
    share = ProfileShare.objects.get(seeker=mette, helper=birthe)
    assert (share.state, share.consent_id) == (ShareState.SENT, consent.pk)
    assert sorted(share.recipients.values_list("person_id", flat=True)) == sorted(p.pk for p in recipients)
    assert helper.url.endswith(reverse("jobs:share_detail", args=[share.code]))
    problems += blocking_violations(axe, helper, helper.url)  # the texts to send by hand to the other two

    # Jonas opens his card and says "yes, coffee"; he lands on the meeting and proposes a time.
    card = share.recipients.get(member=jonas)
    connector = open_as(jonas)
    connector.goto(reverse("jobs:shares"))
    card_url = reverse("jobs:share_card", args=[card.code])
    with connector.expect_navigation():
        connector.locator(f"#cards a[href='{card_url}']").click()
    problems += blocking_violations(axe, connector, card_url)
    answer = f"main form[action='{reverse('jobs:share_card_answer', args=[card.code])}']:has(textarea)"
    connector.locator(f"{answer} textarea[name=message]").fill("Hej Mette, lad os tage en kop kaffe.")
    submit(connector, answer)
    card.refresh_from_db()
    assert card.answer == ShareAnswer.COFFEE and card.meeting is not None
    meeting = card.meeting
    request_url = reverse("meetings:request", args=[meeting.code])
    assert connector.url.endswith(request_url)
    when = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    propose = f"main form[action='{reverse('meetings:propose_times', args=[meeting.code])}']"
    connector.locator(f"{propose} #starts-1").fill(local_input(when))
    connector.locator(f"{propose} input[name=place]").fill("Kaffebaren, Strandvejen 4")
    submit(connector, propose)

    # Mette sees the answer on her page and picks the time.
    seeker.goto(reverse("jobs:shares_mine"))
    with seeker.expect_navigation():
        seeker.locator(f"#shares a[href='{request_url}']").click()
    pick = f"main form[action='{reverse('meetings:pick_time', args=[meeting.code])}']"
    seeker.locator(f"{pick} input[name=proposed]").first.check()
    submit(seeker, pick)
    expect(seeker.locator("[data-state]")).to_have_attribute("data-state", RequestState.SCHEDULED)

    # The day comes; both say the meeting happened.
    the_day_has_come(meeting)
    held = f"main form[action='{reverse('meetings:confirm_held', args=[meeting.code])}']"
    for page in (connector, seeker):
        page.goto(request_url)
        submit(page, held, page.locator(f"{held} button[value=yes]"))
    meeting.refresh_from_db()
    assert meeting.state == RequestState.HELD
    assert (meeting.seeker_says_held, meeting.other_says_held) == (True, True)

    # Jonas suggests Mette to the decision-maker of Digitalisering.
    new_url = f"{reverse('jobs:suggestion_new')}?seeker={mette.code}"
    connector.goto(new_url)
    problems += blocking_violations(axe, connector, new_url)
    connector.locator("main input[name=q]").fill("Region Hovedstaden")
    connector.locator("main form[role=search] button[type=submit]").click()  # htmx fills in the results
    found = connector.locator("#organisation-results a", has_text="Region Hovedstaden")
    with connector.expect_navigation():
        found.click()
    suggest = f"main form[method=post][action='{reverse('jobs:suggestion_new')}']"
    connector.locator(f"{suggest} select[name=seeker]").select_option(mette.code)
    connector.locator(f"{suggest} select[name=place]").select_option(f"unit:{digitalisering.code}")
    connector.locator(f"{suggest} textarea[name=how_known]").fill("Vi mødtes over en kop kaffe gennem Birthe.")
    connector.locator(f"{suggest} textarea[name=why_fit]").fill("Hun forbinder data og brugere, som I efterlyser.")
    submit(connector, suggest)
    suggestion = Suggestion.objects.get(seeker=mette, suggested_by=jonas)
    assert (suggestion.decision_maker, suggestion.state) == (sofie, SuggestionState.AWAITING_CONSENT)

    # Mette is asked on her suggestions page, reads the text with what Jonas wrote, and agrees.
    problems += blocking_violations(axe, seeker, reverse("jobs:suggestions"))
    submit(seeker, f"main form[action='{reverse('jobs:suggestion_act', args=[suggestion.code, 'consent'])}']")
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.NEW

    # Sofie invites her to an interview from her inbox, and later records her as hired.
    decision_maker = open_as(sofie)
    inbox = reverse("jobs:suggestion_inbox")
    problems += blocking_violations(axe, decision_maker, inbox)
    candidate = decision_maker.locator(f"#candidate-{suggestion.code}")
    for slug, state in (("invite-to-interview", SuggestionState.INTERVIEW), ("record-hired", SuggestionState.HIRED)):
        action = reverse("jobs:suggestion_act", args=[suggestion.code, slug])
        candidate.locator(f"form[action='{action}'] button[type=submit]").click()
        expect(candidate.locator("[role=status]")).to_be_visible()  # the card came back, swapped in place
        suggestion.refresh_from_db()
        assert suggestion.state == state
        decision_maker.reload()

    recorded = Outcome.objects.filter(seeker=mette, suggestion=suggestion).order_by("date", "created")
    assert [outcome.kind for outcome in recorded] == [OutcomeKind.INTERVIEW, OutcomeKind.HIRED]
    assert {(outcome.credit, outcome.connector_id, outcome.recorded_by_id) for outcome in recorded} == {
        (Credit.SUGGESTION, jonas.pk, sofie.pk)
    }
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
