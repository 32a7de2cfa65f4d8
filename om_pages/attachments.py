"""Attached files of pages in the public full-text search (R19).

``document_text`` is the hook for the text of one document, so om_pages needs no import of
the search app: ``settings.OM_ATTACHMENT_TEXT_EXTRACTOR`` names a function
``(document) -> str`` by dotted path (``search.extraction.document_text`` in
cms/settings.py). Without the setting, pages index no attachment text. See docs/search.md,
"Which imports are allowed".

``AttachmentSearchMixin`` is what a page type with files adds to be searched with them:
``attached_documents()``, ``attachment_texts()`` (per document), ``attachment_text()`` (all of
them, for the index), ``attachment_lookups()`` (prefetch for many pages at once: the search
result page, issue 18) and the search fields ``ATTACHMENT_SEARCH_FIELDS``.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db.models import Prefetch
from django.utils.module_loading import import_string
from wagtail.documents import get_document_model
from wagtail.search import index


@lru_cache(maxsize=8)
def _extractor(path: str):
    return import_string(path)


def document_text(document) -> str:
    """The searchable text of one Wagtail document ("" if none can be had)."""
    path = getattr(settings, "OM_ATTACHMENT_TEXT_EXTRACTOR", "")
    if not path or document is None:
        return ""
    return _extractor(path)(document) or ""


#: The search fields of the attachment text; the autocomplete field lets the search page
#: match prefixes (``arbeit*``) inside attachments too.
ATTACHMENT_SEARCH_FIELDS = [
    index.SearchField("attachment_text"),
    index.AutocompleteField("attachment_text"),
]


class AttachmentSearchMixin:
    """A page whose attached documents are found with it in the full-text search.

    Either name the page's document foreign keys in ``attachment_document_fields`` or
    override ``attached_documents()`` and ``attachment_lookups()`` together; add
    ``ATTACHMENT_SEARCH_FIELDS`` to ``search_fields``.
    Only what the page row holds is indexed and shown, so a draft's new file is not public
    before the draft is published (R11); the search re-checks live/public for every hit.
    """

    #: Names of foreign keys to a Wagtail document whose files are the page's attachments.
    attachment_document_fields: tuple[str, ...] = ()

    def attached_documents(self) -> list:
        documents = (getattr(self, name) for name in self.attachment_document_fields)
        return [document for document in documents if document is not None]

    @classmethod
    def attachment_lookups(cls) -> list[Prefetch]:
        """``prefetch_related`` lookups that load the attached documents of many pages of this
        type at once, each with its collection (whose view restrictions decide whether its
        text may be shown, R19), so ``attached_documents()`` then needs no query per page."""
        documents = get_document_model().objects.select_related("collection")
        return [Prefetch(name, queryset=documents) for name in cls.attachment_document_fields]

    def attachment_texts(self) -> list[tuple[object, str]]:
        """(document, its searchable text) for each attached document, in order.

        For the index: remembered on the instance for the same files (the index asks once per
        field); extracted once per file version anyway (the extractor's cache). The search
        page does not call it: it reads the stored texts of all hits at once.
        """
        documents = self.attached_documents()
        key = tuple((document.pk, document.file.name) for document in documents)
        cached = getattr(self, "_attachment_text_cache", None)
        if cached is None or cached[0] != key:
            cached = (key, [(document, document_text(document)) for document in documents])
            self._attachment_text_cache = cached
        return cached[1]

    def attachment_text(self) -> str:
        """Text of all attached documents for the search index."""
        return "\n\n".join(text for _, text in self.attachment_texts() if text)
