"""Text of attached files (PDF, DOCX, ODT, TXT, Markdown) for the search index (issue #4, R19).

One small extractor class per format, chosen by a registry of file extensions. The text of
a file version is stored once in ``ExtractedText`` under the SHA-256 of its bytes, so
re-indexing never parses an unchanged file again. A broken or encrypted file raises
``ExtractionError`` inside this module; the public functions log it on the
``search.extraction`` logger and return an empty text, so the page is still indexed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from collections import Counter
from pathlib import PurePath
from typing import ClassVar

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


def extract_bytes(data: bytes, filename: str) -> str:
    """Parse ``data`` now, without the cache; raises ``ExtractionError`` if it cannot."""
    extractor = extractor_for(filename)
    if extractor is None:
        raise ExtractionError(f"unbekannter Dateityp „{PurePath(filename).suffix or filename}“")
    parse_counter[extractor.file_type] += 1
    try:
        return clean_text(extractor.extract(data))
    except ExtractionError:
        raise
    except RecursionError as error:  # deeply nested XML or PDF objects
        raise ExtractionError("Datei zu tief verschachtelt") from error


def cached_extraction(data: bytes, filename: str):
    """The ``ExtractedText`` row for ``data``, parsing it only if no current row exists.

    A failure is logged (logger ``search.extraction``) and stored with ``ok=False``.
    """
    from search.models import ExtractedText

    digest = sha256(data)
    row = ExtractedText.objects.filter(sha256=digest).first()
    if row is not None and row.extractor_version >= EXTRACTOR_VERSION:
        return row
    extractor = extractor_for(filename)
    file_type = extractor.file_type if extractor else PurePath(filename).suffix.lstrip(".")[:16]
    try:
        text, ok, error = extract_bytes(data, filename), True, ""
    except ExtractionError as failure:
        text, ok, error = "", False, str(failure)[:500]
        logger.warning("Anhang „%s“ übersprungen: %s", filename, error,
                       extra={"file_name": filename, "sha256": digest})
    row, _ = ExtractedText.objects.update_or_create(
        sha256=digest,
        defaults={"file_type": file_type, "text": text, "ok": ok, "error": error,
                  "extractor_version": EXTRACTOR_VERSION},
    )
    return row


def cached_text(data: bytes, filename: str) -> str:
    """The text of ``data``, parsed at most once per file version (SHA-256); "" on failure."""
    row = cached_extraction(data, filename)
    return row.text if row.ok else ""


def document_text(document) -> str:
    """Text of a Wagtail document, or "" when the file is missing, unknown, unreadable or
    in a collection with a view restriction (R19: each group's own collection).

    This is the function ``settings.OM_ATTACHMENT_TEXT_EXTRACTOR`` names for om_pages.
    """
    name = document.file.name or ""
    if extractor_for(name) is None:
        return ""
    collection = getattr(document, "collection", None)
    if collection is not None and collection.get_view_restrictions().exists():
        # The file itself is protected; its text must not reach the public index or snippets.
        logger.info("Anhang „%s“ nicht indexiert: Sammlung mit Zugriffsbeschränkung", name)
        return ""
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError) as error:
        logger.warning("Anhang „%s“ übersprungen: Datei fehlt (%s)", name, error,
                       extra={"file_name": name})
        return ""
    try:
        return cached_text(data, name)
    except Exception:  # never let one attachment stop a page from being indexed
        logger.exception("Anhang „%s“ übersprungen: unerwarteter Fehler", name,
                         extra={"file_name": name})
        return ""
