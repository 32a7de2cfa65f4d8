"""Text of attached files for the search index (R19): the indexing path and the queue.

The text of a file version is cached once under the SHA-256 of its bytes
(``search/text_cache.py``, re-exported here). Parsing runs in a child process under CPU-time
and memory limits, inside the extraction task of the worker (``search/tasks.py``), never in a
web request:
``document_text`` (the indexing path) only reads the cache and queues what is missing. A
broken or encrypted file raises ``ExtractionError``; the public functions log it on the
``search.extraction`` logger and return an empty text, so the page is still indexed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.utils import timezone

from om_pages.attachments import AttachmentSearchMixin
from search import tasks
from search.models import ExtractedText, ExtractionStatus
from search.parsing import ExtractionError, extractor_for, parse_counter, sha256
from search.text_cache import (
    _file_type,
    cached_extraction,
    cached_text,
    current_row,
    document_digest,
    extract_limited,
    is_current,
    is_protected,
    read_document,
)

#: Read by the tests and by callers that know this module as the extraction's front door.
__all__ = ["ExtractionError", "cached_extraction", "cached_text", "current_row", "document_digest",
           "extract_limited", "extractor_for", "is_current", "is_protected", "parse_counter",
           "read_document", "sha256"]

logger = logging.getLogger("search.extraction")


def request_extraction(document, digest: str, row=None):
    """Queue the extraction task for ``document`` unless one is queued already; the row after.

    A ``pending`` row marks the queued task, so re-indexing a page a hundred times queues one
    task. A pending row older than ``OM_EXTRACTION_RETRY_SECONDS`` (a task lost with its
    worker) is queued again.
    """
    retry = timedelta(seconds=int(getattr(settings, "OM_EXTRACTION_RETRY_SECONDS", 900)))
    if row is not None and row.status == ExtractionStatus.PENDING and row.updated_at > timezone.now() - retry:
        return row
    name = document.file.name or ""
    if row is None:
        row, _ = ExtractedText.objects.get_or_create(
            sha256=digest,
            defaults={"file_type": _file_type(name), "file_name": PurePath(name).name[:255],
                      "status": ExtractionStatus.PENDING, "ok": False, "extractor_version": 0},
        )
    elif row.status == ExtractionStatus.PENDING:
        row.save(update_fields=["updated_at"])
    # A stale row keeps its old text until the task replaces it.
    tasks.extract_document_text.enqueue(document.pk)
    return current_row(digest)  # the immediate backend (tests) has filled it in already


def document_text(document) -> str:
    """Text of a Wagtail document for the search index, from the cache only.

    Never parses: a file version without a current ``ExtractedText`` row gets an extraction
    task queued (``search.tasks.extract_document_text``, run by the worker), which re-indexes
    the page when the text is there. Until then, and for a file that is missing, unknown,
    unreadable, over a limit or in a collection with a view restriction (R19: each group's
    own collection), the page is indexed without it ("").

    This is the function ``settings.OM_ATTACHMENT_TEXT_EXTRACTOR`` names for om_pages.
    """
    name = document.file.name or ""
    if extractor_for(name) is None:
        return ""
    if is_protected(document):
        # The file itself is protected; its text must not reach the public index or snippets.
        logger.info("Anhang „%s“ nicht indexiert: Sammlung mit Zugriffsbeschränkung", name)
        return ""
    digest = document_digest(document)
    if digest is None:
        return ""
    try:
        row = current_row(digest)
        if not is_current(row):
            row = request_extraction(document, digest, row)
        return row.text if row is not None and row.ok else ""
    except Exception:  # never let one attachment stop a page from being indexed
        logger.exception("Anhang „%s“ übersprungen: unerwarteter Fehler", name,
                         extra={"file_name": name})
        return ""


def attachment_states(page) -> list[tuple[object, object]]:
    """(document, ``ExtractedText`` row or None) for each attachment of ``page`` whose text
    would be indexed; for the editor's hint (search/wagtail_hooks.py). Reads, never parses.
    """
    if not isinstance(page, AttachmentSearchMixin):
        return []
    states = []
    for document in page.attached_documents():
        if extractor_for(document.file.name or "") is None or is_protected(document):
            continue
        digest = document_digest(document)
        states.append((document, current_row(digest) if digest is not None else None))
    return states
