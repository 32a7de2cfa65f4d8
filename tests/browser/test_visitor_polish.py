"""What a visitor sees of the search and the public site, in Chromium, with screenshots."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_finds_events_german_errors_and_compounds(demo_home, browser_page, screenshot):
    page = browser_page
    page.goto("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Veranstaltungen").click()
    page.get_by_role("heading", level=1, name="Veranstaltungen").wait_for()
    screenshot(page, "19-veranstaltungen")
    page.locator(".record-list a").first.click()
    calendar = page.get_by_role("link", name="In den Kalender (.ics)")
    calendar.wait_for()
    assert calendar.get_attribute("href").endswith(".ics")

    response = page.goto("/gibt-es-nicht/")
    assert response.status == 404
    page.get_by_role("heading", name="Seite nicht gefunden").wait_for()
    assert page.locator("footer").count() == 1  # the site's own layout
    screenshot(page, "20-seite-nicht-gefunden")

    page.goto("/suche/?q=Quantenkryptograf")
    page.get_by_role("link", name="Quantenkryptograf*").wait_for()
    assert page.locator(".search-facets").count() == 0
    screenshot(page, "21-suche-ohne-treffer")

    page.goto("/admin/login/")
    page.get_by_role("heading", name="Anmelden bei den Fachgruppen der Offensive Mittelstand").wait_for()
    assert page.get_by_label("Passwort").count() == 1
    screenshot(page, "22-anmeldung")
