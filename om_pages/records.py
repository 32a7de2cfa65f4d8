"""Records are never lost (R21, R22): Fachgruppen, Protokolle and decided Produkte stay.

A Fachgruppe that is dissolved (R21) or loses its recognition (R22) keeps its records; the
way to take something off the public site is to unpublish it. Nobody but a superuser deletes a
page whose subtree holds such a record, or moves a record out of the Fachgruppe or Gremium it
belongs to (R19, R21). A superuser's delete is a *purge*: written to Wagtail's log (action
``om_pages.purge``) and to the ``om_pages.records`` logger before the rows go.

The rule is enforced in layers, so that every path meets it:

1. ``RecordPermissionTester`` (installed on ``Page`` by ``OmPagesConfig.ready``) answers
   ``can_delete``/``can_move``/``can_move_to`` for every page: the admin hides the buttons,
   and the admin views, bulk actions and ``DeletePageAction``/``MovePageAction`` with a user
   (the admin API) refuse. Reordering among siblings stays allowed (no move, R19).
2. The admin hooks and the admin API actions (``om_pages/records_admin.py``) give German
   refusals and log a superuser's purge before it runs.
3. ``Page.delete`` (``install_delete_guard``) refuses before anything is written, and the
   ``pre_delete`` guard on ``Page`` refuses any record row whose purge is not logged: queryset
   deletes, anything left over. Code that must delete records calls ``purge``.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, PagePermissionTester

from om_pages.extension import permission_tester_for

logger = logging.getLogger("om_pages.records")

PURGE_ACTION = "om_pages.purge"
#: A logged purge allows the delete that follows it; an older entry allows nothing.
PURGE_WINDOW = datetime.timedelta(minutes=10)


class RecordProtectedError(PermissionDenied):
    """Raised when a record would be deleted or moved without a superuser's logged purge."""


# --- what a record is --------------------------------------------------------------------------


def _record_content_type_ids() -> tuple[set[int], int]:
    """(always records, Produkt): ids from Django's content-type cache, no query after the first."""
    from django.contrib.contenttypes.models import ContentType

    from om_pages.models import FachgruppePage, ProduktPage, ProtokollPage

    always = ContentType.objects.get_for_models(FachgruppePage, ProtokollPage).values()
    return {ct.pk for ct in always}, ContentType.objects.get_for_model(ProduktPage).pk


def record_filter() -> Q:
    """Pages that are records: every Fachgruppe and Protokoll, every Produkt ever published."""
    always, produkt = _record_content_type_ids()
    return Q(content_type__in=always) | Q(content_type=produkt, first_published_at__isnull=False)


def is_record_row(page: Page) -> bool:
    """The same rule on a loaded page (specific or plain), without a query."""
    always, produkt = _record_content_type_ids()
    return page.content_type_id in always or (
        page.content_type_id == produkt and page.first_published_at is not None)


def records_in_subtree(page: Page):
    """The records that deleting ``page`` would destroy (itself and its descendants)."""
    return Page.objects.descendant_of(page, inclusive=True).filter(record_filter())


def is_record(page: Page) -> bool:
    return Page.objects.filter(pk=page.pk).filter(record_filter()).exists()


def holds_records(page: Page) -> bool:
    """Is ``page`` a record or above one? A leaf is answered from its own fields."""
    if page.pk is None:
        return False
    if page.numchild == 0:
        return is_record_row(page)
    return records_in_subtree(page).exists()


