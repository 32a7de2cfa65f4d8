"""Hits of the public search: the backend's ranking, confirmed and described by the database.

1. The backend (``Page.objects.live().public()...search()``) finds the matching pages with
   their scores, up to ``MAX_HITS``; prefixes (``arbeit*``) go through ``autocomplete()``
   and are combined with the full-text hits as sets.
2. The database has the last word on visibility: the hit ids are filtered again with
   ``live().public()`` below the site's root and without pages below an unpublished page
   (``om_pages.public``), so a stale index entry cannot leak a draft, an unpublished or a
   restricted page.
3. Each visible hit becomes a :class:`Row` with what filters, facets and sorting need:
   owner (Fachgruppe/Gremium), record date, page type. Owner and record date are not columns
   of ``Page``, so a backend could not filter or count them; this works on every backend.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Model
from django.utils import timezone
from wagtail.models import Page, Site

from om_pages.public import without_hidden_ancestors
from search.extras import RanksWithoutPages
from search.query import Clause, ParsedQuery, Prefix

MAX_HITS = 2000
PER_PAGE = 10
MAX_PER_PAGE = 50
SORT_RELEVANCE = "relevanz"
SORT_DATE = "datum"
SORTS = {SORT_RELEVANCE: "Relevanz", SORT_DATE: "Datum (neueste zuerst)"}


@dataclass
class Filters:
    gruppe: int | None = None
    jahr: int | None = None
    typ: str | None = None
    von: datetime.date | None = None
    bis: datetime.date | None = None
    sort: str = SORT_RELEVANCE


@dataclass
class Row:
    """One visible hit, with what facets and sorting need."""

    pk: int
    score: float | None
    path: str
    type_key: str
    type_label: str
    date: datetime.date | None
    owner: dict | None
    relevance: float = 0.0


# --- configuration (cms/settings.py) -------------------------------------------------------

def owner_models() -> list[type[Model]]:
    return [apps.get_model(label) for label in getattr(settings, "OM_SEARCH_OWNER_PAGE_TYPES", [])]


def date_fields() -> dict[type[Model], str]:
    return {apps.get_model(label): name
            for label, name in getattr(settings, "OM_SEARCH_DATE_FIELDS", {}).items()}


def as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int) and 1 <= value <= 9999:
        return datetime.date(value, 1, 1)
    return None


# --- the backend -------------------------------------------------------------------------------

def base_queryset(site: Site | None):
    """Live pages the public may see, below the site's root (never the tree's root)."""
    queryset = Page.objects.live().public().filter(depth__gt=1)
    if site is not None:
        queryset = queryset.descendant_of(site.root_page, inclusive=True)
    return queryset


def _ranked(results) -> list[tuple[int, float | None]]:
    """The first ``MAX_HITS`` (pk, score) pairs of backend results.

    Backends whose results list ids and scores without loading pages (``RanksWithoutPages``,
    as the Whoosh backend's do) spare 2,000 page objects per broad query; others load the
    pages, and modelsearch sets ``_score`` on them only when the backend scores.
    """
    if isinstance(results, RanksWithoutPages):
        return results.ranked(MAX_HITS)
    return [(page.pk, getattr(page, "_score", None)) for page in results[:MAX_HITS]]


def atom_pks(atom, queryset) -> list[int]:
    if isinstance(atom, Prefix):
        results = queryset.autocomplete(atom.stem)
    else:
        results = queryset.search(atom.to_query())
    return [pk for pk, _ in _ranked(results)]


def _clause_pks(clause: Clause, queryset) -> list[int]:
    pks: dict[int, None] = {}
    for atom in clause.atoms:
        pks.update(dict.fromkeys(atom_pks(atom, queryset)))
    return list(pks)


def backend_hits(parsed: ParsedQuery, queryset) -> list[tuple[int, float | None]]:
    """Matching page ids with scores, best first (before the visibility re-check)."""
    fulltext = parsed.fulltext_query()
    if fulltext is not None:
        hits = _ranked(queryset.search(fulltext).annotate_score("_score"))
        set_clauses = [clause for clause in parsed.clauses if clause.has_prefix]
    else:
        hits = None
        set_clauses = sorted(parsed.clauses, key=lambda clause: clause.negated)
    for clause in set_clauses:
        pks = _clause_pks(clause, queryset)
        if hits is None:  # first positive clause: its order is the ranking
            hits = [(pk, None) for pk in pks]
            continue
        keep = set(pks)
        hits = [hit for hit in hits if (hit[0] in keep) != clause.negated]
    return hits or []


def relevance(scores: list[float | None]) -> list[float]:
    """Scores as 0..1, 1 for the best hit; bm25-style negative scores are turned round."""
    values = [score for score in scores if score is not None]
    if len(values) != len(scores) or not values:
        return [round(1 / (1 + rank), 4) for rank in range(len(scores))]
    if values[0] < 0 or (values[0] == 0 and min(values) < 0):
        values = [-value for value in values]
    best = max(values)
    if best <= 0:
        return [1.0 for _ in values]
    return [round(max(value, 0) / best, 4) for value in values]


# --- visibility and rows --------------------------------------------------------------------------

def _owners(site: Site | None, base=None) -> dict[str, dict]:
    """Owner pages (Fachgruppen, Gremien) the public may see, by path: one query of columns,
    no page objects (their kind comes from the content type)."""
    models = owner_models()
    if not models:
        return {}
    owners = (base_queryset(site) if base is None else base).type(*models).order_by()
    return {
        path: {"id": pk, "title": title, "slug": slug, "kind": _type_info(content_type_id)[1]}
        for pk, path, title, slug, content_type_id
        in owners.values_list("pk", "path", "title", "slug", "content_type_id")
    }


def _owner_for(path: str, owners: dict[str, dict]) -> dict | None:
    for end in range(len(path), 0, -Page.steplen):
        owner = owners.get(path[:end])
        if owner is not None:
            return owner
    return None


def _type_info(content_type_id: int) -> tuple[str, str]:
    """(type key, German label) of a content type; Django caches content types per process."""
    content_type = ContentType.objects.get_for_id(content_type_id)
    model = content_type.model_class()
    return content_type.model, str(model._meta.verbose_name) if model else content_type.model


def _joined_date_lookups() -> dict[int, str]:
    """Content type id -> lookup from ``Page`` to the record date, for the page types of
    ``OM_SEARCH_DATE_FIELDS`` that are direct children of ``Page`` (a LEFT JOIN each, so
    one query reads the pages and their dates); others are read by :func:`_dates`."""
    lookups = {}
    for model, field_name in date_fields().items():
        link = model._meta.parents.get(Page)
        if link is None:
            continue
        lookups[ContentType.objects.get_for_model(model).pk] = f"{link.related_query_name()}__{field_name}"
    return lookups


def _dates(pages: list[dict], skip: frozenset[int] = frozenset()) -> dict[int, datetime.date | None]:
    """Record dates of ``pages`` whose type has a date field not read yet (not in ``skip``)."""
    by_type: dict[int, list[int]] = {}
    for page in pages:
        by_type.setdefault(page["content_type_id"], []).append(page["pk"])
    dates: dict[int, datetime.date | None] = {}
    for model, field_name in date_fields().items():
        content_type = ContentType.objects.get_for_model(model)
        pks = by_type.get(content_type.pk)
        if pks and content_type.pk not in skip:
            for pk, value in model.objects.filter(pk__in=pks).values_list("pk", field_name):
                dates[pk] = as_date(value)
    return dates


def confirmed_pages(pks: list[int], site: Site | None, base=None):
    """The pages among ``pks`` that the database confirms as live and public below the site.

    ``base`` is ``base_queryset(site)`` when the caller has it already: ``public()`` reads
    the page view restrictions when it is called, so one base saves a query per use.
    """
    confirmed = (base_queryset(site) if base is None else base).filter(pk__in=pks)
    return without_hidden_ancestors(confirmed, site.root_page if site else Page.get_first_root_node())


def visible_rows(hits: list[tuple[int, float | None]], site: Site | None, base=None) -> list[Row]:
    """The hits that the database confirms as live and public, in hit order (``base`` as
    for :func:`confirmed_pages`).

    A fixed number of queries whatever the hits (issue 18): the confirmed pages with their
    record dates (joined), the owners; no page objects. A never-asked broad search at
    10,000 pages has 2,000 hits to describe here.
    """
    joined = _joined_date_lookups()
    columns = ["pk", "path", "content_type_id", "first_published_at", *dict.fromkeys(joined.values())]
    confirmed = confirmed_pages([pk for pk, _ in hits], site, base).order_by()
    pages = [dict(zip(columns, values, strict=True)) for values in confirmed.values_list(*columns)]
    by_pk = {page["pk"]: page for page in pages}
    dates = _dates(pages, skip=frozenset(joined))
    for page in pages:
        lookup = joined.get(page["content_type_id"])
        if lookup is not None:
            dates[page["pk"]] = as_date(page[lookup])
    owners = _owners(site, base)
    visible = [(pk, score) for pk, score in hits if pk in by_pk]
    scores = relevance([score for _, score in visible])
    types = {ct: _type_info(ct) for ct in {page["content_type_id"] for page in pages}}
    rows = []
    for (pk, score), rel in zip(visible, scores, strict=True):
        page = by_pk[pk]
        type_key, type_label = types[page["content_type_id"]]
        date = dates.get(pk) or as_date(page["first_published_at"])
        rows.append(Row(
            pk=pk, score=score, path=page["path"], type_key=type_key, type_label=type_label,
            date=date, owner=_owner_for(page["path"], owners), relevance=rel,
        ))
    return rows


def matches(row: Row, filters: Filters, skip: str | None = None) -> bool:
    if skip != "gruppe" and filters.gruppe is not None:
        if row.owner is None or row.owner["id"] != filters.gruppe:
            return False
    if skip != "jahr" and filters.jahr is not None:
        if row.date is None or row.date.year != filters.jahr:
            return False
    if skip != "typ" and filters.typ and row.type_key != filters.typ:
        return False
    if filters.von and (row.date is None or row.date < filters.von):
        return False
    if filters.bis and (row.date is None or row.date > filters.bis):
        return False
    return True


def selected(rows: list[Row], filters: Filters) -> list[Row]:
    """The rows under ``filters``, in the order ``filters.sort`` asks for."""
    chosen = [row for row in rows if matches(row, filters)]
    if filters.sort == SORT_DATE:
        chosen.sort(key=lambda row: (row.date or datetime.date.min, row.pk), reverse=True)
    return chosen


def paginate(rows: list[Row], number: int, per_page: int = PER_PAGE):
    """The page ``number``; raises ``EmptyPage`` when there is no such page (API)."""
    return Paginator(rows, per_page).page(number)


def page_of(rows: list[Row], number: str | None, per_page: int = PER_PAGE):
    """The page ``number``, or the nearest existing one for a bad value (search page)."""
    return Paginator(rows, per_page).get_page(number)
