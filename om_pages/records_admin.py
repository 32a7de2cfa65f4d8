"""Records in the admin (R19, R21, R22): German refusals, the superuser's logged purge, the API.

The permission tester (``om_pages.records.RecordPermissionTester``) already hides and refuses
deleting and moving records; these hooks give the refusals in German where a view asks them,
and log a superuser's purge before Wagtail deletes. The admin API's ``delete`` and ``move``
actions are replaced through Wagtail's ``construct_admin_api`` hook, so that the API answers
a clean 403 with the German reason and logs a purge too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.api.actions.delete import DeletePageAPIAction
from wagtail.admin.api.actions.move import MovePageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.models import Page

from om_pages.records import (
    PURGE_ACTION,
    RecordProtectedError,
    is_record,
    log_purge,
    may_purge,
    move_refusal_message,
    records_in_subtree,
    refusal_message,
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
        log_purge(request.user, page)  # inside the delete view's transaction: undone if the delete fails
    return None


@hooks.register("before_move_page")
def protect_records_on_move(request: HttpRequest, page: Page, destination: Page):
    if page.get_parent().pk == destination.pk or may_purge(request.user) or not is_record(page):
        return None
    return _refuse(request, move_refusal_message(page), page)


@hooks.register("before_bulk_action")
def protect_records_in_bulk(request: HttpRequest, action_type: str, objects, action_class_instance):
    if action_type not in {"delete", "move"} or not objects or not isinstance(objects[0], Page):
        return None
    if may_purge(request.user):
        if action_type == "delete":
            for page in objects:
                if records_in_subtree(page).exists():
                    log_purge(request.user, page)
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


# --- admin API ----------------------------------------------------------------------------------


class RecordDeletePageAPIAction(DeletePageAPIAction):
    """``POST …/action/delete/``: records only by a superuser, whose purge is logged first."""

    def execute(self, instance, data):
        count = records_in_subtree(instance).count()
        if not count:
            return super().execute(instance, data)
        if not may_purge(self.request.user):
            raise RecordProtectedError(refusal_message(instance, count))  # DRF: 403 with the text
        with transaction.atomic():
            log_purge(self.request.user, instance)
            return super().execute(instance, data)


class RecordMovePageAPIAction(MovePageAPIAction):
    """``POST …/action/move/``: a record stays with its Fachgruppe or Gremium (R19, R21)."""

    def execute(self, instance, data):
        target = Page.objects.filter(pk=data["destination_page_id"]).first()
        if target is not None and not may_purge(self.request.user):
            as_child = data.get("position") in {"first-child", "last-child", "sorted-child"}
            parent_after = target if as_child else target.get_parent()
            if parent_after is None or not instance.is_child_of(parent_after):
                if records_in_subtree(instance).exists():
                    raise RecordProtectedError(move_refusal_message(instance))
        with transaction.atomic():
            return super().execute(instance, data)


class RecordPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    actions = {
        **PagesAdminAPIViewSet.actions,
        "delete": RecordDeletePageAPIAction,
        "move": RecordMovePageAPIAction,
    }


@hooks.register("construct_admin_api")
def use_record_page_actions(router):
    router.register_endpoint("pages", RecordPagesAdminAPIViewSet)
