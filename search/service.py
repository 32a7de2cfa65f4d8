"""One search for the page and the API: query, visibility, facets, sorting, snippets (issue #4).

Flow:
1. The backend (``Page.objects.live().public()...search()``) finds the matching pages with
   their scores, up to ``MAX_HITS``; prefixes (``arbeit*``) go through ``autocomplete()``
   and are combined with the full-text hits as sets.
2. The database has the last word on visibility: the hit ids are filtered again with
   ``live().public()`` below the site's root, so a stale index entry cannot leak a draft,
   an unpublished or a restricted page.
3. Facets (Fachgruppe/Gremium, year, page type), the date range and date sorting are
   computed in Python over those rows. Owner and record date are not columns of ``Page``,
   so a backend facet could not count them; this works the same on every backend.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Model
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from om_pages.public import without_hidden_ancestors
from search import highlight
from search.extraction import document_text
from search.query import Clause, ParsedQuery, PhraseTerm, Prefix, Term, parse

logger = logging.getLogger("search")

MAX_HITS = 2000
PER_PAGE = 10
MAX_PER_PAGE = 50
SORT_RELEVANCE = "relevanz"
SORT_DATE = "datum"
SORTS = {SORT_RELEVANCE: "Relevanz", SORT_DATE: "Datum (neueste zuerst)"}
SKIPPED_SEARCH_FIELDS = {"title", "attachment_text"}


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


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Outcome:
    rows: list[Row]
    facets: dict[str, list[FacetValue]]
    truncated: bool = False
    suggestion: str | None = None


@dataclass
class ResultItem:
    """A hit of the current page, ready to render or serialise."""

    page: Page
    row: Row
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))
    source: highlight.TextPart | None = None

    @property
    def in_attachment(self) -> bool:
        return self.source is not None and self.source.source == "anhang"


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


# --- step 1: the backend ---------------------------------------------------------------------

def base_queryset(site: Site | None):
    """Live pages the public may see, below the site's root (never the tree's root)."""
    queryset = Page.objects.live().public().filter(depth__gt=1)
    if site is not None:
        queryset = queryset.descendant_of(site.root_page, inclusive=True)
    return queryset


def _ranked(results) -> list[tuple[int, float | None]]:
    """The first ``MAX_HITS`` (pk, score) pairs of backend results.

    Backends that can list ids and scores without loading pages (``ranked``, as the Whoosh
    backend does) spare 2,000 page objects per broad query; others load the pages.
    """
    ranked = getattr(results, "ranked", None)
    if callable(ranked):
        return ranked(MAX_HITS)
    return [(page.pk, getattr(page, "_score", None)) for page in results[:MAX_HITS]]


def _atom_pks(atom, queryset) -> list[int]:
    if isinstance(atom, Prefix):
        results = queryset.autocomplete(atom.stem)
    else:
        results = queryset.search(atom.to_query())
    return [pk for pk, _ in _ranked(results)]


def _clause_pks(clause: Clause, queryset) -> list[int]:
    pks: dict[int, None] = {}
    for atom in clause.atoms:
        pks.update(dict.fromkeys(_atom_pks(atom, queryset)))
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


# --- step 2 and 3: visibility, rows, facets --------------------------------------------------

def _owners(site: Site | None) -> dict[str, dict]:
    models = owner_models()
    if not models:
        return {}
    owners = base_queryset(site).type(*models).specific(defer=True)
    return {
        page.path: {"id": page.pk, "title": page.title, "slug": page.slug,
                    "kind": str(page.specific_class._meta.verbose_name)}
        for page in owners
    }


def _owner_for(path: str, owners: dict[str, dict]) -> dict | None:
    for end in range(len(path), 0, -Page.steplen):
        owner = owners.get(path[:end])
        if owner is not None:
            return owner
    return None


def _dates(pages: list[dict]) -> dict[int, datetime.date | None]:
    dates = {page["pk"]: as_date(page["first_published_at"]) for page in pages}
    by_type: dict[int, list[int]] = {}
    for page in pages:
        by_type.setdefault(page["content_type_id"], []).append(page["pk"])
    for model, field_name in date_fields().items():
        content_type = ContentType.objects.get_for_model(model)
        pks = by_type.get(content_type.pk)
        if pks:
            for pk, value in model.objects.filter(pk__in=pks).values_list("pk", field_name):
                dates[pk] = as_date(value) or dates.get(pk)
    return dates


def confirmed_pages(pks: list[int], site: Site | None):
    """The pages among ``pks`` that the database confirms as live and public below the site."""
    confirmed = base_queryset(site).filter(pk__in=pks)
    return without_hidden_ancestors(confirmed, site.root_page if site else Page.get_first_root_node())


def visible_rows(hits: list[tuple[int, float | None]], site: Site | None) -> list[Row]:
    """The hits that the database confirms as live and public, in hit order."""
    confirmed = confirmed_pages([pk for pk, _ in hits], site)
    pages = list(confirmed.values("pk", "path", "content_type_id", "first_published_at"))
    by_pk = {page["pk"]: page for page in pages}
    dates = _dates(pages)
    owners = _owners(site)
    content_types = {pk: ContentType.objects.get_for_id(pk)
                     for pk in {page["content_type_id"] for page in pages}}
    visible = [(pk, score) for pk, score in hits if pk in by_pk]
    scores = relevance([score for _, score in visible])
    rows = []
    for (pk, score), rel in zip(visible, scores, strict=True):
        page = by_pk[pk]
        content_type = content_types[page["content_type_id"]]
        model = content_type.model_class()
        rows.append(Row(
            pk=pk, score=score, path=page["path"], type_key=content_type.model,
            type_label=str(model._meta.verbose_name) if model else content_type.model,
            date=dates.get(pk), owner=_owner_for(page["path"], owners), relevance=rel,
        ))
    return rows


def _matches(row: Row, filters: Filters, skip: str | None = None) -> bool:
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


def facets(rows: list[Row], filters: Filters) -> dict[str, list[FacetValue]]:
    """Counts per facet value; each facet counts under the *other* active filters."""
    result: dict[str, list[FacetValue]] = {}
    groups: dict[int, FacetValue] = {}
    for row in rows:
        if _matches(row, filters, skip="gruppe") and row.owner is not None:
            value = groups.setdefault(row.owner["id"], FacetValue(
                str(row.owner["id"]), row.owner["title"], 0, row.owner["id"] == filters.gruppe))
            value.count += 1
    result["gruppe"] = sorted(groups.values(), key=lambda v: (-v.count, v.label))
    years: dict[int, FacetValue] = {}
    for row in rows:
        if _matches(row, filters, skip="jahr") and row.date is not None:
            value = years.setdefault(row.date.year, FacetValue(
                str(row.date.year), str(row.date.year), 0, row.date.year == filters.jahr))
            value.count += 1
    result["jahr"] = [years[year] for year in sorted(years, reverse=True)]
    types: dict[str, FacetValue] = {}
    for row in rows:
        if _matches(row, filters, skip="typ"):
            value = types.setdefault(row.type_key, FacetValue(
                row.type_key, row.type_label, 0, row.type_key == filters.typ))
            value.count += 1
    result["typ"] = sorted(types.values(), key=lambda v: (-v.count, v.label))
    return result


#: "Meinten Sie …?" is offered only when the query finds this many hits or fewer.
FEW_HITS = 2


def run(parsed: ParsedQuery, filters: Filters, site: Site | None) -> Outcome:
    """Search, re-check visibility, facet, filter and sort."""
    backend = get_search_backend()
    hits = backend_hits(parsed, base_queryset(site))
    rows = visible_rows(hits, site)
    outcome = Outcome(rows=[], facets=facets(rows, filters), truncated=len(hits) >= MAX_HITS)
    selected = [row for row in rows if _matches(row, filters)]
    if filters.sort == SORT_DATE:
        selected.sort(key=lambda row: (row.date or datetime.date.min, row.pk), reverse=True)
    outcome.rows = selected
    if len(rows) <= FEW_HITS:  # issue 15: no "Meinten Sie" above a good list of hits
        outcome.suggestion = suggestion(backend, parsed, site)
    return outcome


def suggestion(backend, parsed: ParsedQuery, site: Site | None = None) -> str | None:
    """"Meinten Sie …?" from the backend, if it offers ``suggest`` and has a better query.

    A backend proposes from everything it indexed, which includes live pages the public may
    not see (view restrictions, pages below an unpublished page). So each changed word or
    phrase is kept only if, searched on its own, it finds a page the public may see (R19);
    the others stay as the user typed them. A proposal the query syntax cannot map onto the
    user's query is dropped.
    """
    suggest = getattr(backend, "suggest", None)
    if suggest is None:
        return None
    query = parsed.normalized()
    try:
        proposal = suggest(query)
        if not proposal or not isinstance(proposal, str):
            return None
        confirmed = _confirmed_suggestion(parsed, parse(" ".join(proposal.split())[:200]), site)
    except Exception:  # a suggestion is a nicety; it must never break the search
        logger.warning("Suchvorschlag fehlgeschlagen für %r", query, exc_info=True)
        return None
    if confirmed is None or confirmed.casefold() == query.casefold():
        return None
    return confirmed


def _confirmed_suggestion(parsed: ParsedQuery, proposed: ParsedQuery, site: Site | None) -> str | None:
    """``proposed`` with every changed atom that finds no visible page put back as typed."""
    if not proposed.ok or len(proposed.clauses) != len(parsed.clauses):
        return None
    queryset = base_queryset(site)
    clauses = []
    for old, new in zip(parsed.clauses, proposed.clauses, strict=True):
        if old.negated != new.negated or len(old.atoms) != len(new.atoms):
            return None
        atoms = []
        for old_atom, new_atom in zip(old.atoms, new.atoms, strict=True):
            if type(old_atom) is not type(new_atom):
                return None
            if str(old_atom).casefold() == str(new_atom).casefold():
                atoms.append(old_atom)
            elif confirmed_pages(_atom_pks(new_atom, queryset), site).exists():
                atoms.append(new_atom)
            else:
                atoms.append(old_atom)
        clauses.append(Clause(atoms, negated=old.negated))
    return ParsedQuery(raw=parsed.raw, clauses=clauses).normalized()


# --- the current page: specific pages and snippets -------------------------------------------

def _field_text(obj, search_fields) -> list[str]:
    texts = []
    for search_field in search_fields:
        if isinstance(search_field, SearchField) and search_field.field_name not in SKIPPED_SEARCH_FIELDS:
            try:
                texts.append(highlight.plain(search_field.get_value(obj)))
            except Exception:  # a broken computed field must not break the result list
                continue
        elif isinstance(search_field, RelatedFields):
            related = getattr(obj, search_field.field_name, None)
            children = related.all() if hasattr(related, "all") else [related] if related else []
            for child in children:
                texts.extend(_field_text(child, [f for f in search_field.fields
                                                 if not isinstance(f, AutocompleteField)]))
    return [text for text in texts if text]


def text_parts(page: Page) -> list[highlight.TextPart]:
    """The page's own indexed text first, then each attachment's text."""
    parts = [highlight.TextPart("seite", " · ".join(_field_text(page, page.get_search_fields())))]
    if page.search_description:
        parts[0].text = f"{page.search_description} · {parts[0].text}".strip(" ·")
    attached = getattr(page, "attached_documents", None)
    if callable(attached):
        for document in attached():
            parts.append(highlight.TextPart("anhang", document_text(document),
                                            document.title, document.url))
    return parts


def paginate(rows: list[Row], number: int, per_page: int = PER_PAGE):
    """The page ``number``; raises ``EmptyPage`` when there is no such page (API)."""
    return Paginator(rows, per_page).page(number)


def page_of(rows: list[Row], number: str | None, per_page: int = PER_PAGE):
    """The page ``number``, or the nearest existing one for a bad value (search page)."""
    return Paginator(rows, per_page).get_page(number)


def items_for(rows: list[Row], parsed: ParsedQuery) -> list[ResultItem]:
    """Specific pages and snippets for the rows of the current page only."""
    pages = Page.objects.filter(pk__in=[row.pk for row in rows]).specific().in_bulk()
    backend = get_search_backend()
    words = parsed.positive_words()
    items = []
    for row in rows:
        page = pages.get(row.pk)
        if page is None:
            continue
        item = ResultItem(page=page, row=row)
        item.snippet, item.source = highlight.snippet(text_parts(page), words, backend)
        items.append(item)
    return items


def describe(parsed: ParsedQuery) -> list[str]:
    """The parsed query in words, so users see how their syntax was read."""
    parts = []
    for clause in parsed.clauses:
        names = []
        for atom in clause.atoms:
            if isinstance(atom, PhraseTerm):
                names.append(f"die Phrase „{' '.join(atom.phrase_words)}“")
            elif isinstance(atom, Prefix):
                names.append(f"Wörter, die mit „{atom.stem}“ beginnen")
            elif isinstance(atom, Term):
                names.append(f"„{atom.word}“")
        text = " oder ".join(names)
        parts.append(f"ohne {text}" if clause.negated else text)
    return parts