def may_purge(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


# --- messages ----------------------------------------------------------------------------------


def refusal_message(page: Page, count: int) -> str:
    what = f"„{page.get_admin_display_title()}“" + (f" (mit {count} Akten darunter)" if count > 1 else "")
    return (
        f"{what} kann nicht gelöscht werden: Fachgruppen, Protokolle und beschlossene Produkte "
        "sind Akten der Offensive Mittelstand und bleiben erhalten (R21, R22). Bitte stattdessen "
        "die Veröffentlichung aufheben („Veröffentlichung aufheben“ im Seitenmenü). Endgültig "
        "löschen kann nur ein Superuser."
    )


def move_refusal_message(page: Page) -> str:
    parent = page.get_parent()
    return (
        f"„{page.get_admin_display_title()}“ gehört als Akte zu „{parent.title if parent else ''}“ "
        "und kann nicht verschoben werden (R19, R21). Bitte die Redaktion oder einen Superuser "
        "fragen."
    )


# --- layer 1: the permission tester ------------------------------------------------------------


class RecordPermissionTester(PagePermissionTester):
    """Wagtail's tester, minus deleting and moving records for everyone but superusers."""

    _reordering = False

    def _guards_records(self) -> bool:
        if self._reordering or may_purge(self.user):
            return False
        cached = getattr(self.page, "_om_holds_records", None)
        if cached is None:
            cached = self.page._om_holds_records = holds_records(self.page)
        return cached

    def can_delete(self, ignore_bulk=False) -> bool:
        if self._guards_records():
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_move_to(self, destination) -> bool:
        if self.page.is_child_of(destination):
            # Reordering among siblings: the record stays where it belongs (wagtail.reorder).
            self._reordering = True
            try:
                return super().can_move_to(destination)
            finally:
                self._reordering = False
        return super().can_move_to(destination)


def record_permissions_for_user(self, user) -> PagePermissionTester:
    """The record tester, or the one an app registered for this page type (``om_pages.extension``).

    The page type is read from the content type (``specific_class``, cached, no query), so a plain
    ``Page`` instance — as bulk actions and the move views load them — meets the same tester as
    its specific page.
    """
    model = getattr(self, "specific_class", None) or type(self)
    return permission_tester_for(model, RecordPermissionTester)(user, self)


def install_permission_tester() -> None:
    """Called from ``OmPagesConfig.ready``: every page type answers through the record tester.

    ``Page`` itself gets it, because bulk actions and the move views work on plain ``Page``
    instances. A page type with its own tester (registered through ``om_pages.extension``, e.g.
    by ``workflow.publishing``) extends this one.
    """
    Page.permissions_for_user = record_permissions_for_user


# --- layer 3: refusal in code, the purge -------------------------------------------------------


def log_purge(user, page: Page) -> None:
    """Write the purge of ``page`` and its records before they are gone."""
    records = list(records_in_subtree(page).values_list("pk", "title", "url_path"))
    data = {"title": page.title, "url_path": page.url_path, "records": len(records),
            "record_titles": [title for _, title, _ in records[:100]]}
    log(instance=page, action=PURGE_ACTION, user=user, data=data)
    logger.warning(
        "Akte endgültig gelöscht von %s: %s (%s), %d Akten im Teilbaum",
        user, page.title, page.url_path, len(records),
    )


def purge_logged(page: Page) -> bool:
    """Has a superuser logged the purge of ``page`` or of one of its ancestors just now?"""
    paths = [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    return PageLogEntry.objects.filter(
        action=PURGE_ACTION, page__path__in=paths, user__is_superuser=True,
        timestamp__gte=timezone.now() - PURGE_WINDOW,
    ).exists()


def refuse_unless_purged(page: Page) -> None:
    """Raise ``RecordProtectedError`` if deleting ``page`` destroys records not being purged."""
    if not holds_records(page) or purge_logged(page):
        return
    raise RecordProtectedError(refusal_message(page, records_in_subtree(page).count()))


def purge(page: Page, user) -> None:
    """The one way to delete records in code: a superuser's purge, logged first (R21, R22)."""
    if not may_purge(user):
        raise RecordProtectedError(refusal_message(page, records_in_subtree(page).count()))
    from wagtail.actions.delete_page import DeletePageAction

    with transaction.atomic():
        if holds_records(page):
            log_purge(user, page)
        DeletePageAction(page.specific, user=user).execute()


def install_delete_guard() -> None:
    """Called from ``OmPagesConfig.ready``: ``page.delete()`` refuses before anything is written.

    Wagtail's delete logs each page and updates the tree before Django's ``pre_delete`` fires;
    refusing first keeps a refused delete free of such traces, also outside a transaction.
    Installed on ``Page`` (specific and plain instances alike, as bulk actions use plain ones),
    the way Wagtail's admin installs ``Page.base_form_class``.
    """
    wagtail_delete = Page.delete
    if getattr(wagtail_delete, "keeps_records", False):
        return

    def delete(self, *args, **kwargs):
        refuse_unless_purged(self)
        return wagtail_delete(self, *args, **kwargs)

    delete.keeps_records = True
    delete.alters_data = True
    delete.__doc__ = wagtail_delete.__doc__
    Page.delete = delete


def guard_records_on_delete(sender, instance, **kwargs) -> None:
    """pre_delete on ``Page``: the last line for querysets and plain ``Page`` instances."""
    if is_record_row(instance) and not purge_logged(instance):
        raise RecordProtectedError(refusal_message(instance, 1))
