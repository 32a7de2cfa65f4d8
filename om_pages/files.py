"""Files follow the page they belong to (R19, R11).

A Fachgruppe presents its work and its minutes on the OM homepage and maintains its pages
itself (R19); what a page does not show, its files must not show either. Three rules, each
built on Wagtail's own mechanisms:

* **Choosing** (``ReferencedFilesFormMixin`` in ``om_pages.forms``): a page or snippet form
  accepts a newly referenced document or image only from a collection the user may choose
  from (Wagtail's ``choose`` permission per collection), whatever id was posted.
* **Serving** (``may_download``, called by the ``before_serve_document`` hook in
  ``om_pages.wagtail_hooks``): a document is served to everyone only when a live page that the
  public may see (no unpublished ancestor) uses it in its *published* content and the request
  passes that page's view restrictions. Otherwise only to users who may edit a page using it
  (its published content or its newest draft), to users a ``om_may_download_document`` hook
  admits (the workflow admits the bodies deciding an open Vorgang of such a page), and, for a
  document no page uses, to users with a permission on its collection.
* **Indexing** (``reindex_collection``): a collection view restriction keeps the text of its
  documents out of the public index (``search.extraction.document_text``); saving or deleting
  one re-indexes the pages using its documents at once.

Which pages use a document comes from Wagtail's reference index (``ReferenceIndex``), which
holds the references of each page *row*: the published content of a live page, the first
content of a page never published. Draft revisions are not in it; they are looked at only for
signed-in users, and only the newest revision of pages with unpublished changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents import get_permission_policy as document_policy
from wagtail.images import get_image_model
from wagtail.images import get_permission_policy as image_policy
from wagtail.models import Collection, Page, ReferenceIndex, Revision
from wagtail.search import index

#: Name of the hook other apps register to admit more readers of a non-public document:
#: ``fn(document, pages, user) -> bool`` with the pages using it (published or newest draft).
READER_HOOK = "om_may_download_document"

#: Actions on a collection that let a user see the documents in it (admin API, downloads).
SEEING_ACTIONS = ("add", "change", "choose")


# --- which files an object references ----------------------------------------------------------


def file_models() -> tuple[type, type]:
    return get_document_model(), get_image_model()


def policy_for(model):
    return document_policy() if issubclass(model, get_document_model()) else image_policy()


def field_references(model, name: str, value) -> Iterator[tuple[type, int]]:
    """(file model, pk) for each document or image the value of ``model.name`` refers to.

    Foreign keys to a document or image, and anything a field can extract references from
    (rich text links and embeds, StreamField blocks) the way Wagtail's reference index does.
    """
    try:
        field = model._meta.get_field(name)
    except Exception:  # a form field that is no model field (e.g. comments, tags)
        return
    if value is None or value == "":
        return
    documents, images = file_models()
    if getattr(field, "many_to_one", False) and field.related_model is not None:
        for file_model in (documents, images):
            if issubclass(field.related_model, file_model):
                yield file_model, int(getattr(value, "pk", value))
        return
    if hasattr(field, "extract_references"):
        for to_model, to_pk, _model_path, _content_path in field.extract_references(value):
            for file_model in (documents, images):
                if isinstance(to_model, type) and issubclass(to_model, file_model):
                    try:
                        yield file_model, int(to_pk)
                    except (TypeError, ValueError):
                        continue


def object_references(obj, child_relations: Iterable[str] = ()) -> set[tuple[type, int]]:
    """Files referenced by an object's fields and by the children of ``child_relations``."""
    found: set[tuple[type, int]] = set()
    model = type(obj)
    for field in model._meta.concrete_fields:
        found.update(field_references(model, field.name, field.value_from_object(obj)))
    for relation in child_relations:
        manager = getattr(obj, relation, None)
        if manager is None:
            continue
        for child in manager.all():
            found.update(object_references(child))
    return found


def uses_document(obj, document) -> bool:
    """Does this page object (e.g. built from a revision) reference ``document``?"""
    from modelcluster.models import get_all_child_relations

    relations = [r.get_accessor_name() for r in get_all_child_relations(obj)]
    return (get_document_model(), document.pk) in object_references(obj, relations)


