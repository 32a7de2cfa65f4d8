"""Hook for the text of attached documents, so om_pages needs no import of the search app.

``settings.OM_ATTACHMENT_TEXT_EXTRACTOR`` names a function ``(document) -> str`` by dotted
path (``search.extraction.document_text`` in cms/settings.py). Without the setting, pages
index no attachment text. See docs/architecture.md, "Attachment text hook".
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=8)
def _extractor(path: str):
    return import_string(path)


def document_text(document) -> str:
    """The searchable text of one Wagtail document ("" if none can be had)."""
    path = getattr(settings, "OM_ATTACHMENT_TEXT_EXTRACTOR", "")
    if not path or document is None:
        return ""
    return _extractor(path)(document) or ""
