"""Text of attached files (PDF, DOCX, ODT, TXT, Markdown) for the search index (R19).

One small extractor class per format, chosen by a registry of file extensions. The text of
a file version is stored once in ``ExtractedText`` under the SHA-256 of its bytes, so
re-indexing never parses an unchanged file again. A broken or encrypted file raises
``ExtractionError`` inside this module; the public functions log it on the
``search.extraction`` logger and return an empty text, so the page is still indexed.

Archives over the limits of ``om_pages/archives.py`` are refused before any
parser opens them; parsing runs in a child process under CPU-time and memory limits
(``search/sandbox.py``), inside the extraction task of the worker (``search/tasks.py``),
never in a web request: ``document_text`` (the indexing path) only reads the cache and
queues what is missing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import zipfile
from collections import Counter, OrderedDict
from pathlib import PurePath
from typing import ClassVar

from om_pages import archives
from search import sandbox

logger = logging.getLogger("search.extraction")

#: Bump when an extractor changes its output; older cache rows are then re-parsed.
EXTRACTOR_VERSION = 1
#: Longest text kept per file; the rest adds little to search and bloats the index.
MAX_TEXT_CHARS = 500_000

#: How often a parser really ran, per file type ("pdf", "docx", …). Tests read it to prove
#: that the cache spares a second parse.
parse_counter: Counter[str] = Counter()


class ExtractionError(Exception):
    """A file whose text cannot be read (broken, encrypted, unknown type)."""


class Extractor:
    """Turns the bytes of one file format into plain text."""

    file_type: ClassVar[str] = ""
    extensions: ClassVar[tuple[str, ...]] = ()

    def extract(self, data: bytes) -> str:
        raise NotImplementedError


class PdfExtractor(Extractor):
    file_type = "pdf"
    extensions = ("pdf",)

    def extract(self, data: bytes) -> str:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                # An empty user password opens "protected against editing" PDFs; real
                # encryption stays closed to us.
                try:
                    opened = reader.decrypt("")
                except Exception as error:  # pypdf raises several kinds here
                    raise ExtractionError(f"verschlüsselte PDF-Datei ({error})") from error
                if not opened:
                    raise ExtractionError("verschlüsselte PDF-Datei")
            return "\n".join((page.extract_text() or "") for page in reader.pages)
        except ExtractionError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
            raise ExtractionError(f"PDF nicht lesbar ({error})") from error


class DocxExtractor(Extractor):
    file_type = "docx"
    extensions = ("docx",)

    def extract(self, data: bytes) -> str:
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise ExtractionError(f"DOCX nicht lesbar ({error})") from error
        except Exception as error:  # python-docx wraps some failures in its own classes
            raise ExtractionError(f"DOCX nicht lesbar ({error})") from error
        lines = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(lines)


class OdtExtractor(Extractor):
    file_type = "odt"
    extensions = ("odt",)

    def extract(self, data: bytes) -> str:
        from odf import teletype, text
        from odf.opendocument import load

        try:
            document = load(io.BytesIO(data))
        except Exception as error:  # odfpy raises zip, XML and key errors alike
            raise ExtractionError(f"ODT nicht lesbar ({error})") from error
        lines = []
        for element in document.text.childNodes:
            if element.qname[1] in {"h", "p", "list", "table", "section"}:
                lines.append(teletype.extractText(element))
        if not lines:  # unusual structure: fall back to all paragraphs
            lines = [teletype.extractText(p) for p in document.getElementsByType(text.P)]
        return "\n".join(lines)


class PlainTextExtractor(Extractor):
    file_type = "txt"
    extensions = ("txt", "md", "markdown", "text")

    def extract(self, data: bytes) -> str:
        if b"\x00" in data[:4096]:
            raise ExtractionError("keine Textdatei (Binärdaten)")
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")


EXTRACTORS: dict[str, Extractor] = {}


def register(extractor: Extractor) -> Extractor:
    """Add an extractor for its file extensions (later registrations win)."""
    for extension in extractor.extensions:
        EXTRACTORS[extension] = extractor
    return extractor


for _extractor in (PdfExtractor(), DocxExtractor(), OdtExtractor(), PlainTextExtractor()):
    register(_extractor)


def supported_extensions() -> list[str]:
    return sorted(EXTRACTORS)


def extractor_for(filename: str) -> Extractor | None:
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return EXTRACTORS.get(extension)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Drop control characters and runs of blank lines; cap the length."""
    text = _CONTROL.sub(" ", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip()[:MAX_TEXT_CHARS]


#: File types that are ZIP archives: checked against the archive limits before parsing.
ARCHIVE_TYPES = frozenset({"docx", "odt", "xlsx"})


def _archive_limits():
    """The archive limits from the settings, or the defaults outside Django (the child)."""
    try:
        return archives.limits_from_settings()
    except Exception:  # settings not configured: the sandbox child gets them passed in
        return archives.ArchiveLimits()


def check_archive_limits(data: bytes, file_type: str, limits=None) -> None:
    """Refuse a zip bomb before any parser opens it; raises ``ExtractionError``.

    Reads only the archive's directory, so a bomb already stored (imported by
    ``import_protokolle``, restored from a backup, uploaded before the upload check) costs
    nothing here.
    """
    if file_type not in ARCHIVE_TYPES:
        return
    try:
        archives.check_archive(io.BytesIO(data), limits or _archive_limits(), packed_size=len(data))
    except archives.ArchiveLimitExceeded as error:
        raise ExtractionError(str(error)) from error


def extract_bytes(data: bytes, filename: str, archive_limits=None) -> str:
    """Parse ``data`` now, in this process, without the cache; raises ``ExtractionError``.

    Archives are checked against the archive limits first. Only the sandbox child and
    tests call this directly; everything else goes through ``extract_limited``.
    """
    extractor = extractor_for(filename)
    if extractor is None:
        raise ExtractionError(f"unbekannter Dateityp „{PurePath(filename).suffix or filename}“")
    check_archive_limits(data, extractor.file_type, archive_limits)
    parse_counter[extractor.file_type] += 1
    try:
        return clean_text(extractor.extract(data))
    except ExtractionError:
        raise
    except RecursionError as error:  # deeply nested XML or PDF objects
        raise ExtractionError("Datei zu tief verschachtelt") from error


def extract_limited(data: bytes, filename: str) -> str:
    """Parse ``data`` in a child process under CPU-time and memory limits (search/sandbox.py).

    Raises ``ExtractionError`` with a German reason naming the limit that was hit.
    """
    from django.conf import settings

    extractor = extractor_for(filename)
    if extractor is None:
        raise ExtractionError(f"unbekannter Dateityp „{PurePath(filename).suffix or filename}“")
    limits = _archive_limits()
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
    from search.models import ExtractedText

    return ExtractedText.objects.filter(sha256=digest).first()


def is_current(row) -> bool:
    from search.models import ExtractionStatus

    return (row is not None and row.status != ExtractionStatus.PENDING
            and row.extractor_version >= EXTRACTOR_VERSION)


def cached_extraction(data: bytes, filename: str):
    """The ``ExtractedText`` row for ``data``, parsing it (limited) only if no current row exists.

    Runs the parser in this call: for the extraction task and management commands, never
    for a web request. A failure is logged (logger ``search.extraction``) and stored with
    status failed, ``ok=False`` and the German reason.
    """
    from search.models import ExtractedText, ExtractionStatus

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
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from search.models import ExtractedText, ExtractionStatus
    from search.tasks import extract_document_text

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
    extract_document_text.enqueue(document.pk)
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
    attached = getattr(page, "attached_documents", None)
    if attached is None:
        return []
    states = []
    for document in attached():
        if extractor_for(document.file.name or "") is None or is_protected(document):
            continue
        digest = document_digest(document)
        states.append((document, current_row(digest) if digest is not None else None))
    return states
