"""Autosave after submitting never rewrites the submitted revision (R10, R11).

An editor submits a Produkt and leaves its editor open; Wagtail's autosave fires as soon as
they type. The submitted (pinned) revision must stay as it was, the typed text goes into a new
revision, and later autosaves keep updating that new revision.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from wagtail.models import Revision

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.browser.helpers import log_in
from tests.workflow.conftest import user
from workflow.models import Produktfreigabe
from workflow.services import perform_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMITTED = "Eingereichte Kurzbeschreibung"


def autosave(page, produkt, text: str) -> dict:
    """Type ``text`` into the summary and return the JSON answer of the autosave request.

    On a loaded machine an edit can fall between Wagtail's change checks; typing once more
    (a trailing space, which the form strips) gives autosave another change to see.
    """
    def is_autosave(response) -> bool:
        return f"/admin/pages/{produkt.pk}/edit/" in response.url and response.request.method == "POST"

    for attempt in range(3):
        try:
            with page.expect_response(is_autosave, timeout=20_000) as answer:
                page.locator("#id_summary").fill(text + " " * attempt)
            return answer.value.json()
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("Wagtail's autosave sent nothing after three edits")


def test_autosave_after_submission_keeps_the_submitted_revision(demo_home, browser_page):
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    editor = user("fg-digitalisierung")
    produkt = ProduktPage(title="Leitfaden Autosave", slug="leitfaden-autosave",
                          kind=ProduktKind.LEITFADEN, summary=SUBMITTED, live=False)
    fachgruppe.add_child(instance=produkt)
    produkt.save_revision(user=editor)
    vorgang = Produktfreigabe(page=produkt, page_title=produkt.title)
    perform_transition(vorgang, "einreichen", editor)
    pinned = vorgang.revision_id

    page = browser_page
    # Wagtail starts watching for edits a moment after load; typing earlier is no edit.
    page.add_init_script("document.addEventListener('w-unsaved:watch-edits', "
                         "() => { document.documentElement.dataset.omWatching = '1'; });")
    log_in(page, "fg-digitalisierung")
    page.goto(f"/admin/pages/{produkt.pk}/edit/")
    page.locator("html[data-om-watching='1']").wait_for(state="attached")  # no eval under the CSP
    page.wait_for_load_state("networkidle")  # the editor's own start-up requests are done
    first = autosave(page, produkt, "Nach dem Einreichen weitergeschrieben")
    assert first["success"] and first["revision_id"] != pinned
    second = autosave(page, produkt, "Und noch einmal geändert")
    assert second["success"] and second["revision_id"] == first["revision_id"]

    assert Revision.objects.get(pk=pinned).content["summary"] == SUBMITTED
    assert Revision.objects.get(pk=second["revision_id"]).content["summary"] == "Und noch einmal geändert"
    assert Produktfreigabe.objects.get(pk=vorgang.pk).revision_id == pinned
