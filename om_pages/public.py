"""What the public may see: live, public pages whose ancestors are all live.

Wagtail serves a live page even when its parent is unpublished, and ``.live().public()``
does not look at ancestors' publication. Lists and feeds go one step further, so that a
record under an unpublished Fachgruppe (e.g. one still applying, R1) never leaks into the
home page, the Atom feeds or the iCal feed. Each helper costs a fixed number of queries.

Single pages: ``is_publicly_visible(page)`` (live, public, every ancestor live) and
``has_unpublished_ancestor(page)``, which ``om_pages/serving.py`` uses to answer 404 for a
page below an unpublished one; ``publicly_visible_ids(pages)``, the same question for many
pages at once (lists that link to pages of several owners).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from wagtail.models import Page


def without_hidden_ancestors(queryset, root: Page):
    """Drop pages below an unpublished page of ``root``'s tree (one query for the hidden ones)."""
    hidden = (
        Page.objects.descendant_of(root, inclusive=True)
        .filter(live=False, numchild__gt=0)
        .values_list("path", flat=True)
    )
    condition = Q()
    for path in hidden:
        condition &= ~Q(path__startswith=path)
    return queryset.filter(condition)


def has_unpublished_ancestor(page: Page) -> bool:
    """Is any page above ``page`` (the tree's root aside) unpublished? One query."""
    return Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists()


def is_publicly_visible(page: Page) -> bool:
    """May a visitor open ``page``? Live, all ancestors live, no view restriction on it or above.

    The single-page form of ``visible()``, for whatever serves something that belongs to a
    page (its URL, its documents, feeds): one query, live state read from the database.
    """
    if page.pk is None or not page.live:
        return False
    return not (
        Page.objects.ancestor_of(page, inclusive=True).filter(depth__gt=1)
        .filter(Q(live=False) | Q(view_restrictions__isnull=False)).exists()
    )


def _ancestor_paths(page: Page) -> list[str]:
    """The paths of ``page`` and its ancestors below the tree's root (depth > 1)."""
    step = Page.steplen
    return [page.path[:end] for end in range(2 * step, len(page.path) + 1, step)]


def publicly_visible_ids(pages: Iterable[Page | None]) -> set[int]:
    """The pks of the ``pages`` a visitor may open: ``is_publicly_visible`` for many, one query.

    A page counts when it and every ancestor is live and none has a view restriction.
    """
    pages = [page for page in pages if page is not None and page.pk is not None and page.live]
    if not pages:
        return set()
    paths = {path for page in pages for path in _ancestor_paths(page)}
    hidden = set(
        Page.objects.filter(path__in=paths)
        .filter(Q(live=False) | Q(view_restrictions__isnull=False))
        .values_list("path", flat=True)
    )
    return {page.pk for page in pages if hidden.isdisjoint(_ancestor_paths(page))}


def visible(model: type[Page], root: Page):
    """Live, public pages of ``model`` below ``root``, none of them under an unpublished page."""
    return without_hidden_ancestors(model.objects.live().public().descendant_of(root), root)


def attach_parents(pages: Iterable[Page]) -> list[Page]:
    """Set ``page.parent_page`` on each page with one query, so lists can name the owner."""
    pages = list(pages)
    paths = {page.path[: -Page.steplen] for page in pages}
    parents = {parent.path: parent for parent in Page.objects.filter(path__in=paths)}
    for page in pages:
        page.parent_page = parents.get(page.path[: -Page.steplen])
    return pages
