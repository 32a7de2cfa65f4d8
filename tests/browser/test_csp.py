"""The site works under its Content-Security-Policy in a real Chromium.

Every frame records each ``securitypolicyviolation`` event in ``window.__csp``, and every
console message that names the Content Security Policy is kept; the walk covers the public
site (home, a Fachgruppe, a Protokoll, /suche/ with a query) and the admin (login, dashboard,
the page editor of a Protokoll with Draftail typing, a new TOP and date, the document chooser
modal, the live preview and the accessibility checks panels). Not one violation may occur.

Waiting uses locators and ``expect``, never ``wait_for_function``: Playwright evaluates that
string in the page, which the admin's policy (no 'unsafe-eval') rightly refuses.
"""

import re

import pytest
from playwright.sync_api import expect

from om_pages.models import FachgruppePage, ProtokollPage
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push([event.violatedDirective, event.blockedURI, event.sourceFile + ":" + event.lineNumber,
                     event.sample, document.location.pathname].join(" | "));
});
"""


class Violations:
    """Collects CSP violations from the events of every frame and from the console."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def events(self) -> list[str]:
        found = []
        for frame in self.page.frames:
            try:
                found.extend(frame.evaluate("window.__csp || []"))
            except Exception:  # a frame that is gone or navigating: nothing to read
                continue
        return found

    def check(self, where: str) -> None:
        events, console = self.events(), list(self.console)
        assert not events and not console, f"CSP violations at {where}: {events + console}"


def test_public_site_and_admin_run_without_csp_violations(demo_home, browser_page, screenshot):
    page = browser_page
    violations = Violations(page)
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    protokoll = ProtokollPage.objects.live().child_of(fachgruppe).order_by("pk").first()

    for url in ["/", fachgruppe.url, protokoll.url, "/suche/?q=Unterweisung"]:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        violations.check(url)
    assert page.get_by_role("link", name=protokoll.title).count() or page.locator("main a").count()

    log_in(page, "admin")
    page.wait_for_load_state("networkidle")
    violations.check("dashboard")

    page.goto(f"/admin/pages/{protokoll.pk}/edit/")
    editor = page.locator("[data-contentpath='body'] [contenteditable='true']")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Ergänzt unter der Sicherheitsrichtlinie.")
    expect(page.locator("input[name='body']")).to_have_value(re.compile("Sicherheitsrichtlinie"))
    page.locator("#id_agenda_items-ADD").click()  # inline panel: its template and script
    page.locator("#id_agenda_items-FORMS input[id$='-title']").last.fill("Content-Security-Policy")
    page.locator("#id_date").click()  # the date widget's inline-initialised picker
    page.keyboard.press("Escape")
    violations.check("page editor")

    page.locator("#id_documents-ADD").click()
    page.locator("#id_documents-FORMS .chooser__choose-button").last.click()
    modal = page.locator(".modal-content")
    modal.wait_for()
    modal.locator("a.document-choice, td a").first.wait_for()
    page.wait_for_load_state("networkidle")
    screenshot(page, "20-csp-dokumentauswahl")
    violations.check("document chooser")
    modal.locator("a.document-choice, td a").first.click()
    modal.wait_for(state="hidden")

    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe[data-w-preview-target='iframe']").last
    preview.get_by_text("Content-Security-Policy").first.wait_for()  # the preview shows the new TOP
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the checks panel (axe) runs in the preview after load
    screenshot(page, "21-csp-vorschau")
    violations.check("preview")

    page.locator("[data-side-panel-toggle='checks']").click()  # axe-core's accessibility checks
    page.locator("[data-side-panel='checks']").wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    screenshot(page, "22-csp-pruefungen")
    violations.check("accessibility checks")
