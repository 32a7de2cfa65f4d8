"""All texts one page of search results needs, loaded in a fixed number of queries (issue 18).

Before, the result page asked about five queries per hit (agenda items, attachment rows,
collection, its restrictions, cached text) and opened and hashed every attached file for
its snippet. Now, whatever the number of hits:

- the pages: one query, plus one per page type (``specific()``);
- per page type, one query per related field its ``search_fields`` index (agenda items)
  and per ``attachment_lookups()`` of ``AttachmentSearchMixin`` (attachments with their
  documents and collections);
- the view restrictions of collections: one query;
- the stored text of every attachment: one query, ``DocumentDigest`` (the digest recorded
  when the document was indexed) joined to ``ExtractedText`` (the text under that digest).

No file is opened. An attachment without a current digest row (never indexed since this
table exists: ``update_index`` fills it) has no text here; its page still has its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, OuterRef, Subquery, prefetch_related_objects
from modelsearch.index import RelatedFields
from wagtail.models import CollectionViewRestriction, Page

from om_pages.attachments import AttachmentSearchMixin
from search.models import DocumentDigest, ExtractedText
from search.parsing import extractor_for

#: (document, its stored text) for each attachment of a page whose text may be shown.
Attachments = list[tuple[object, str]]


def related_lookups(model: type[Model], fields=None, prefix: str = "") -> list[str]:
    """``prefetch_related`` lookups for the relations ``search_fields`` index
    (``RelatedFields``, nested ones too), which the snippet text walks for every hit."""
    lookups = []
    for field in model.get_search_fields() if fields is None else fields:
        if not isinstance(field, RelatedFields):
            continue
        try:
            relation = model._meta.get_field(field.field_name)
        except FieldDoesNotExist:
            continue  # a method or property: nothing to prefetch
        if not relation.is_relation or relation.related_model is None:
            continue
        lookup = prefix + field.field_name
        lookups.append(lookup)
        lookups += related_lookups(relation.related_model, field.fields, lookup + "__")
    return lookups


def specific_pages(pks: Iterable[int]) -> dict[int, Page]:
    """The specific pages of ``pks`` by pk, with their indexed relations and attachments
    prefetched per page type."""
    pages = Page.objects.filter(pk__in=list(pks)).specific().in_bulk()
    by_type: dict[type, list[Page]] = defaultdict(list)
    for page in pages.values():
        by_type[type(page)].append(page)
    for model, group in by_type.items():
        lookups: list = related_lookups(model)
        if issubclass(model, AttachmentSearchMixin):
            lookups += model.attachment_lookups()
        if lookups:
            prefetch_related_objects(group, *lookups)
    return pages


def _restricted_paths() -> tuple[str, ...]:
    """Paths of the collections with a view restriction; their sub-collections count too."""
    return tuple(CollectionViewRestriction.objects.values_list("collection__path", flat=True).distinct())


def _showable(document, restricted: tuple[str, ...]) -> bool:
    """Whether a document's text may appear in a public snippet: a type whose text is
    extracted, in no collection with a view restriction (R19)."""
    if extractor_for(document.file.name or "") is None:
        return False
    collection = getattr(document, "collection", None)
    return collection is None or not collection.path.startswith(restricted)


def stored_texts(documents: Iterable) -> dict[int, str]:
    """The stored text of each document's current file by document pk, in one query.

    A document without a digest row, with a row for another file (the file was replaced
    and the page not yet indexed again), or whose text is not (yet) extracted is left out.
    """
    by_pk = {document.pk: document for document in documents}
    if not by_pk:
        return {}
    text = ExtractedText.objects.filter(sha256=OuterRef("sha256"), ok=True).values("text")[:1]
    rows = (DocumentDigest.objects.filter(document_id__in=list(by_pk))
            .annotate(text=Subquery(text)).values_list("document_id", "file_name", "text"))
    return {pk: value for pk, name, value in rows
            if value and name == (by_pk[pk].file.name or "")[:255]}


def attachment_texts(pages: Iterable[Page]) -> dict[int, Attachments]:
    """For each page with attachments, (document, stored text) in the page's order; a
    document in a restricted collection or without stored text is left out (R19)."""
    if not getattr(settings, "OM_ATTACHMENT_TEXT_EXTRACTOR", ""):
        return {}  # attachments are not indexed, so they give no snippet either
    attached = {page.pk: page.attached_documents() for page in pages
                if isinstance(page, AttachmentSearchMixin)}
    documents = [document for documents in attached.values() for document in documents]
    if not documents:
        return {}
    restricted = _restricted_paths()
    texts = stored_texts(document for document in documents if _showable(document, restricted))
    return {pk: [(document, texts[document.pk]) for document in documents if document.pk in texts]
            for pk, documents in attached.items()}
