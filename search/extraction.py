"""Text of attached files for the search index (R19): the cache, the queue, the limits.

The text of a file version is stored once in ``ExtractedText`` under the SHA-256 of its
bytes, so re-indexing never parses an unchanged file again. Parsing (``search/parsing.py``)
runs in a child process under CPU-time and memory limits (``search/sandbox.py``), inside the
extraction task of the worker (``search/tasks.py``), never in a web request:
``document_text`` (the indexing path) only reads the cache and queues what is missing. A
broken or encrypted file raises ``ExtractionError``; the public functions log it on the
``search.extraction`` logger and return an empty text, so the page is still indexed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.utils import timezone

from om_pages.attachments import AttachmentSearchMixin
from search import sandbox, tasks
from search.models import ExtractedText, ExtractionStatus
from search.parsing import (
    EXTRACTOR_VERSION,
    ExtractionError,
    archive_limits,
    check_archive_limits,
    extractor_for,
    parse_counter,
    sha256,
)

__all__ = ["ExtractionError", "parse_counter", "sha256"]  # read by the tests

logger = logging.getLogger("search.extraction")


def extract_limited(data: bytes, filename: str) -> str:
    """Parse ``data`` in a child process under CPU-time and memory limits (search/sandbox.py).

    Raises ``ExtractionError`` with a German reason naming the limit that was hit.
    """
    extractor = extractor_for(filename)
    if extractor is None:
        raise ExtractionError(f"unbekannter Dateityp „{PurePath(filename).suffix or filename}“")
    limits = archive_limits()
    check_archive_limits(data, extractor.file_type, limits)  # cheap: no child for a bomb
    parse_counter[extractor.file_type] += 1
    try:
        return sandbox.run(
            data, filename,
            cpu_seconds=int(getattr(settings, "OM_EXTRACTION_MAX_CPU_SECONDS", sandbox.DEFAULT_CPU_SECONDS)),
            memory_bytes=int(getattr(settings, "OM_EXTRACTION_MAX_MEMORY_BYTES",
                                     sandbox.DEFAULT_MEMORY_BYTES)),
            archive_limits=limits,
        )
    except sandbox.SandboxFailure as failure:
        raise ExtractionError(str(failure)) from failure


def _file_type(filename: str) -> str:
    extractor = extractor_for(filename)
    return extractor.file_type if extractor else PurePath(filename).suffix.lstrip(".")[:16]


def current_row(digest: str):
    """The ``ExtractedText`` row of a file version, or None."""
    return ExtractedText.objects.filter(sha256=digest).first()


def is_current(row) -> bool:
    return (row is not None and row.status != ExtractionStatus.PENDING
            and row.extractor_version >= EXTRACTOR_VERSION)


def cached_extraction(data: bytes, filename: str):
    """The ``ExtractedText`` row for ``data``, parsing it (limited) only if no current row exists.

    Runs the parser in this call: for the extraction task and management commands, never
    for a web request. A failure is logged (logger ``search.extraction``) and stored with
    status failed, ``ok=False`` and the German reason.
    """
    digest = sha256(data)
    row = current_row(digest)
    if is_current(row):
        return row
    try:
        text, status, error = extract_limited(data, filename), ExtractionStatus.OK, ""
    except ExtractionError as failure:
        text, status, error = "", ExtractionStatus.FAILED, str(failure)[:500]
        logger.warning("Anhang „%s“ übersprungen: %s", filename, error,
                       extra={"file_name": filename, "sha256": digest})
    row, _ = ExtractedText.objects.update_or_create(
        sha256=digest,
        defaults={"file_type": _file_type(filename), "file_name": PurePath(filename).name[:255],
                  "text": text, "status": status, "ok": status == ExtractionStatus.OK,
                  "error": error, "extractor_version": EXTRACTOR_VERSION},
    )
    return row


def cached_text(data: bytes, filename: str) -> str:
    """The text of ``data``, parsed at most once per file version (SHA-256); "" on failure."""
    row = cached_extraction(data, filename)
    return row.text if row.ok else ""


def read_document(document) -> bytes | None:
    """The bytes of a document's file, or None (logged) when it is missing."""
    name = document.file.name or ""
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError) as error:
        logger.warning("Anhang „%s“ übersprungen: Datei fehlt (%s)", name, error,
                       extra={"file_name": name})
        return None


#: (path, size, mtime) → SHA-256 of files on the local disk, so re-indexing, the editor's
#: hint and ``update_index`` do not hash an unchanged 20 MB file again and again.
_digests: OrderedDict[tuple, str] = OrderedDict()
_DIGESTS_KEPT = 1024


def document_digest(document) -> str | None:
    """SHA-256 of a document's file, streamed (no copy in memory); None (logged) if missing."""
    name = document.file.name or ""
    key = None
    try:
        path = document.file.storage.path(name)
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
    except (NotImplementedError, OSError, ValueError):
        pass  # not on the local disk (or gone: the open below says so)
    if key is not None and key in _digests:
        _digests.move_to_end(key)
        return _digests[key]
    try:
        with document.file.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, ValueError) as error:
        logger.warning("Anhang „%s“ übersprungen: Datei fehlt (%s)", name, error,
                       extra={"file_name": name})
        return None
    if key is not None:
        _digests[key] = digest
        while len(_digests) > _DIGESTS_KEPT:
            _digests.popitem(last=False)
    return digest


def is_protected(document) -> bool:
    collection = getattr(document, "collection", None)
    return collection is not None and collection.get_view_restrictions().exists()


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
