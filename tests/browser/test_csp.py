"""The Content-Security-Policy in a real browser: the pages members use break none of it, and it really blocks.

The `page` fixture turns every violation into a console line and collects it (tests/browser/conftest.py).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kaffebro.network.models import Organisation, Target
from tests.browser.conftest import DEMO_SEEKER
from tests.browser.test_accessibility import DEMO_ORGANISATION

pytestmark = pytest.mark.browser

NONCE = re.compile(r"'nonce-([^']+)'")
PUBLIC_PAGES = ["core:landing", "core:privacy", "core:accessibility", "accounts:login", "accounts:signup"]
MEMBER_PAGES = [
    "network:dashboard",
    "network:contacts",
    "network:organisations",
    "network:profile",
    "network:connector_settings",
    "network:import_upload",
    "meetings:list",
    "notifications:inbox",
    "accounts:settings",
]


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    assert "content-security-policy" in response.headers, f"{path} has no CSP"
    page.wait_for_load_state("networkidle")  # htmx fragments (ways in, counts) have loaded and been swapped in


def test_the_pages_members_use_show_no_csp_violation(seeker_page, csp_violations):
    page = seeker_page
    organisation = Organisation.objects.get(name=DEMO_ORGANISATION, private_to=None)
    target = Target.objects.filter(seeker__email=DEMO_SEEKER).first()
    paths = [reverse(name) for name in MEMBER_PAGES]
    paths += [reverse("network:organisation", args=[organisation.code]), reverse("paths:target", args=[target.code])]
    for path in paths:
        visit(page, path)

    page.goto(reverse("network:contacts"))  # an htmx search swaps the results in place
    rows = page.locator("#contact-results tbody tr")
    page.locator("form[role=search] input[name=q]").fill("zzz-nobody")
    expect(rows).to_have_count(0)

    page.context.clear_cookies()
    for name in PUBLIC_PAGES:
        visit(page, reverse(name))
    assert csp_violations == []


def test_the_policy_blocks_inline_code_and_lets_a_nonced_script_run(page, csp_violations):
    response = page.goto(reverse("core:landing"))
    nonce = NONCE.search(response.headers["content-security-policy"]).group(1)
    ran = page.evaluate(
        """nonce => {
            const add = (attributes) => {
                const script = Object.assign(document.createElement("script"), attributes);
                document.body.append(script);
            };
            add({textContent: "window.inlineRan = true"});
            add({textContent: "window.noncedRan = true", nonce: nonce});
            document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
            return {
                inline: window.inlineRan === true,
                nonced: window.noncedRan === true,
                styled: getComputedStyle(document.getElementById("styled")).color === "rgb(255, 0, 0)",
            };
        }""",
        nonce,
    )
    assert ran == {"inline": False, "nonced": True, "styled": False}
    expect(page.locator("#styled")).to_be_attached()
    page.wait_for_timeout(200)  # violation reports are queued as a task
    reported = sorted(found[1] for line in csp_violations if (found := re.search(r"CSP violation: (\S+)", line)))
    assert reported == ["script-src-elem", "style-src-attr"], "the page's violation events"
    assert sum("Content Security Policy" in line for line in csp_violations) == 2, "the browser's own console lines"
    csp_violations.clear()  # seen and expected: the fixture must not fail the test for them
