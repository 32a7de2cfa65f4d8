"""Serving pages: nothing is served below an unpublished page (R1, R21, R22).

Wagtail routes through unpublished pages and serves a live child, so unpublishing a
Fachgruppe would leave its live Protokolle reachable at their URLs. ``before_serve_page``
answers 404 for a page with an unpublished ancestor. View restrictions need nothing here:
Wagtail's own ``before_serve_page`` check (``check_view_restrictions``) applies every
restriction of the page and its ancestors. Previews (``serve_preview``) do not pass this
hook, so editors still see their drafts.
"""

from __future__ import annotations

from django.http import Http404
from wagtail import hooks

from om_pages.public import has_unpublished_ancestor


@hooks.register("before_serve_page")
def hide_pages_below_unpublished(page, request, serve_args, serve_kwargs):
    if has_unpublished_ancestor(page):
        raise Http404("Diese Seite ist nicht öffentlich.")
