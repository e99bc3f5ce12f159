"""The data-protection pages in a real browser: no serious WCAG 2.1 AA violation, nothing refused by the CSP, and a
member downloads their data and deletes their account the way a person would.

The browser fixtures (`page`, `seeker_page`, `demo`) are those of tests/browser/conftest.py.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from kaffebro.accounts.models import User
from kaffebro.network.demo import DEMO_PASSWORD
from tests.browser.conftest import DEMO_SEEKER
from tests.browser.test_accessibility import BLOCKING_IMPACTS, WCAG_21_AA, blocking_violations

pytestmark = pytest.mark.browser


def test_a_member_downloads_her_data_then_deletes_her_account(seeker_page):
    page, axe = seeker_page, Axe()
    page.goto(reverse("accounts:export"))
    if reverse("accounts:confirm_password") in page.url:  # the download needs a recent password
        page.locator("main input[name=password]").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
    problems = blocking_violations(axe, page, reverse("accounts:export"))
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").click()
    assert download.value.suggested_filename.endswith(".zip")

    problems += blocking_violations(axe, page, reverse("accounts:delete"))
    form = page.locator("main form")
    form.locator("input[name=email]").fill(DEMO_SEEKER)
    form.locator("input[name=password]").fill("not my password")
    form.locator("input[name=understood]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    problems += [f"with errors: {problem}" for problem in axe_violations(axe, page)]
    assert User.objects.filter(email=DEMO_SEEKER).exists()
    page.locator("main form input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form input[name=understood]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert not User.objects.filter(email=DEMO_SEEKER).exists()
    problems += [f"deleted: {problem}" for problem in axe_violations(axe, page)]
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)


def test_the_public_pages_and_the_objection_form(demo, page):
    axe = Axe()
    problems = blocking_violations(axe, page, reverse("core:privacy"))
    problems += blocking_violations(axe, page, reverse("objection:form"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()  # nothing given: the form says what is missing
    assert page.locator("main [role=alert], main .errorlist").count() > 0
    problems += [f"with errors: {problem}" for problem in axe_violations(axe, page)]
    page.locator("main input[name=profile_url]").fill("https://www.linkedin.com/in/nobody-at-all")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    problems += [f"done: {problem}" for problem in axe_violations(axe, page)]
    problems += blocking_violations(axe, page, reverse("objection:confirm", args=["broken-link"]))
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)


def axe_violations(axe: Axe, page) -> list[str]:
    """The serious or critical violations of the page as it is now (after a form was sent)."""
    violations = axe.run(page, options=WCAG_21_AA).response["violations"]
    return [
        f"{page.url}: {violation['id']}: {violation['help']}"
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS
    ]
