"""An anonymous visitor finds her way in a real Chromium: home → Fachgruppen (R26) → Protokoll."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_a_protokoll(demo_home, browser_page, screenshot):
    page = browser_page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    screenshot(page, "01-startseite")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Fachgruppen").click()
    page.get_by_role("heading", level=1, name="Fachgruppen").wait_for()
    for title in ["Fachgruppe Gefährdungsbeurteilung", "Fachgruppe Digitalisierung im Mittelstand",
                  "Fachgruppe Fachkräftesicherung"]:
        assert page.get_by_role("link", name=title).is_visible()
    screenshot(page, "02-fachgruppen")
    page.get_by_role("link", name="Fachgruppe Gefährdungsbeurteilung").click()
    page.get_by_role("heading", name="Protokolle", exact=True).wait_for()
    protokolle = page.get_by_role("region", name="Protokolle", exact=True)  # not the Sitzungen list
    protokolle.get_by_role("link", name="Protokoll der Sitzung vom 12.03.2025").click()
    assert page.get_by_text("Beschluss:").first.is_visible()
    screenshot(page, "03-protokoll")


def test_phone_layout_has_no_horizontal_scroll(demo_home, browser_page, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/fachgruppen/gefaehrdungsbeurteilung/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    screenshot(page, "04-fachgruppe-smartphone")
