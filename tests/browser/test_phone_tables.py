"""The dashboard panel and the record are usable on a phone.

On a 390-pixel screen the page must not scroll sideways; each row becomes a card whose lines
name their column.
"""

import pytest

from tests.browser.helpers import log_in
from tests.workflow.conftest import complete_decision, make_vorgang, user
from workflow.services import perform_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def card_label(cell) -> str:
    """What the phone layout writes in front of a cell (its column heading)."""
    return cell.evaluate("td => getComputedStyle(td, '::before').content")


def test_panel_and_record_fit_a_phone(demo_home, browser_page, screenshot):
    vorgang = make_vorgang("produkt", "entwurf")
    perform_transition(vorgang, "einreichen", user("fg-gefaehrdung"),
                       **complete_decision(vorgang, "einreichen"))
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "agtransfer")
    panel = page.get_by_role("region", name="Zur Entscheidung")
    panel.get_by_role("link", name=vorgang.page_title).first.wait_for()
    screenshot(page, "17-panel-telefon")
    assert no_sideways_scroll(page) <= 0
    assert card_label(panel.locator("td[data-label='Fachgruppe']").first) == '"Fachgruppe: "'


    page.goto(f"/admin/vorgaenge/inspect/{vorgang.pk}/")
    page.get_by_role("heading", name="Akte: alle Schritte").wait_for()
    screenshot(page, "18-akte-telefon")
    assert no_sideways_scroll(page) <= 0
    assert card_label(page.locator("td[data-label='Beratener Stand']").first) == '"Beratener Stand: "'
