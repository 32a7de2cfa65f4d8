"""A page cache for anonymous visitors (issue 18, "Anonymous pages"; R19).

Public pages are the same for every anonymous visitor, and under load rendering them is what
costs: a Fachgruppe page lists hundreds of Protokolle. ``AnonymousPageCacheMiddleware`` keeps
the rendered response of a public page in Django's configured cache (``CACHES["default"]``:
local memory by default, Redis via ``CACHE_URL``) for ``OM_PAGE_CACHE_SECONDS`` and answers the
next anonymous GET or HEAD of the same address from it, without a view, template or query.

What is never cached (R19: drafts and restricted items never reach the public):

- requests of a signed-in user, decided by the session (``request.user``), not by the cookie:
  a stale session cookie is an anonymous visitor, who gets the cached page and loses the cookie;
- previews (Wagtail's dummy requests), the admin, documents, media, the search and its API,
  requests with a query string or an ``Authorization`` header;
- anything but a Wagtail page that passed every ``before_serve_page`` check (marked by
  ``cms/wagtail_hooks.py``) and, checked again here, is live, below live pages only and without
  a view restriction on it or above, and uses no document of a restricted collection; or one
  of the public feeds (``om_feeds``), which apply the same visibility themselves;
- responses that are not 200, set a cookie, use the CSRF token, change the session, vary on
  ``Cookie``, or say ``Cache-Control: private``, ``no-store`` or ``no-cache``.

Invalidation is by generation: every entry records the generation read when its request began,
and an entry of another generation is a miss. ``cms/page_cache_signals.py`` bumps the
generation on every change that can alter public output (publish, unpublish, move, delete, view
restrictions, collections, documents, sites, redirects, the workflow's records), at once and
again when the transaction commits, so a publish is visible to the next anonymous request and a
page rendered from data of before the commit is never kept under the new generation.

Where the generation lives: with a shared cache (Redis) in the cache itself, read together with
the entry in one round trip; with the per-process local-memory cache in a small file under
``OM_VAR_DIR``, so that all gunicorn workers of the host (and commands such as
``publish_scheduled``) share it. Several web hosts need a shared cache (docs/operations.md).

The Content-Security-Policy is not stored: ``ContentSecurityPolicyMiddleware`` sits outside this
middleware and adds its header to every response, cached or not. The policy is static (no
per-request nonce: the public site runs no inline script or style), so a cached page keeps
working; a nonce would have to be reused, which defeats it, so should one ever be introduced
the pages using it must not be cached.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)
HEADER = "X-OM-Page-Cache"
GENERATION_KEY = "om-page-cache:generation"
ENTRY_PREFIX = "om-page-cache:entry:"
PAGE_ATTRIBUTE = "_om_page_cache_page"
# Never looked up, whatever the view: the admin, files and the per-query search.
EXCLUDED_PREFIXES = ("/admin/", "/dokumente/", "/documents/", "/media/", "/static/", "/api/",
                     "/suche/", "/_dokumente_intern/")
CACHEABLE_CONTENT_TYPES = {"text/html", "application/atom+xml", "text/calendar"}
# Views besides Wagtail's pages whose output is public and the same for every visitor.
CACHEABLE_NAMESPACES = {"om_feeds"}
UNCACHEABLE_CACHE_CONTROL = {"private", "no-store", "no-cache"}


def cache_seconds() -> int:
    """How long an entry lives; 0 (or less) switches the page cache off."""
    return int(getattr(settings, "OM_PAGE_CACHE_SECONDS", 0) or 0)


def _cache():
    return caches["default"]


def _generation_in_file(cache) -> bool:
    """Local memory is per process: the generation must live where every process sees it."""
    return isinstance(cache, (LocMemCache, DummyCache))


def _generation_file() -> Path:
    return Path(getattr(settings, "OM_PAGE_CACHE_GENERATION_FILE", "")
                or Path(settings.VAR_DIR) / "page-cache-generation")


def _read_generation_file() -> str:
    try:
        return _generation_file().read_text().strip()
    except FileNotFoundError:
        return bump_generation()


def bump_generation() -> str:
    """Start a new generation: every entry stored so far is a miss from now on."""
    generation = secrets.token_hex(8)
    cache = _cache()
    if _generation_in_file(cache):
        path = _generation_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{generation}")
        temporary.write_text(generation)
        os.replace(temporary, path)  # atomic: a reader sees the old or the new value
    else:
        cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def _lookup(key: str) -> tuple[str, tuple | None]:
    """(current generation, entry or None): one cache round trip with Redis."""
    cache = _cache()
    if _generation_in_file(cache):
        return _read_generation_file(), cache.get(key)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:  # evicted or never set: a fresh generation, nothing older counts
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        return cache.get(GENERATION_KEY) or "", None
    return generation, found.get(key)


def _is_anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def may_use_cache(request: HttpRequest) -> bool:
    """May this request be answered from, or fill, the cache? Cheap tests first, the session last."""
    return (
        request.method in {"GET", "HEAD"}
        and not getattr(request, "is_dummy", False)  # Wagtail preview (the editor's draft)
        and not getattr(request, "is_preview", False)
        and not request.META.get("QUERY_STRING")
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(EXCLUDED_PREFIXES)
        and not request.path.startswith(getattr(settings, "OM_CSP_ADMIN_PREFIX", "/admin/"))
        and _is_anonymous(request)
    )


def entry_key(request: HttpRequest) -> str:
    """The address as the visitor asked for it (scheme, host, path) and the active language."""
    address = "|".join([getattr(request, "LANGUAGE_CODE", ""), request.scheme,
                        request.get_host(), request.path])
    return ENTRY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _cache_control_forbids(response: HttpResponse) -> bool:
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", "")) if part.strip()
    }
    return bool(directives & UNCACHEABLE_CACHE_CONTROL)


def _varies_on_user(response: HttpResponse) -> bool:
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", ""))}
    return bool(vary & {"cookie", "authorization", "*"})


def _page_is_public(page) -> bool:
    """Live, below live pages only, no view restriction on it or above, no restricted documents."""
    from om_pages.public import is_publicly_visible

    return is_publicly_visible(page) and not uses_restricted_documents(page)


def uses_restricted_documents(page) -> bool:
    """Does ``page`` use a document of a collection with a view restriction (on it or above)?

    Restricted collections are rare: without any, one query answers. Otherwise the documents
    the page refers to (Wagtail's reference index: inline rows, links, blocks) are checked.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from wagtail.documents import get_document_model
    from wagtail.models import CollectionViewRestriction, ReferenceIndex

    restricted = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    if not restricted:
        return False
    document_model = get_document_model()
    ids = list(
        ReferenceIndex.get_references_for_object(page)
        .filter(to_content_type=ContentType.objects.get_for_model(document_model))
        .values_list("to_object_id", flat=True)
    )
    ids += [str(document.pk) for document in getattr(page.specific, "attached_documents", lambda: [])()]
    if not ids:
        return False
    under_restriction = Q()
    for path in restricted:
        under_restriction |= Q(collection__path__startswith=path)
    return document_model.objects.filter(pk__in=set(ids)).filter(under_restriction).exists()


def may_store(request: HttpRequest, response: HttpResponse) -> bool:
    """May this response be kept for other anonymous visitors? Every rule of the module docstring."""
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or not _is_anonymous(request)  # a view may have signed someone in
        or getattr(request, "is_dummy", False)
        or getattr(request, "is_preview", False)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page carries a CSRF token
        or getattr(getattr(request, "session", None), "modified", False)
        or _cache_control_forbids(response)
        or _varies_on_user(response)
        or response.get("Content-Type", "").split(";", 1)[0].strip().lower() not in CACHEABLE_CONTENT_TYPES
    ):
        return False
    page = getattr(request, PAGE_ATTRIBUTE, None)
    if page is not None:
        return _page_is_public(page)
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace in CACHEABLE_NAMESPACES


