"""Uploaded documents are checked by their content, not by their name (R19).

A Fachgruppe's minutes and products are public records; what is attached to them must be
what it claims to be. ``validate_document_file`` recognises the allowed kinds from their
first bytes (and, for the ZIP-based office formats, from the archive's inner structure) and
demands that the file name's extension agrees. DOCX, ODT and XLSX are ZIP archives: their
unpacked size, member count and compression ratio are limited (``om_pages/archives.py``),
so a zip bomb never reaches the text extraction. It works on any file-like object, so the admin
form (``DocumentForm`` below, wired by ``WAGTAILDOCS_DOCUMENT_FORM_BASE``) and management
commands (e.g. an import of minutes) share one check.

Plain text (``.txt``, ``.md``) is accepted too, because minutes are imported from text files.
Decision: it is safe as long as it is real UTF-8 text without NUL bytes or other control
characters; Wagtail serves it as ``text/plain`` and ``SECURE_CONTENT_TYPE_NOSNIFF`` stops
browsers from sniffing HTML in it, so markup inside it is never executed.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm

from om_pages.archives import ArchiveLimitExceeded, check_archive, limits_from_settings

#: kind → the extensions a file of that kind may carry.
EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "docx": frozenset({"docx"}),
    "odt": frozenset({"odt"}),
    "xlsx": frozenset({"xlsx"}),
    "png": frozenset({"png"}),
    "jpeg": frozenset({"jpg", "jpeg"}),
    "text": frozenset({"txt", "md"}),
}
LABELS = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT", "xlsx": "XLSX", "png": "PNG", "jpeg": "JPEG",
          "text": "Text (UTF-8)"}
#: kinds that are ZIP archives: their unpacked size is limited too (om_pages/archives.py)
ARCHIVE_KINDS = frozenset({"docx", "odt", "xlsx"})
ALLOWED_TEXT = "PDF, DOCX, ODT, XLSX, PNG, JPEG und reiner Text (TXT, MD)"

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
#: control characters that plain text must not contain (tab, newlines and form feed are fine)
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _read_head(fileobj: IO[bytes], size: int = 64) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(0)
    return head


def _zip_kind(fileobj: IO[bytes]) -> str | None:
    """DOCX, XLSX or ODT by the archive's inner structure; None for any other ZIP."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE and "content.xml" in names:
                        return "odt"
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError):
        return None
    finally:
        fileobj.seek(0)


def _is_plain_text(fileobj: IO[bytes]) -> bool:
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    if isinstance(data, str):  # a text-mode file handed in by a command
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
    return _FORBIDDEN_CONTROL.search(text) is None


def detect_kind(fileobj: IO[bytes]) -> str | None:
    """The kind of document the content is (a key of ``EXTENSIONS``), or None if not allowed."""
    head = _read_head(fileobj)
    if isinstance(head, str):
        return "text" if _is_plain_text(fileobj) else None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(fileobj)
    if _is_plain_text(fileobj):
        return "text"
    return None


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def max_upload_bytes() -> int | None:
    return getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)


def validate_document_file(fileobj: IO[bytes], name: str | None = None) -> str:
    """Raise a German ``ValidationError`` unless the file is an allowed document; return its kind.

    ``name`` defaults to the file object's name; its extension must agree with the content.
    """
    name = name if name is not None else getattr(fileobj, "name", "") or ""
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
    if not size:
        raise ValidationError("Die Datei ist leer.", code="empty")
    limit = max_upload_bytes()
    if limit is not None and size > limit:
        raise ValidationError(
            "Die Datei ist zu groß (%(size)s). Erlaubt sind höchstens %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    kind = detect_kind(fileobj)
    if kind is None:
        raise ValidationError(
            "Dieser Dateiinhalt ist nicht erlaubt. Erlaubt sind %(allowed)s.",
            code="invalid_content", params={"allowed": ALLOWED_TEXT},
        )
    extension = _extension(name)
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(
            "Die Dateiendung „.%(extension)s“ passt nicht zum Inhalt (erkannt: %(kind)s). "
            "Bitte die Datei mit der passenden Endung (%(expected)s) hochladen.",
            code="extension_mismatch",
            params={
                "extension": extension or "(keine)",
                "kind": LABELS[kind],
                "expected": ", ".join(f".{ext}" for ext in sorted(EXTENSIONS[kind])),
            },
        )
    if kind in ARCHIVE_KINDS:
        try:
            check_archive(fileobj, limits_from_settings(), packed_size=size)
        except ArchiveLimitExceeded as error:
            raise ValidationError(error.message, code=error.code, params=error.params) from error
    return kind


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form plus the content check (``WAGTAILDOCS_DOCUMENT_FORM_BASE``).

    Used by every document upload of the admin: the documents area, the multiple upload and
    the upload tab of the chooser on Protokolle and Produkte. On rejection only the file field
    carries an error; title, tags and collection keep what was entered.
    """

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # a new upload; an unchanged file was checked before
            validate_document_file(file, file.name)
        return file
