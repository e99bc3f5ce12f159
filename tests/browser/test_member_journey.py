"""A demo seeker's first minutes in a real browser: log in, switch language, add a contact and find it again."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

NEW_CONTACT = "Gry Bønnelykke"


def switch_language(page: Page, button_text: str) -> None:
    with page.expect_navigation():
        page.locator("header form").get_by_role("button", name=button_text, exact=True).click()


def test_language_switch_changes_the_page_language(seeker_page):
    page = seeker_page
    assert page.url.endswith(reverse("network:dashboard"))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    danish_heading = page.locator("h1").inner_text()

    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).not_to_have_text(danish_heading)

    switch_language(page, "Dansk")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("h1")).to_have_text(danish_heading)


def test_added_contact_is_found_with_the_search_box(seeker_page):
    page = seeker_page
    page.goto(reverse("network:contacts"))
    page.locator(f"main a[href='{reverse('network:add_contact')}']").first.click()
    page.wait_for_url(f"**{reverse('network:add_contact')}")

    form = page.locator("main form[method=post]").first
    form.locator("input[name=full_name]").fill(NEW_CONTACT)
    form.locator("input[name=organisation_name]").fill("Region Østkysten")
    form.locator("input[name=title]").fill("Projektleder")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(NEW_CONTACT)

    page.goto(reverse("network:contacts"))
    rows = page.locator("#contact-results tbody tr")
    expect(rows.first).to_be_visible()
    assert NEW_CONTACT not in rows.all_inner_texts()[0], "the contacts list is expected to start elsewhere"
    page.locator("form[role=search] input[name=q]").fill("Bønnelykke")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(NEW_CONTACT)
    expect(rows.first).to_contain_text("Region Østkysten")
