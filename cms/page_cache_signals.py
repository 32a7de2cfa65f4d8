"""Invalidate the anonymous page cache on every change that can alter public output (issue 18).

Generous on purpose (R19: a withdrawn or restricted page must disappear at once): any save,
delete or many-to-many change of a model of the apps whose data the public pages and feeds
show (pages, Protokolle, Sitzungen and decisions of the workflow, group status, persons and
organisations), of Wagtail's core (pages, view restrictions, collections and their restrictions,
sites, locales), documents, images, redirects and embeds; Wagtail's publish, unpublish and move
signals; and treebeard's signals for moves and deletes done by bulk queries (page and
collection trees). Only rows that never show publicly and change often are left out (log
entries, the reference index, image renditions made while rendering a page).

Each change bumps the generation at once (the next anonymous request renders afresh, also
inside a test's transaction) and once more when the outermost transaction commits, so a page
rendered between the change and the commit, from the data of before, is not kept.
Writes by ``QuerySet.update()`` send no signal; the entries then live at most
``OM_PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from treebeard.mp_tree import nodes_deleted, path_updated
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.page_cache import bump_generation

PUBLIC_APPS = {
    "om_pages", "workflow", "wagtailcore", "wagtaildocs", "wagtailimages", "wagtailredirects",
    "wagtailembeds", "taggit",
}
IGNORED_MODELS = {
    "wagtailcore.pagelogentry", "wagtailcore.modellogentry", "wagtailcore.referenceindex",
    "wagtailcore.pagesubscription", "wagtailcore.uploadedfile", "wagtailimages.rendition",
}


def _bump_after_commit() -> None:
    bump_generation()


def invalidate(**_kwargs) -> None:
    """Bump now, and once more when the surrounding transaction commits."""
    bump_generation()
    if connection.in_atomic_block and not any(
        callback is _bump_after_commit for _savepoints, callback, *_rest in connection.run_on_commit
    ):
        transaction.on_commit(_bump_after_commit)


def _shows_publicly(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.app_label in PUBLIC_APPS and meta.label_lower not in IGNORED_MODELS


def on_model_change(sender, raw: bool = False, **kwargs) -> None:
    if _shows_publicly(sender):
        invalidate()


def on_m2m_change(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and _shows_publicly(sender):
        invalidate()


def connect() -> None:
    """Called from ``CmsConfig.ready()``; ``dispatch_uid`` keeps it to one connection each."""
    post_save.connect(on_model_change, dispatch_uid="om_page_cache_save")
    post_delete.connect(on_model_change, dispatch_uid="om_page_cache_delete")
    m2m_changed.connect(on_m2m_change, dispatch_uid="om_page_cache_m2m")
    path_updated.connect(on_model_change, dispatch_uid="om_page_cache_path")
    nodes_deleted.connect(on_model_change, dispatch_uid="om_page_cache_nodes_deleted")
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"),
                         (post_page_move, "moved")):
        signal.connect(invalidate, dispatch_uid=f"om_page_cache_{name}")
