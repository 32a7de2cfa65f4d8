"""Wagtail hooks of the installation: mark pages the anonymous page cache may keep (issue 18)."""

from wagtail import hooks

from cms.page_cache import PAGE_ATTRIBUTE


@hooks.register("before_serve_page", order=1000)
def mark_served_page(page, request, serve_args, serve_kwargs):
    """Runs after every other ``before_serve_page`` hook (Wagtail's view restrictions, our 404 below
    an unpublished page): only a page all of them let through is marked, and only a marked page
    (checked once more in ``cms.page_cache.may_store``) is ever stored. Previews never get here."""
    setattr(request, PAGE_ATTRIBUTE, page)
