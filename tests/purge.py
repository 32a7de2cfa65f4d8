"""Deleting records in tests the only way the rules allow: a superuser's logged purge (R21, R22)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.models import Page

from om_pages.records import purge


def purge_as_superuser(page: Page) -> None:
    """Purge ``page`` and its subtree as the demo's superuser (created if there is none)."""
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        admin = User.objects.create_superuser("test-purge", "purge@example.org", "pw")
    purge(page, admin)
