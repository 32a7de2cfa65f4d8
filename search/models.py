"""Stored results of attachment text extraction, file digests, and legacy imports."""

from __future__ import annotations

from django.db import models


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", "wird ausgelesen"
    OK = "ok", "ausgelesen"
    FAILED = "failed", "nicht auslesbar"


class ExtractedText(models.Model):
    """Text of one file version, keyed by the SHA-256 of its bytes.

    Re-indexing a page looks the text up here, so an unchanged file is never parsed twice.
    A failed extraction is stored too (``status`` failed, ``ok=False``, the German reason in
    ``error``), so a broken file is not re-parsed on every index run either, and the editor
    is told why; a newer ``extractor_version`` makes old rows stale. A row
    ``pending`` stands for a queued extraction task (the worker fills it in).
    """

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    file_type = models.CharField("Dateityp", max_length=16)
    file_name = models.CharField("Dateiname", max_length=255, blank=True)
    status = models.CharField("Status", max_length=16, choices=ExtractionStatus.choices,
                              default=ExtractionStatus.OK)
    text = models.TextField("Text", blank=True)
    ok = models.BooleanField("Erfolgreich", default=True)
    error = models.CharField("Grund", max_length=500, blank=True)
    extractor_version = models.PositiveIntegerField("Version des Extraktors", default=1)
    created_at = models.DateTimeField("Angelegt", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert", auto_now=True)

    class Meta:
        verbose_name = "Extrahierter Text"
        verbose_name_plural = "Extrahierte Texte"

    def __str__(self) -> str:
        return f"{self.file_type} {self.sha256[:12]}"


class DocumentDigest(models.Model):
    """The SHA-256 of a Wagtail document's file, recorded when the document is indexed.

    The search result page finds an attachment's text (``ExtractedText``, keyed by the
    digest) through this row, for all hits in one query, without opening or hashing the
    file in the request (issue 18). The row is written by ``search.text_cache.document_digest``
    on the indexing path (publishing, the extraction task, ``update_index``); a row whose
    ``file_name`` is not the document's current file is stale and not used. No row means no
    snippet from that attachment.
    """

    document = models.OneToOneField(
        "wagtaildocs.Document", verbose_name="Dokument", on_delete=models.CASCADE,
        primary_key=True, related_name="+",
    )
    file_name = models.CharField("Datei", max_length=255)
    file_size = models.PositiveBigIntegerField("Größe in Bytes", null=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    updated_at = models.DateTimeField("Geändert", auto_now=True)

    class Meta:
        verbose_name = "Prüfsumme eines Dokuments"
        verbose_name_plural = "Prüfsummen der Dokumente"

    def __str__(self) -> str:
        return f"{self.file_name} {self.sha256[:12]}"


class ImportedFile(models.Model):
    """A legacy file brought in by ``import_protokolle``; its hash makes the import idempotent."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    source_name = models.CharField("Dateiname", max_length=255)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="Seite", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="Dokument", null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    imported_at = models.DateTimeField("Importiert am", auto_now_add=True)

    class Meta:
        verbose_name = "Importierte Datei"
        verbose_name_plural = "Importierte Dateien"

    def __str__(self) -> str:
        return self.source_name


class SpellingWord(models.Model):
    """A word as written in live pages, with its folded form and how many live pages have it.

    "Meinten Sie …?" on the PostgreSQL search backend looks words up here (a trigram index on
    ``folded``, migration 0005) instead of splitting the text of every page with a similar
    word (issue 18). Only words of live pages are counted, never those of drafts or
    unpublished pages (R19); kept by the backend's writes (``search.backends.pg_spelling``).
    Empty and unused on the other backends.
    """

    word = models.CharField("Wort", max_length=64, primary_key=True)
    folded = models.CharField("Gefaltete Form", max_length=64, db_index=True)
    pages = models.IntegerField("Seiten", default=0)

    class Meta:
        verbose_name = "Wort der Rechtschreibhilfe"
        verbose_name_plural = "Wörter der Rechtschreibhilfe"

    def __str__(self) -> str:
        return f"{self.word} ({self.pages})"


class SpellingDocument(models.Model):
    """The words one indexed object adds to ``SpellingWord``, one ``written_form_term`` a line.

    A re-indexed, unpublished or deleted page takes back exactly what it added: the page
    counts change by the difference, whatever the page's state was when it was counted.
    Keyed like modelsearch's index entries (content type and object id).
    """

    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name="Inhaltstyp",
                                     on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField("Objekt", max_length=50)
    forms = models.TextField("Wörter", blank=True)

    class Meta:
        verbose_name = "Wörter einer Seite (Rechtschreibhilfe)"
        verbose_name_plural = "Wörter der Seiten (Rechtschreibhilfe)"
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               name="om_search_spelling_document_key")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
