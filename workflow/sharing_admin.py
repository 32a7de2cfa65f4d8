"""Admin of a Fachgruppe's editors („Bearbeitende“, R19): the page, its header button, the log.

The rules and the changes are in ``workflow.sharing``; every POST is checked there, on the
server. Imported by ``workflow/wagtail_hooks.py`` so that its hooks register.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from om_pages.models import FachgruppePage, Person
from workflow.sharing import (
    NOT_KOORDINATION,
    SHARING_ACTION,
    SharingLogFormatter,
    add_editor,
    editors,
    group_persons,
    koordination_user_id,
    may_share,
    remove_editor,
)


def sharing_view(request, page_id: int):
    """GET: the group's editors and whom the Koordination may add; POST: add or remove one."""
    fachgruppe = get_object_or_404(FachgruppePage, pk=page_id)
    if not may_share(request.user, fachgruppe):  # checked on the server for GET and POST
        return TemplateResponse(request, "workflow/refused.html", {
            "title": f"Bearbeitende: {fachgruppe.title}", "problems": [NOT_KOORDINATION]}, status=403)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add":
                person = get_object_or_404(Person, pk=request.POST.get("person") or 0)
                add_editor(fachgruppe, person, request.user)
                messages.success(request, f"{person.first_name} {person.last_name} bearbeitet jetzt die "
                                          "Seiten der Fachgruppe mit.")
            elif request.POST.get("action") == "remove":
                editor = get_object_or_404(get_user_model(), pk=request.POST.get("user") or 0)
                remove_editor(fachgruppe, editor, request.user)
                messages.success(request, f"{editor.get_full_name() or editor.get_username()} "
                                          "bearbeitet die Seiten der Fachgruppe nicht mehr.")
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("workflow_sharing", fachgruppe.pk)
    current = list(editors(fachgruppe))
    current_ids = {user.pk for user in current}
    return TemplateResponse(request, "workflow/sharing.html", {
        "page": fachgruppe, "editors": current, "koordination_user_id": koordination_user_id(fachgruppe),
        "candidates": [p for p in group_persons(fachgruppe) if p.user_id not in current_ids],
        "history_url": reverse("wagtailadmin_pages:history", args=[fachgruppe.pk]),
    })


def admin_urls():
    return [path("fachgruppe/<int:page_id>/bearbeitende/", sharing_view, name="workflow_sharing")]


@hooks.register("register_admin_urls")
def register_sharing_urls():
    return admin_urls()


@hooks.register("register_log_actions")
def register_sharing_log_action(actions):
    actions.register_action(SHARING_ACTION)(SharingLogFormatter)


@hooks.register("register_page_header_buttons")
def sharing_page_header_button(page, user, view_name=None, next_url=None):
    """On a Fachgruppe's editor and explorer header, for its Koordination: „Bearbeitende“."""
    if issubclass(page.specific_class or type(page), FachgruppePage) and may_share(user, page.specific):
        yield Button("Bearbeitende", reverse("workflow_sharing", args=[page.pk]),
                     icon_name="group", priority=65)