def _response_from(entry: tuple, request: HttpRequest) -> HttpResponse:
    _generation, status, headers, content = entry
    response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    response[HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Answer anonymous visitors' GET and HEAD of public pages from the cache (module docstring).

    Placed after ``AuthenticationMiddleware`` (it needs ``request.user``) and before the
    middleware whose headers belong to the stored page (``X-Frame-Options``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = cache_seconds()
        if seconds <= 0 or not may_use_cache(request):
            return self.get_response(request)
        key = entry_key(request)
        try:
            generation, entry = _lookup(key)
        except Exception:  # the cache is down: serve uncached rather than fail
            logger.exception("Seiten-Cache nicht erreichbar; die Seite wird ohne Cache ausgeliefert.")
            return self.get_response(request)
        if entry is not None and entry[0] == generation:
            return _response_from(entry, request)
        response = self.get_response(request)
        if may_store(request, response):
            headers = tuple(
                (name, value) for name, value in response.items()
                if name.lower() not in {"set-cookie", "content-length", HEADER.lower()}
            )
            # the generation read before rendering: a change during rendering makes this stale
            try:
                _cache().set(key, (generation, response.status_code, headers, response.content), seconds)
            except Exception:
                logger.exception("Seiten-Cache nicht erreichbar; die Seite wird nicht gespeichert.")
                return response
            response[HEADER] = "miss"
        return response
