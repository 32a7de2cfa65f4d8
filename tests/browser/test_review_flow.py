"""Review in a real browser: the AG Transfer reads what it decides (R11, R19).

A member of the AG Transfer has no page rights. From the dashboard panel "Zur Entscheidung"
they open the submitted version of a Produkt (its pinned revision, as the public would see
it), read its text, and go on to the decision form, which names the version decided.
"""

import pytest

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.browser.helpers import log_in
from tests.workflow.conftest import user
from workflow.services import current_vorgang, perform_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Leitfaden Videokonferenzen im Kleinbetrieb"
SUMMARY = "Wie kleine Betriebe Videokonferenzen sicher und barrierearm einrichten."
LATER = "Spätere Überarbeitung, die nicht eingereicht ist."
NO_ACCESS = "Sie haben leider keinen Zugang zu diesem Bereich."


def submitted_produkt() -> ProduktPage:
    """Submitted by the Fachgruppe, then edited again (the newer draft is not under review)."""
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    produkt = ProduktPage(title=TITLE, slug="leitfaden-videokonferenzen", kind=ProduktKind.LEITFADEN,
                          summary=SUMMARY, live=False)
    fachgruppe.add_child(instance=produkt)
    editor = user("fg-digitalisierung")
    produkt.save_revision(user=editor)
    perform_transition(current_vorgang(produkt), "einreichen", editor, comment="Bitte beraten.")
    draft = ProduktPage.objects.get(pk=produkt.pk).get_latest_revision_as_object()
    draft.summary = LATER
    draft.save_revision(user=editor)
    return produkt


def test_ag_transfer_reads_the_submitted_produkt_then_decides(demo_home, browser_page, screenshot):
    page = browser_page
    submitted_produkt()
    log_in(page, "agtransfer")

    panel = page.get_by_role("region", name="Zur Entscheidung")
    row = panel.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("link", name="Fassung lesen").click()

    page.get_by_role("heading", name="Eingereichte Fassung").first.wait_for()
    assert page.get_by_text(NO_ACCESS).count() == 0
    page.get_by_text("Beraten wird der Stand vom").wait_for()
    frame = page.frame_locator("iframe.workflow-review-frame")
    frame.get_by_text(SUMMARY).first.wait_for()
    assert frame.get_by_text(LATER).count() == 0  # the newer draft is not what is decided
    screenshot(page, "30-ag-transfer-eingereichte-fassung")

    page.get_by_role("link", name="Unterschied zum zuletzt beschlossenen Stand").click()
    page.get_by_text("noch keinen beschlossenen Stand").wait_for()  # a first submission
    page.go_back()

    page.get_by_role("link", name="Zustimmen und dem Plenum vorlegen").click()
    page.get_by_role("heading", name="Zustimmen und dem Plenum vorlegen").wait_for()
    page.get_by_text("Beraten wird der Stand vom").wait_for()
    assert page.get_by_role("link", name="eingereichte Fassung lesen").count() == 1
    assert page.get_by_text(NO_ACCESS).count() == 0
    screenshot(page, "31-ag-transfer-formular-mit-stand")
