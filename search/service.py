"""One search for the page and the API: the steps of ``search.results``, ``search.facets``,
``search.suggestions`` and ``search.snippets`` in order; ``search.views`` calls only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from search import facets as facet_counts
from search import result_texts, results, snippets, suggestions
from search.facets import FacetValue
from search.query import ParsedQuery, describe
from search.results import MAX_PER_PAGE, PER_PAGE, SORTS, Filters, Row, page_of, paginate

__all__ = ["MAX_PER_PAGE", "PER_PAGE", "SORTS", "Filters", "Outcome", "ResultItem", "Row",
           "describe", "items_for", "page_of", "paginate", "run"]


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
    source: snippets.TextPart | None = None

    @property
    def in_attachment(self) -> bool:
        return self.source is not None and self.source.source == "anhang"


def run(parsed: ParsedQuery, filters: Filters, site: Site | None) -> Outcome:
    """Search, re-check visibility, facet, filter and sort; "Meinten Sie …?" for few hits."""
    backend = get_search_backend()
    base = results.base_queryset(site)  # reads the page view restrictions once (issue 18)
    hits = results.backend_hits(parsed, base)
    rows = results.visible_rows(hits, site, base)
    outcome = Outcome(rows=results.selected(rows, filters),
                      facets=facet_counts.facets(rows, filters),
                      truncated=len(hits) >= results.MAX_HITS)
    if len(rows) <= suggestions.FEW_HITS:
        outcome.suggestion = suggestions.suggestion(backend, parsed, site)
    return outcome


def items_for(rows: list[Row], parsed: ParsedQuery) -> list[ResultItem]:
    """Specific pages and snippets for the rows of the current page only, in a fixed number
    of queries and without reading a file (``search.result_texts``, issue 18)."""
    pages = result_texts.specific_pages(row.pk for row in rows)
    attachments = result_texts.attachment_texts(pages.values())
    backend = get_search_backend()
    words = parsed.positive_words()
    items = []
    for row in rows:
        page = pages.get(row.pk)
        if page is None:
            continue
        item = ResultItem(page=page, row=row)
        parts = snippets.text_parts(page, attachments.get(page.pk, ()))
        item.snippet, item.source = snippets.snippet(parts, words, backend)
        items.append(item)
    return items
