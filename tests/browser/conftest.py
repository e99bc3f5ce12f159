"""Browser tests drive Debian's chromium through Playwright against pytest-django's live server.

A browser is never downloaded: without /usr/bin/chromium the tests skip on a developer's
machine and fail in CI, where the browser is part of the set-up.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from kaffebro.network.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's database calls from
# that thread (fixtures, assertions) are safe here because nothing else runs in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_SEEKER = "mette@kaffebro.example"
TIMEOUT_MS = 10_000
# Runs before the page's own scripts (Playwright injects it past the CSP) and turns every violation report
# into a console line, so a violation is seen even when the page navigates away right after it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI installs the Debian package chromium.")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db):
    """The demo network, loaded as `make run` loads it: in development (pytest-django turns DEBUG off)."""
    with override_settings(DEBUG=True):
        call_command("demo", stdout=io.StringIO())


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the Content-Security-Policy, and scripts that failed, on `page`."""
    return []


def watch_console(page, problems: list[str]) -> None:
    def on_console(message) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("CSP violation"):
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))


@pytest.fixture
def page(browser, live_server, csp_violations):
    """A fresh browser context (no cookies) that speaks Danish first, like most visitors.

    Every test that uses it fails on a CSP violation or a script error, whatever else it checks.
    """
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    watch_console(page, csp_violations)
    yield page
    context.close()
    assert not csp_violations, "the browser refused something under the CSP:\n" + "\n".join(csp_violations)


@pytest.fixture
def seeker_page(demo, page):
    """The demo seeker, logged in through the log-in form as a member does."""
    login_path = reverse("accounts:login")
    page.goto(login_path)
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(DEMO_SEEKER)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert login_path not in page.url, f"log-in failed: {page.locator('main').inner_text()}"
    return page
