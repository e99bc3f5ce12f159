"""The demo seeker imports her LinkedIn connections in a real browser, reads the summary and rates a tie by keyboard.

The assertions read structure and data, not words: the browser speaks Danish first.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from kaffebro.accounts.models import User
from kaffebro.network.models import ImportBatch, ImportStatus, Strength, Tie
from tests.browser.conftest import DEMO_SEEKER
from tests.browser.test_accessibility import blocking_violations

pytestmark = pytest.mark.browser

NEW_NAMES = ["Xenia Qvistgaard", "Yrsa Ømbæk", "Zakarias Ulvskov"]
LINKEDIN_EXPORT = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    + "".join(
        f"{name.split()[0]},{name.split()[1]},https://www.linkedin.com/in/{name.split()[1].lower()}-{number},,"
        f"Zebrafabrikken {number} ApS,Konsulent,14 Mar 2024\n"
        for number, name in enumerate(NEW_NAMES)
    )
).encode()
SPREADSHEET = b"Navn;Firma;Rolle\r\nBirte Bonde;Carlsberg;Analytiker\r\n"


def upload(page: Page, filename: str, data: bytes, mime: str = "text/csv") -> None:
    page.goto(reverse("network:import_upload"))
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file]").set_input_files({"name": filename, "mimeType": mime, "buffer": data})
    expect(page.locator("[data-dropzone-chosen]")).to_contain_text(filename)  # the drop script is running
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_import_confirm_summary_and_rate_a_tie_by_keyboard(seeker_page):
    page = seeker_page
    mette = User.objects.get(email=DEMO_SEEKER)
    upload(page, "Connections.csv", LINKEDIN_EXPORT)
    batch = ImportBatch.objects.get(owner=mette, status=ImportStatus.PREVIEW)
    assert page.url.endswith(reverse("network:import_preview", args=[batch.code]))
    expect(page.locator("[data-testid=records-found]")).to_have_text(str(len(NEW_NAMES)))

    with page.expect_navigation():
        page.locator(f"form[action='{reverse('network:import_confirm', args=[batch.code])}'] button").click()
    assert page.url.endswith(reverse("network:import_summary", args=[batch.code]))
    expect(page.locator("tr[data-outcome=created] td")).to_have_text(str(len(NEW_NAMES)))
    for name in NEW_NAMES:
        expect(page.locator("main")).to_contain_text(name)

    page.locator(f"main a[href='{reverse('network:rate_ties')}']").click()
    page.wait_for_url(f"**{reverse('network:rate_ties')}")
    group = page.locator("fieldset.rating").filter(has_text=NEW_NAMES[0])
    group.locator("input[value='3']").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(group.locator("input[value='4']")).to_be_focused()
    with translation.override(mette.language):
        expect(group.locator(".rating-status .saved")).to_contain_text(str(Strength.GOOD_CONTACT.label))
    tie = Tie.objects.get(owner=mette, person_b__contact_cards__full_name=NEW_NAMES[0])
    assert (tie.strength, tie.strength_rated) == (Strength.GOOD_CONTACT, True)


def test_the_import_pages_have_no_serious_accessibility_violations(seeker_page):
    page = seeker_page
    mette = User.objects.get(email=DEMO_SEEKER)
    axe = Axe()
    upload(page, "kontakter.csv", SPREADSHEET)
    waiting = ImportBatch.objects.get(owner=mette, status=ImportStatus.PREVIEW)
    upload(page, "Connections.csv", LINKEDIN_EXPORT)
    batch = ImportBatch.objects.filter(owner=mette, status=ImportStatus.PREVIEW).exclude(pk=waiting.pk).get()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('network:import_confirm', args=[batch.code])}'] button").click()
    pages = [
        reverse("network:import_upload"),
        reverse("network:import_preview", args=[waiting.code]),
        reverse("network:import_summary", args=[batch.code]),
        reverse("network:rate_ties"),
    ]
    problems = [problem for path in pages for problem in blocking_violations(axe, page, path)]
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
