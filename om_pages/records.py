"""Records are never lost (R21, R22): Fachgruppen, Protokolle and decided Produkte stay.

A Fachgruppe that is dissolved (R21) or loses its recognition (R22) keeps its records; the
way to take something off the public site is to unpublish it. The admin therefore refuses to
delete (singly or in bulk) any page whose subtree holds such a record, and to move a record
out of the Fachgruppe or Gremium it belongs to. Only a superuser may purge; every purge is
written to Wagtail's log (action ``om_pages.purge``) and to the ``om_pages.records`` logger.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import Page

logger = logging.getLogger("om_pages.records")

PURGE_ACTION = "om_pages.purge"


def record_filter() -> Q:
    """Pages that are records: every Fachgruppe and Protokoll, every Produkt ever published."""
    from django.contrib.contenttypes.models import ContentType

    from om_pages.models import FachgruppePage, ProduktPage, ProtokollPage

    always = ContentType.objects.get_for_models(FachgruppePage, ProtokollPage).values()
    produkt = ContentType.objects.get_for_model(ProduktPage)
    return Q(content_type__in=list(always)) | Q(content_type=produkt, first_published_at__isnull=False)


def records_in_subtree(page: Page):
    """The records that deleting ``page`` would destroy (itself and its descendants)."""
    return Page.objects.descendant_of(page, inclusive=True).filter(record_filter())


def is_record(page: Page) -> bool:
    return Page.objects.filter(pk=page.pk).filter(record_filter()).exists()


def may_purge(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


def refusal_message(page: Page, count: int) -> str:
    what = f"„{page.get_admin_display_title()}“" + (f" (mit {count} Akten darunter)" if count > 1 else "")
    return (
        f"{what} kann nicht gelöscht werden: Fachgruppen, Protokolle und beschlossene Produkte "
        "sind Akten der Offensive Mittelstand und bleiben erhalten (R21, R22). Bitte stattdessen "
        "die Veröffentlichung aufheben („Veröffentlichung aufheben“ im Seitenmenü). Endgültig "
        "löschen kann nur ein Superuser."
    )


def log_purge(request: HttpRequest, page: Page) -> None:
    """Write the purge of ``page`` and its records before they are gone."""
    records = list(records_in_subtree(page).values_list("pk", "title", "url_path"))
    data = {"title": page.title, "url_path": page.url_path, "records": len(records),
            "record_titles": [title for _, title, _ in records[:100]]}
    log(instance=page, action=PURGE_ACTION, user=request.user, data=data)
    logger.warning(
        "Akte endgültig gelöscht von %s: %s (%s), %d Akten im Teilbaum",
        request.user, page.title, page.url_path, len(records),
    )


def _delete_confirmed(request: HttpRequest) -> bool:
    """Mirror of Wagtail's type-to-confirm check, without its side effect (a message)."""
    typed = request.POST.get("confirm_site_name")
    return not typed or typed == getattr(settings, "WAGTAIL_SITE_NAME", "wagtail")


def _refuse(request: HttpRequest, message: str, page: Page) -> HttpResponse:
    messages.error(request, message)
    parent = page.get_parent()
    return redirect("wagtailadmin_explore", parent.pk if parent else page.pk)


@hooks.register("before_delete_page")
def protect_records_on_delete(request: HttpRequest, page: Page):
    count = records_in_subtree(page).count()
    if not count:
        return None
    if not may_purge(request.user):
        return _refuse(request, refusal_message(page, count), page)
    if request.method == "POST" and _delete_confirmed(request):
        log_purge(request, page)  # inside the delete view's transaction: undone if the delete fails
    return None


@hooks.register("before_move_page")
def protect_records_on_move(request: HttpRequest, page: Page, destination: Page):
    if page.get_parent().pk == destination.pk or may_purge(request.user) or not is_record(page):
        return None
    return _refuse(
        request,
        f"„{page.get_admin_display_title()}“ gehört als Akte zu „{page.get_parent().title}“ und "
        "kann nicht verschoben werden (R19, R21). Bitte die Redaktion oder einen Superuser fragen.",
        page,
    )


@hooks.register("before_bulk_action")
def protect_records_in_bulk(request: HttpRequest, action_type: str, objects, action_class_instance):
    if action_type not in {"delete", "move"} or not objects or not isinstance(objects[0], Page):
        return None
    if may_purge(request.user):
        if action_type == "delete":
            for page in objects:
                if records_in_subtree(page).exists():
                    log_purge(request, page)
        return None
    for page in objects:
        if action_type == "move":
            if not is_record(page):
                continue
            message = (f"„{page.get_admin_display_title()}“ ist eine Akte und kann nicht verschoben "
                       "werden (R19, R21).")
        else:
            count = records_in_subtree(page).count()
            if not count:
                continue
            message = refusal_message(page, count)
        if action_class_instance.next_url and action_class_instance.next_url != request.path:
            messages.error(request, message)
            return redirect(action_class_instance.next_url)
        return _refuse(request, message, page)
    return None


@hooks.register("register_log_actions")
def register_purge_action(actions):
    actions.register_action(PURGE_ACTION, "Akte endgültig gelöscht", "Akte endgültig gelöscht (Superuser)")
