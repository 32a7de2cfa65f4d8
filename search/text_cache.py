"""The cache of attached files' text (R19): one ``ExtractedText`` row per file version.

Hashing a document's file also records its digest in ``DocumentDigest``, so the search
result page finds the text of every attachment without opening a file (issue 18).

The text of a file version is stored once under the SHA-256 of its bytes, so re-indexing never
parses an unchanged file again. Parsing (``search/parsing.py``) runs in a child process under
CPU-time and memory limits (``search/sandbox.py``). This module reads and fills the cache; the
extraction task (``search/tasks.py``) and the indexing path (``search/extraction.py``, which
queues the task) both build on it, so neither imports the other's module in a circle.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from pathlib import PurePath

from django.conf import settings

from search import sandbox
from search.models import DocumentDigest, ExtractedText, ExtractionStatus
from search.parsing import (
    EXTRACTOR_VERSION,
    ExtractionError,
    archive_limits,
    check_archive_limits,
    extractor_for,
    parse_counter,
    sha256,
)

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
    """SHA-256 of a document's file, streamed (no copy in memory); None (logged) if missing.

    The digest is recorded in ``DocumentDigest`` (:func:`remember_digest`); a missing file
    removes the record, so the result page shows no text of it either.
    """
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
        digest = _digests[key]
    else:
        try:
            with document.file.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except (OSError, ValueError) as error:
            logger.warning("Anhang „%s“ übersprungen: Datei fehlt (%s)", name, error,
                           extra={"file_name": name})
            forget_digest(document)
            return None
        if key is not None:
            _digests[key] = digest
            while len(_digests) > _DIGESTS_KEPT:
                _digests.popitem(last=False)
    remember_digest(document, digest, key[1] if key is not None else None)
    return digest


def remember_digest(document, digest: str, size: int | None = None) -> None:
    """Record ``digest`` as the digest of the document's current file (``DocumentDigest``).

    One read when nothing changed (the common case when a page is indexed again), a write
    otherwise. The result page trusts a row only while ``file_name`` is the document's file.
    """
    if document.pk is None:
        return
    name = (document.file.name or "")[:255]
    if DocumentDigest.objects.filter(document_id=document.pk, sha256=digest, file_name=name).exists():
        return
    DocumentDigest.objects.update_or_create(
        document_id=document.pk, defaults={"sha256": digest, "file_name": name, "file_size": size})


def forget_digest(document) -> None:
    """No digest for a document whose file is gone: no snippet from it either."""
    if document.pk is not None:
        DocumentDigest.objects.filter(document_id=document.pk).delete()


def is_protected(document) -> bool:
    collection = getattr(document, "collection", None)
    return collection is not None and collection.get_view_restrictions().exists()
