"""A Produkt goes the whole approval chain in a real browser (R11, R6/R8/R9/R15/R23, R19).

The Fachgruppe's editor submits it from the page editor's action menu; the AG Transfer and
the Plenum decide it from their dashboard panel "Zur Entscheidung" with the record each step
needs; the Redaktion publishes the decided revision. Until then an anonymous visitor sees
nothing of it; afterwards it is on the Fachgruppe's page and on the home page.
"""

import pytest

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.browser.helpers import log_in, log_out
from tests.workflow.conftest import held_top
from workflow.models import CHECKLIST, Vorgang

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Leitfaden Cloud-Dienste im Kleinbetrieb"
SUMMARY = "Wie kleine Betriebe Cloud-Dienste datenschutzgerecht auswählen."
NO_ACCESS = "Sie haben leider keinen Zugang zu diesem Bereich."


def create_draft(fachgruppe: FachgruppePage) -> ProduktPage:
    """A draft as the Fachgruppe would leave it in the editor: not live, one revision."""
    produkt = ProduktPage(title=TITLE, slug="leitfaden-cloud-dienste", kind=ProduktKind.LEITFADEN,
                          summary=SUMMARY, live=False)
    fachgruppe.add_child(instance=produkt)
    produkt.save_revision()
    return produkt


def assert_not_public(page, produkt: ProduktPage) -> None:
    """Anonymous visitor: neither the Fachgruppe page nor the home page lists it; its URL is 404."""
    page.goto("/fachgruppen/digitalisierung/")
    page.get_by_role("heading", name="Produkte", exact=True).wait_for()
    assert page.get_by_text(TITLE).count() == 0
    page.goto("/")
    page.get_by_role("heading", name="Beschlossene Produkte").wait_for()
    assert page.get_by_text(TITLE).count() == 0
    response = page.goto(f"/fachgruppen/digitalisierung/{produkt.slug}/")
    assert response.status == 404


def open_from_panel(page, screenshot, shot: str) -> None:
    """From the dashboard panel to the Vorgang's inspect view."""
    panel = page.get_by_role("region", name="Zur Entscheidung")
    link = panel.get_by_role("link", name=TITLE)
    link.wait_for()
    screenshot(page, shot)
    link.click()
    page.get_by_role("heading", name="Ihre möglichen Schritte").wait_for()


def assert_recorded(page, state_label: str) -> None:
    """The success message names the new state; no "no access" error on the way (R19)."""
    page.get_by_text(f"jetzt „{state_label}“").wait_for()
    assert page.get_by_text(NO_ACCESS).count() == 0


def test_produkt_from_submission_to_publication(demo_home, browser_page, screenshot):
    page = browser_page
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    produkt = create_draft(fachgruppe)

    # 1. The Fachgruppe's editor submits it from the editor's action menu (R11, R19).
    log_in(page, "fg-digitalisierung")
    page.goto(f"/admin/pages/{produkt.pk}/edit/")
    page.locator("footer .w-dropdown__toggle").click()
    footer = page.locator("footer")
    submit = footer.get_by_role("link", name="Zur Beratung in der AG Transfer einreichen")
    submit.wait_for()
    assert footer.locator("button[name='action-publish']").count() == 0  # only the Redaktion publishes
    submit.click()
    page.get_by_role("heading", name="Zur Beratung in der AG Transfer einreichen").wait_for()
    page.get_by_label("Kommentar / Begründung").fill("Bitte in der nächsten Sitzung beraten.")
    page.get_by_role("button", name="Zur Beratung in der AG Transfer einreichen").click()
    assert_recorded(page, "In der AG Transfer")
    assert page.url.endswith(f"/admin/pages/{produkt.pk}/edit/")  # back in the editor
    vorgang = Vorgang.objects.get(page=produkt)
    assert vorgang.state == "in_ag_transfer"
    log_out(page)
    assert_not_public(page, produkt)

    # 2. The AG Transfer approves it from its panel, under the TOP of its held Sitzung, with the
    # checklist (R6 … R23).
    ag_top = held_top(vorgang, "ag_transfer")
    log_in(page, "agtransfer")
    open_from_panel(page, screenshot, "20-ag-transfer-zur-entscheidung")
    page.get_by_role("link", name="Zustimmen und dem Plenum vorlegen").click()
    page.get_by_label("Kommentar / Begründung").fill("Die AG Transfer empfiehlt den Leitfaden.")
    page.get_by_label("Tagesordnungspunkt der entscheidenden Sitzung").select_option(str(ag_top.pk))
    for text in CHECKLIST.values():
        page.get_by_label(text).check()
    screenshot(page, "21-ag-transfer-formular")
    page.get_by_role("button", name="Zustimmen und dem Plenum vorlegen").click()
    assert_recorded(page, "Im Plenum")
    assert "/admin/vorgaenge/inspect/" in page.url  # no page rights: back to the Vorgang
    vorgang.refresh_from_db()
    assert vorgang.state == "im_plenum"
    entry = vorgang.entries().order_by("-pk").first()
    assert (entry.tagesordnungspunkt_id, entry.sitzung_id) == (ag_top.pk, ag_top.sitzung_id)
    assert entry.user.username == "agtransfer"
    log_out(page)
    assert_not_public(page, produkt)

    # 3. The Plenum decides with its vote.
    plenum_top = held_top(vorgang, "plenum")
    log_in(page, "plenum")
    open_from_panel(page, screenshot, "22-plenum-zur-entscheidung")
    page.get_by_role("link", name="Beschließen (Plenumsbeschluss)").click()
    page.get_by_label("Kommentar / Begründung").fill("Einstimmig bei zwei Enthaltungen.")
    page.get_by_label("Tagesordnungspunkt der entscheidenden Sitzung").select_option(str(plenum_top.pk))
    page.get_by_label("Ja-Stimmen").fill("21")
    page.get_by_label("Nein-Stimmen").fill("0")
    page.get_by_label("Enthaltungen").fill("2")
    screenshot(page, "23-plenum-formular")
    page.get_by_role("button", name="Beschließen (Plenumsbeschluss)").click()
    assert_recorded(page, "Beschlossen")
    assert "/admin/vorgaenge/inspect/" in page.url
    vorgang.refresh_from_db()
    assert vorgang.state == "beschlossen"
    log_out(page)
    assert_not_public(page, produkt)  # decided is not yet published (Redaktion, R11)

    # 4. The Redaktion publishes the decided revision.
    log_in(page, "redaktion")
    open_from_panel(page, screenshot, "24-redaktion-zur-entscheidung")
    page.get_by_role("link", name="Beschlossenen Stand veröffentlichen").click()
    page.get_by_role("button", name="Beschlossenen Stand veröffentlichen").click()
    assert_recorded(page, "Veröffentlicht")
    vorgang.refresh_from_db()
    assert vorgang.state == "veroeffentlicht"
    produkt.refresh_from_db()
    assert produkt.live and produkt.live_revision_id == vorgang.revision_id
    log_out(page)

    # 5. The anonymous visitor finds it on the Fachgruppe's page and on the home page.
    page.goto("/")
    home_link = page.get_by_role("region", name="Beschlossene Produkte").get_by_role("link", name=TITLE)
    home_link.wait_for()
    page.goto("/fachgruppen/digitalisierung/")
    group_link = page.get_by_role("region", name="Produkte", exact=True).get_by_role("link", name=TITLE)
    group_link.click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    assert page.get_by_text(SUMMARY).first.is_visible()
    screenshot(page, "25-produkt-veroeffentlicht")
