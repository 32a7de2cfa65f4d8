"""Who decides a Vorgang may read the files of the page under decision (R10, R11).

om_pages serves a document that no public page shows only to the editors of a page using it
(``om_pages.files.may_download``) and asks the ``om_may_download_document`` hook for anyone
else. This module answers for the bodies: while a Vorgang is open (submitted, not yet final),
the members of the body it awaits may read the files of its page, and so may the Leitungskreis
(it settles conflicts, R20) and the Redaktion (it publishes what was decided). "Its page"
covers the page's stored content, its newest draft and the revision pinned for the decision.
"""

from __future__ import annotations

from wagtail import hooks

from om_pages.files import READER_HOOK, uses_document
from workflow.models import Vorgang
from workflow.permissions import BODY_GROUP_NAMES, Gremium, is_body_member

#: Bodies that may read the files of every open Vorgang, whoever it awaits.
ALWAYS_READING = (Gremium.LEITUNGSKREIS, Gremium.REDAKTION)


def open_vorgaenge():
    return Vorgang.objects.open()


def deciding_vorgaenge(document, pages) -> list[Vorgang]:
    """Open Vorgänge whose page uses the document, or whose pinned revision does."""
    page_ids = {page.pk for page in pages}
    found = list(open_vorgaenge().filter(page_id__in=page_ids))
    others = (open_vorgaenge().exclude(page_id__in=page_ids).exclude(revision=None)
              .filter(revision__content__icontains=str(document.pk)).select_related("revision"))
    for vorgang in others:
        try:
            pinned = vorgang.revision.as_object()
        except Exception:  # a revision that no longer fits its page type
            continue
        if uses_document(pinned, document):
            found.append(vorgang)
    return found


@hooks.register(READER_HOOK)
def deciding_body_reads(document, pages, user) -> bool:
    vorgaenge = deciding_vorgaenge(document, pages)
    if not vorgaenge:
        return False
    if any(is_body_member(user, body) for body in ALWAYS_READING):
        return True
    return any(v.awaiting in BODY_GROUP_NAMES and is_body_member(user, v.awaiting) for v in vorgaenge)
