"""The Kriterien-Check fits a 1280-pixel screen: no rule column is cut off."""

import pytest

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_fits_a_1280_pixel_screen(demo_home, browser_page, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "admin")
    page.goto("/admin/kriterien-check/?jahr=2026")
    table = page.locator(".om-check-scroll table")
    table.wait_for()
    screenshot(page, "16-kriterien-check-1280")
    scroll = page.locator(".om-check-scroll")
    overflow = scroll.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"Tabelle ist {overflow} px zu breit"
    last_heading = table.locator("thead th").last
    assert "R24" in last_heading.inner_text()
    box = last_heading.bounding_box()
    assert box["x"] + box["width"] <= 1280
    # the reasons are one click away in every cell that has any
    reasons = table.locator("details.om-check__details").first
    reasons.locator("summary").click()
    assert reasons.locator("li").first.is_visible()