def choosable_ids(user, model, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` the user may choose (Wagtail's ``choose`` permission; superusers all)."""
    ids = set(ids)
    if not ids:
        return set()
    allowed = policy_for(model).instances_user_has_any_permission_for(user, ["choose"])
    return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))


# --- which pages use a document ------------------------------------------------------------------


def _page_ids_in_reference_index(document) -> set[int]:
    page_type = ContentType.objects.get_for_model(Page)
    ids = (ReferenceIndex.get_references_to(document)
           .filter(base_content_type=page_type).values_list("object_id", flat=True))
    return {int(pk) for pk in ids}


def published_users(document) -> list[Page]:
    """Pages whose stored row references the document (live pages: their published content)."""
    return list(Page.objects.filter(pk__in=_page_ids_in_reference_index(document)).specific())


def draft_users(document) -> list[Page]:
    """Pages whose newest draft (a revision not yet published) references the document.

    Only pages with unpublished changes are looked at, and of them only revisions whose
    JSON contains the digits of the document's id; each candidate is then checked exactly.
    """
    page_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.filter(
        base_content_type=page_type,
        pk__in=Page.objects.filter(has_unpublished_changes=True).values("latest_revision_id"),
    ).filter(content__icontains=str(document.pk))
    pages = []
    for revision in revisions:
        try:
            obj = revision.as_object()
        except Exception:  # a revision of a page type that no longer fits its JSON
            continue
        if uses_document(obj, document):
            pages.append(obj)
    return pages


def publicly_shown_by(pages: Iterable[Page], request) -> bool:
    """Does one of these (published) pages show the document to this request?

    Live, not below an unpublished page (the rule of ``om_pages.public``), and every view
    restriction on it or its ancestors lets the request pass: none does for the anonymous
    public; a login restriction admits any signed-in user, a password one who entered it.
    """
    for page in pages:
        if not page.live:
            continue
        if Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists():
            continue
        if all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
            return True
    return False


def may_edit_one(pages: Iterable[Page], user) -> bool:
    return any(page.permissions_for_user(user).can_edit() for page in pages)


def may_see_in_collection(document, user) -> bool:
    """A permission on the document's collection (add, change, choose; superusers all)."""
    collections = document_policy().collections_user_has_any_permission_for(user, SEEING_ACTIONS)
    return collections.filter(pk=document.collection_id).exists()


def may_download(document, request) -> bool:
    """The serving rule of this module's docstring (Wagtail still checks collection restrictions)."""
    published = published_users(document)
    if publicly_shown_by(published, request):
        return True
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or may_see_in_collection(document, user):
        return True
    if may_edit_one(published, user):
        return True
    published_ids = {page.pk for page in published}
    drafts = [page for page in draft_users(document) if page.pk not in published_ids]
    if may_edit_one(drafts, user):
        return True
    pages = published + drafts
    return any(fn(document, pages, user) for fn in hooks.get_hooks(READER_HOOK))


def visible_documents_for(user, queryset):
    """The admin API's documents: only those in collections the user may see."""
    collections = document_policy().collections_user_has_any_permission_for(user, SEEING_ACTIONS)
    return queryset.filter(collection__in=collections)


def visible_images_for(user, queryset):
    collections = image_policy().collections_user_has_any_permission_for(user, SEEING_ACTIONS)
    return queryset.filter(collection__in=collections)


# --- the public index follows collection restrictions ---------------------------------------------


def pages_using_documents_in(collection: Collection) -> list[Page]:
    """Pages whose stored content references a document of the collection or a sub-collection."""
    collections = collection.get_descendants(inclusive=True)
    documents = get_document_model().objects.filter(collection__in=collections)
    page_type = ContentType.objects.get_for_model(Page)
    document_type = ContentType.objects.get_for_model(get_document_model())
    document_ids = documents.annotate(key=Cast("pk", CharField())).values("key")  # one query
    ids = (ReferenceIndex.objects.filter(base_content_type=page_type, to_content_type=document_type,
                                         to_object_id__in=document_ids)
           .values_list("object_id", flat=True))
    return list(Page.objects.filter(pk__in={int(pk) for pk in ids}).specific())


def reindex_collection(sender, instance, raw: bool = False, **kwargs) -> None:
    """post_save/post_delete of a CollectionViewRestriction: the pages' attachment text follows."""
    if raw:
        return
    try:
        collection = Collection.objects.get(pk=instance.collection_id)
    except Collection.DoesNotExist:
        return
    for page in pages_using_documents_in(collection):
        index.insert_or_update_object(page)


def connect() -> None:
    """A document moved to another collection is re-indexed by ``search.signals`` already."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import CollectionViewRestriction

    for signal in (post_save, post_delete):
        signal.connect(reindex_collection, sender=CollectionViewRestriction,
                       dispatch_uid=f"om_pages.files.reindex_collection.{signal is post_save}")

