"""A Fachgruppe editor writes a Protokoll in the admin, publishes it and finds it through /suche/."""

import pytest

from om_pages.models import FachgruppePage, ProtokollPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "om-demo-2026"


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/admin/")


def test_editor_writes_publishes_and_finds_protokoll(demo_home, browser_page, screenshot):
    page = browser_page
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    log_in(page, "admin")
    page.goto(f"/admin/pages/add/om_pages/protokollpage/{fachgruppe.pk}/")
    page.locator("#id_title").fill("Protokoll der Sondersitzung Quantenkryptografie")
    page.locator("#id_date").fill("2026-11-20")
    page.keyboard.press("Escape")
    page.locator("[data-contentpath='body'] [contenteditable='true']").fill(
        "Die Fachgruppe berät über Quantenkryptografie in kleinen Betrieben."
    )
    screenshot(page, "10-protokoll-editor")
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/*/")
    assert ProtokollPage.objects.live().filter(title__contains="Quantenkryptografie").exists()

    page.goto("/suche/?q=Quantenkryptografie")
    result = page.get_by_role("link", name="Protokoll der Sondersitzung Quantenkryptografie")
    result.wait_for()
    screenshot(page, "11-suche-treffer")
    result.click()
    assert page.get_by_text("kleinen Betrieben").is_visible()
