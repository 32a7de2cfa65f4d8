"""Facets of the public search: counts per Fachgruppe/Gremium, year and page type.

Computed in Python over the visible rows (``search.results``), since owner and record date
are not columns of ``Page``; each facet counts under the *other* active filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.results import Filters, Row, matches


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


def facets(rows: list[Row], filters: Filters) -> dict[str, list[FacetValue]]:
    """Counts per facet value; each facet counts under the *other* active filters."""
    result: dict[str, list[FacetValue]] = {}
    groups: dict[int, FacetValue] = {}
    for row in rows:
        if matches(row, filters, skip="gruppe") and row.owner is not None:
            value = groups.setdefault(row.owner["id"], FacetValue(
                str(row.owner["id"]), row.owner["title"], 0, row.owner["id"] == filters.gruppe))
            value.count += 1
    result["gruppe"] = sorted(groups.values(), key=lambda v: (-v.count, v.label))
    years: dict[int, FacetValue] = {}
    for row in rows:
        if matches(row, filters, skip="jahr") and row.date is not None:
            value = years.setdefault(row.date.year, FacetValue(
                str(row.date.year), str(row.date.year), 0, row.date.year == filters.jahr))
            value.count += 1
    result["jahr"] = [years[year] for year in sorted(years, reverse=True)]
    types: dict[str, FacetValue] = {}
    for row in rows:
        if matches(row, filters, skip="typ"):
            value = types.setdefault(row.type_key, FacetValue(
                row.type_key, row.type_label, 0, row.type_key == filters.typ))
            value.count += 1
    result["typ"] = sorted(types.values(), key=lambda v: (-v.count, v.label))
    return result
