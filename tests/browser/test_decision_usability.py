"""What the bodies and the groups see in the admin of a decision, in Chromium."""

import pytest

from tests.browser.helpers import log_in, log_out
from tests.workflow.conftest import complete_decision, make_vorgang, user
from workflow.models import CHECKLIST
from workflow.services import perform_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_decision_form_withdrawal_and_own_check(demo_home, browser_page, screenshot):
    vorgang = make_vorgang("produkt", "entwurf")
    perform_transition(vorgang, "einreichen", user("fg-gefaehrdung"),
                       **complete_decision(vorgang, "einreichen"))
    page = browser_page

    # The AG Transfer sends the form half filled: every missing piece at its own field.
    log_in(page, "agtransfer")
    page.goto(f"/admin/freigabe/{vorgang.page_id}/ag_zustimmen/")
    page.get_by_label(CHECKLIST["R6"]).check()
    page.get_by_role("button", name="Zustimmen und dem Plenum vorlegen").click()
    top_field = page.locator("[data-field-wrapper]").filter(has=page.locator("#id_top"))
    top_field.get_by_text("Tagesordnungspunkt der Sitzung angeben").wait_for()
    for rule in ("R8", "R9", "R15", "R23"):
        field = page.locator("[data-field-wrapper]").filter(has=page.locator(f"#id_check_{rule}"))
        assert field.get_by_text(f"muss {rule} bestätigt sein").count() == 1
    screenshot(page, "23-entscheidung-fehlende-angaben")
    log_out(page)

    # The group: withdrawing sits apart, is named final and needs a confirmation.
    log_in(page, "fg-gefaehrdung")
    page.get_by_role("region", name="Ihre Fachgruppe").get_by_role("link", name="Kriterien-Check").wait_for()
    screenshot(page, "24-dashboard-eigene-fachgruppe")
    page.goto(f"/admin/pages/{vorgang.page_id}/edit/")
    page.locator("footer .w-dropdown__toggle").click()
    withdraw = page.locator("footer").get_by_role("link", name="Zurückziehen (endgültig) …")
    withdraw.wait_for()
    withdraw.click()
    page.get_by_text("Dieser Schritt ist endgültig.").wait_for()
    page.get_by_label("Begründung").fill("Wir verfolgen das nicht weiter.")
    page.get_by_role("button", name="Zurückziehen").click()
    page.get_by_text("Bitte bestätigen, dass dieser Schritt endgültig ist.").wait_for()
    screenshot(page, "25-zurueckziehen-bestaetigen")
    assert vorgang.__class__.objects.get(pk=vorgang.pk).state == "in_ag_transfer"
