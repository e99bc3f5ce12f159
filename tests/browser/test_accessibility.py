"""axe-core finds no serious or critical WCAG 2.1 A/AA violation on the pages members use most."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from kaffebro.network.models import Organisation, Target
from tests.browser.conftest import DEMO_SEEKER

pytestmark = pytest.mark.browser

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}
DEMO_ORGANISATION = "Region Østkysten"


def blocking_violations(axe: Axe, page: Page, path: str) -> list[str]:
    """Each serious or critical violation on the page at `path`, with the elements it was found on."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    violations = axe.run(page, options=WCAG_21_AA).response["violations"]
    return [
        f"{path}: [{violation['impact']}] {violation['id']}: {violation['help']} "
        f"at {', '.join(' '.join(map(str, node['target'])) for node in violation['nodes'][:5])}"
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_key_pages_have_no_serious_accessibility_violations(seeker_page):
    page = seeker_page
    axe = Axe()
    organisation = Organisation.objects.get(name=DEMO_ORGANISATION, private_to=None)
    member_pages = [
        reverse("network:dashboard"),
        reverse("network:contacts"),
        reverse("network:organisation", args=[organisation.code]),
        reverse("paths:target", args=[Target.objects.filter(seeker__email=DEMO_SEEKER).first().code]),
    ]
    problems = [problem for path in member_pages for problem in blocking_violations(axe, page, path)]

    page.context.clear_cookies()
    problems += blocking_violations(axe, page, reverse("core:landing"))

    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
