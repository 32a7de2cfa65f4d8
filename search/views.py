"""Public search page ``/suche/`` and its JSON twin ``/api/suche/``.

Both read the same parameters, run ``search.service.run`` and differ only in the answer:
the page explains problems in German and still renders; the API answers 400 with a German
message. Neither can be made to answer 500 by its input.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from wagtail.models import Site

from search import service
from search.query import MIN_PREFIX_LENGTH, parse

PARAMS = ("q", "gruppe", "jahr", "typ", "von", "bis", "sort")


class ParamError(ValueError):
    """A parameter the user (or API client) got wrong; the message is German."""


def _int(value: str, name: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,9}", value.strip()):
        raise ParamError(f"„{name}“ muss eine ganze Zahl sein.")
    number = int(value)
    if not low <= number <= high:
        raise ParamError(f"„{name}“ muss zwischen {low} und {high} liegen.")
    return number


def _date(value: str, name: str) -> datetime.date:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ParamError(f"„{name}“ ist kein gültiges Datum (JJJJ-MM-TT oder TT.MM.JJJJ).")


def read_filters(params: QueryDict) -> tuple[service.Filters, list[str]]:
    """Filters from the query string, and a German message for each one that was wrong."""
    filters, errors = service.Filters(), []
    readers = {
        "gruppe": lambda v: _int(v, "gruppe", 1, 10**9),
        "jahr": lambda v: _int(v, "jahr", 1900, 2999),
        "typ": lambda v: v if re.fullmatch(r"[a-z0-9_]{1,100}", v) else _raise("„typ“ ist unbekannt."),
        "von": lambda v: _date(v, "von"),
        "bis": lambda v: _date(v, "bis"),
        "sort": lambda v: v if v in service.SORTS else _raise(
            "„sort“ muss „relevanz“ oder „datum“ sein."),
    }
    for name, reader in readers.items():
        value = params.get(name, "")
        if not value.strip():
            continue
        try:
            setattr(filters, name, reader(value.strip()))
        except ParamError as error:
            errors.append(str(error))
    if filters.von and filters.bis and filters.von > filters.bis:
        errors.append("Das Von-Datum liegt nach dem Bis-Datum.")
        filters.von = filters.bis = None
    return filters, errors


def _raise(message: str):
    raise ParamError(message)


def _query_string(params: QueryDict, **changes) -> str:
    """The current search parameters with ``changes`` (None removes one), for links."""
    values = {name: params.get(name, "") for name in PARAMS}
    values.update({name: ("" if value is None else str(value)) for name, value in changes.items()})
    return "?" + urlencode({name: value for name, value in values.items() if value})


def search(request: HttpRequest) -> HttpResponse:
    """The search page: always renders, explaining in German what it could not use."""
    raw = request.GET.get("q", "")
    parsed = parse(raw)
    filters, problems = read_filters(request.GET)
    context = {
        "query": parsed.normalized() if parsed.ok else raw[:200],
        "parsed": parsed,
        "filters": filters,
        "problems": problems,
        "sorts": service.SORTS,
        "searched": bool(raw.strip()),
    }
    if parsed.ok:
        outcome = service.run(parsed, filters, Site.find_for_request(request))
        results = service.page_of(outcome.rows, request.GET.get("page"))
        hint = prefix_hint(parsed)
        context.update(
            outcome=outcome,
            results=results,
            items=service.items_for(list(results.object_list), parsed),
            description=service.describe(parsed),
            facet_links=_facet_links(request.GET, outcome.facets),
            suggestion_url=(_query_string(request.GET, q=outcome.suggestion, page=None)
                            if outcome.suggestion else ""),
            prefix_hint=hint,
            prefix_hint_url=_query_string(request.GET, q=hint, page=None) if hint else "",
            previous_url=(_query_string(request.GET, page=results.previous_page_number())
                          if results.has_previous() else ""),
            next_url=(_query_string(request.GET, page=results.next_page_number())
                      if results.has_next() else ""),
            clear_url=_query_string(request.GET, gruppe=None, jahr=None, typ=None, von=None,
                                    bis=None, page=None),
        )
    return TemplateResponse(request, "search/search.html", context)


def prefix_hint(parsed) -> str:
    """The user's own query with a star on its last plain word ("Lärm" → "Lärm*"), for the
    no-hit hint; empty when there is no such word."""
    words = parsed.normalized().split()
    if not words or not words[-1].isalnum() or len(words[-1]) < MIN_PREFIX_LENGTH:
        return ""
    return " ".join(words[:-1] + [words[-1] + "*"])


def _facet_links(params: QueryDict, facets: dict) -> dict[str, list[dict]]:
    """Each facet value with the link that selects it (or, when selected, removes it)."""
    links = {}
    for name, values in facets.items():
        links[name] = [
            {"value": value, "url": _query_string(
                params, **{name: None if value.selected else value.value, "page": None})}
            for value in values
        ]
    return links


# --- JSON API ------------------------------------------------------------------------------

def _error(message: str, code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def api_search(request: HttpRequest) -> JsonResponse:
    """``/api/suche/?q=…``: the search page's results as JSON (schema in docs/search.md)."""
    raw = request.GET.get("q", "")
    parsed = parse(raw)
    if not parsed.ok:
        return _error(parsed.error, "ungueltige_anfrage")
    filters, problems = read_filters(request.GET)
    if problems:
        return _error(" ".join(problems), "ungueltiger_parameter")
    try:
        number = _int(request.GET.get("page", "1") or "1", "page", 1, 10**6)
        per_page = _int(request.GET.get("per_page", str(service.PER_PAGE)) or "10",
                        "per_page", 1, service.MAX_PER_PAGE)
    except ParamError as error:
        return _error(str(error), "ungueltiger_parameter")
    outcome = service.run(parsed, filters, Site.find_for_request(request))
    try:
        results = service.paginate(outcome.rows, number, per_page)
    except EmptyPage:
        pages = max(1, -(-len(outcome.rows) // per_page))
        return _error(f"Seite {number} gibt es nicht; es gibt {pages} Seite(n).", "seite_fehlt")
    items = service.items_for(list(results.object_list), parsed)

    def link(page_number: int | None) -> str | None:
        if page_number is None:
            return None
        return request.path + _query_string(request.GET, page=page_number) + f"&per_page={per_page}"

    return JsonResponse({
        "query": parsed.normalized(),
        "notices": parsed.notices,
        "suggestion": outcome.suggestion,
        "total": len(outcome.rows),
        "truncated": outcome.truncated,
        "page": results.number,
        "per_page": per_page,
        "num_pages": results.paginator.num_pages,
        "next": link(results.next_page_number() if results.has_next() else None),
        "previous": link(results.previous_page_number() if results.has_previous() else None),
        "sort": filters.sort,
        "filters": {
            "gruppe": filters.gruppe, "jahr": filters.jahr, "typ": filters.typ,
            "von": filters.von.isoformat() if filters.von else None,
            "bis": filters.bis.isoformat() if filters.bis else None,
        },
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                   for v in values]
            for name, values in outcome.facets.items()
        },
        "results": [_item_json(request, item) for item in items],
    }, json_dumps_params={"ensure_ascii": False})


def _item_json(request: HttpRequest, item: service.ResultItem) -> dict:
    row = item.row
    return {
        "id": item.page.pk,
        "title": item.page.title,
        "url": item.page.get_url(request=request),
        "type": row.type_key,
        "type_label": row.type_label,
        "date": row.date.isoformat() if row.date else None,
        "owner": row.owner,
        "snippet": str(item.snippet),
        "snippet_source": item.source.source if item.source else None,
        "attachment": ({"title": item.source.document_title, "url": item.source.document_url}
                       if item.in_attachment else None),
        "score": row.relevance,
    }
