"""German dates typed into the admin are read as typed, never replaced by today.

The Sitzungsdatum drives the public listings, the year facet, the search filters and R24 in the
Kriterien-Check. Before the fix, typing "19.11.2026" and pressing Tab turned it into today's
date without a word.
"""

import datetime

import pytest

from om_pages.models import FachgruppePage, ProtokollPage, VeranstaltungKind, VeranstaltungPage
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = "fg-digitalisierung"


def save_draft(page) -> None:
    page.locator("button[name='action-save'], button:has-text('Entwurf speichern')").first.click()
    page.wait_for_load_state("load")


def test_german_date_typed_into_a_protokoll_is_stored(demo_home, browser_page, screenshot):
    page = browser_page
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    protokoll = ProtokollPage.objects.child_of(fachgruppe).first()
    log_in(page, EDITOR)
    page.goto(f"/admin/pages/{protokoll.pk}/edit/")
    date = page.locator("#id_date")
    assert "." in date.input_value()  # the stored date is shown in German, e.g. 20.11.2025
    date.fill("19.11.2026")
    page.keyboard.press("Tab")
    assert date.input_value() == "19.11.2026"  # not replaced by today's date
    save_draft(page)
    stored = ProtokollPage.objects.get(pk=protokoll.pk).get_latest_revision_as_object().date
    assert stored == datetime.date(2026, 11, 19)

    page.locator("#id_date").fill("31.02.2026")
    page.keyboard.press("Tab")
    assert page.locator("#id_date").input_value() == "31.02.2026"  # left for the server to judge
    save_draft(page)
    field = page.locator("[data-field-wrapper]").filter(has=page.locator("#id_date"))
    field.get_by_text("Bitte ein gültiges Datum eingeben.").wait_for()  # the error at the field
    screenshot(page, "15-datum-fehler-am-feld")
    stored = ProtokollPage.objects.get(pk=protokoll.pk).get_latest_revision_as_object().date
    assert stored == datetime.date(2026, 11, 19)  # nothing substituted, nothing lost


def test_german_date_time_typed_into_a_veranstaltung_is_stored(demo_home, browser_page):
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    veranstaltung = VeranstaltungPage(title="Sprechstunde Datenschutz", slug="sprechstunde",
                                      kind=VeranstaltungKind.SEMINAR, live=False,
                                      start=datetime.datetime(2026, 12, 1, 10, 0,
                                                              tzinfo=datetime.UTC))
    fachgruppe.add_child(instance=veranstaltung)
    veranstaltung.save_revision()
    page = browser_page
    log_in(page, EDITOR)
    page.goto(f"/admin/pages/{veranstaltung.pk}/edit/")
    start = page.locator("#id_start")
    start.fill("19.11.2026 14:30")
    page.keyboard.press("Tab")
    assert start.input_value() == "19.11.2026 14:30"
    save_draft(page)
    stored = VeranstaltungPage.objects.get(pk=veranstaltung.pk).get_latest_revision_as_object().start
    berlin = stored.astimezone(datetime.timezone(datetime.timedelta(hours=1)))  # CET in November
    assert (berlin.date(), berlin.hour, berlin.minute) == (datetime.date(2026, 11, 19), 14, 30)
