"""Parsing attached files (PDF, DOCX, ODT, TXT, Markdown) into plain text.

One small extractor class per format, chosen by a registry of file extensions; a broken or
encrypted file raises ``ExtractionError``. Archives over the limits of
``om_pages/archives.py`` are refused before any parser opens them. Parsers are imported
only when a file of their type is parsed.

This module needs no Django setup: the extraction child process (``search/sandbox.py``)
imports it. The cache, the queue and the limits of the parent are ``search/extraction.py``.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from pathlib import PurePath
from typing import ClassVar

from om_pages import archives

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


def archive_limits():
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
        archives.check_archive(io.BytesIO(data), limits or archive_limits(), packed_size=len(data))
    except archives.ArchiveLimitExceeded as error:
        raise ExtractionError(str(error)) from error


def extract_bytes(data: bytes, filename: str, archive_limits=None) -> str:
    """Parse ``data`` now, in this process, without the cache; raises ``ExtractionError``.

    Archives are checked against the archive limits first. Only the sandbox child and
    tests call this directly; everything else goes through
    ``search.extraction.extract_limited``.
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
