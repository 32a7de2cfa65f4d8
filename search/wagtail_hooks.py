"""The editor sees whether the text of a page's attachments is searchable (R19:
the groups maintain their pages and minutes themselves, so they must learn what is not found).

Attachment text is extracted in the background (search/tasks.py). When an extraction
failed — a broken file, a zip bomb, the CPU or memory limit — the page editor says so,
with the German reason, because the page is then found without the attachment's words.
A queued extraction is mentioned after publishing and on the edit page.
"""

from __future__ import annotations

from django.contrib import messages
from wagtail import hooks

from search.extraction import attachment_states
from search.models import ExtractionStatus


def attachment_notes(request, page) -> None:
    for document, row in attachment_states(page.specific):
        if row is None or row.status == ExtractionStatus.PENDING:
            messages.info(request, f"Der Text des Anhangs „{document.title}“ wird im Hintergrund "
                                   "ausgelesen und ist danach in der Suche zu finden.")
        elif row.status == ExtractionStatus.FAILED:
            messages.warning(request, f"Der Text des Anhangs „{document.title}“ ist nicht in der "
                                      f"Suche: {row.error}. Die Seite selbst wird gefunden.")


@hooks.register("before_edit_page")
def notes_on_the_edit_page(request, page):
    if request.method == "GET":
        attachment_notes(request, page)


@hooks.register("after_publish_page")
def notes_after_publishing(request, page):
    attachment_notes(request, page)
