"""Keep attachment text current: a document whose file changes re-indexes the pages using it."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index

logger = logging.getLogger("search")


def pages_using_document(document):
    """The (specific) pages that use a document, found through Wagtail's reference index,
    so the search app needs no om_pages import."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (ReferenceIndex.get_references_to(document)
                .filter(base_content_type=page_type).values_list("object_id", flat=True))
    return Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).specific()


def reindex_pages_using_document(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    if created or raw:
        return
    for page in pages_using_document(instance):
        index.insert_or_update_object(page)


def connect() -> None:
    post_save.connect(reindex_pages_using_document, sender=get_document_model(),
                      dispatch_uid="om_search_reindex_pages_using_document")
