"""The extraction task: attachment text is read by the worker, never in a web request.

``extract_document_text`` runs on the task backend ``OM_EXTRACTION_TASK_BACKEND`` (alias
``extraction`` in ``settings.TASKS``): the database backend of ``django-tasks-db`` in
production, with ``manage.py db_worker --backend extraction`` beside gunicorn (``make
serve``); the immediate backend in the tests. Several web hosts share one queue through the
database; any worker may take a task.

The task reads the document's file, extracts its text in the limited child process
(``search.text_cache.cached_extraction``), stores it (or the German reason of the failure)
in ``ExtractedText`` under the file's SHA-256, then re-indexes the pages that use the
document, so their attachment text becomes searchable.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task
from wagtail.documents import get_document_model
from wagtail.search import index

from search import text_cache
from search.parsing import extractor_for
from search.signals import pages_using_document

logger = logging.getLogger("search.extraction")

EXTRACTION_BACKEND = getattr(settings, "OM_EXTRACTION_TASK_BACKEND", "extraction")


@task(backend=EXTRACTION_BACKEND)
def extract_document_text(document_id: int) -> dict:
    """Extract, store and re-index; returns the outcome for the task's result row."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return {"status": "gone"}
    name = document.file.name or ""
    if extractor_for(name) is None or text_cache.is_protected(document):
        return {"status": "skipped"}
    data = text_cache.read_document(document)
    if data is None:
        return {"status": "missing"}
    row = text_cache.cached_extraction(data, name)
    del data
    reindexed = 0
    if row.ok:
        for page in pages_using_document(document):
            index.insert_or_update_object(page)
            reindexed += 1
    return {"status": row.status, "sha256": row.sha256, "error": row.error, "reindexed": reindexed}
