"""A Fachgruppe editor writes a Protokoll in the admin, publishes it and finds it through /suche/.

The editor is the demo account of the Fachgruppe Digitalisierung (R19: its own Wagtail group,
limited to its own subtree), not the superuser; the same editor is turned away from another
group's subtree.
"""

import re

import pytest
from playwright.sync_api import expect

from om_pages.models import FachgruppePage, ProtokollPage
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = "fg-digitalisierung"
TITLE = "Protokoll der Sondersitzung Quantenkryptografie"


def test_editor_writes_publishes_and_finds_protokoll(demo_home, browser_page, screenshot):
    page = browser_page
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    log_in(page, EDITOR)
    page.goto(f"/admin/pages/add/om_pages/protokollpage/{fachgruppe.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_date").fill("2026-11-20")
    page.keyboard.press("Escape")
    page.locator("[data-contentpath='body'] [contenteditable='true']").fill(
        "Die Fachgruppe berät über Quantenkryptografie in kleinen Betrieben."
    )
    # Draftail writes its hidden input a moment after typing (debounced); publishing before that
    # would save an empty body, so wait until the form holds the text. (A locator assertion, not
    # wait_for_function: that evaluates a string in the page, which the admin's CSP forbids.)
    expect(page.locator("input[name='body']")).to_have_value(re.compile("kleinen Betrieben"))
    screenshot(page, "10-protokoll-editor")
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/*/")
    protokoll = ProtokollPage.objects.live().get(title=TITLE)
    assert protokoll.get_parent().pk == fachgruppe.pk
    assert protokoll.get_latest_revision().user.username == EDITOR  # not the superuser (R19)

    page.goto("/suche/?q=Quantenkryptografie")
    result = page.get_by_role("link", name=TITLE)
    result.wait_for()
    screenshot(page, "11-suche-treffer")
    result.click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()
    assert page.get_by_text("kleinen Betrieben").is_visible()


def test_editor_cannot_add_protokoll_to_another_group(demo_home, browser_page, screenshot):
    """R19: the editor of one Fachgruppe has no add view in another group's subtree."""
    page = browser_page
    other = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    log_in(page, EDITOR)
    page.goto(f"/admin/pages/add/om_pages/protokollpage/{other.pk}/")
    page.wait_for_url("**/admin/")
    page.get_by_text("Sie haben leider keinen Zugang zu diesem Bereich.").wait_for()
    assert page.locator("#id_title").count() == 0
    screenshot(page, "12-protokoll-fremde-fachgruppe-verweigert")
    # A direct POST with a valid CSRF token is refused as well: back to the dashboard, no page.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/admin/pages/add/om_pages/protokollpage/{other.pk}/",
        form={"csrfmiddlewaretoken": csrf, "title": "Fremdes Protokoll", "date": "2026-11-20",
              "slug": "fremdes-protokoll", "action-publish": "action-publish"},
        headers={"Referer": page.url}, max_redirects=0,
    )
    assert response.status == 302
    assert response.headers["location"].rstrip("/").endswith("/admin")
    assert not ProtokollPage.objects.filter(title="Fremdes Protokoll").exists()
