"""Public search page: live, public pages only."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.models import Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    """Search what anyone may see; an empty query shows the search form only."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.live().public().specific().search(query) if query else Page.objects.none()
    try:
        with transaction.atomic():  # a query the index cannot parse must not break the request
            page = _page_of(Paginator(results, RESULTS_PER_PAGE), request.GET.get("page", 1))
    except DatabaseError:  # issue 6 (fuzzing): e.g. SQLite FTS5 "syntax error near '>'"
        page = _page_of(Paginator(Page.objects.none(), RESULTS_PER_PAGE), 1)
    return TemplateResponse(request, "search/search.html", {"query": query, "results": page})


def _page_of(paginator: Paginator, number):
    try:
        page = paginator.page(number)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    list(page.object_list)  # evaluate here, inside the caller's error handling
    return page
