"""Admin action „Protokoll entwerfen“ of a Sitzung (``workflow.minutes``; top layer).

POST ``/admin/sitzung-protokoll/<pk>/`` (URL name ``workflow_sitzung_protokoll``): the
Schriftführung of the body (for a Fachgruppe: its members) drafts the minutes of a held
Sitzung, or is led to the editor of the Protokoll it already has. The permission is checked
here on the server (``may_run_sitzung``), whatever the page showed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail import hooks

from workflow.minutes import draft_minutes
from workflow.permissions import may_run_sitzung
from workflow.sitzung import Sitzung


def back_url(request) -> str:
    """The admin page the action came from (only on this host), else the dashboard."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return reverse("wagtailadmin_home")


@require_POST
def sitzung_protokoll_view(request, pk: int):
    """Draft (or open) the Sitzung's Protokoll and go to its editor."""
    sitzung = get_object_or_404(Sitzung.objects.select_related("fachgruppe", "protokoll"), pk=pk)
    if not may_run_sitzung(sitzung, request.user):
        raise PermissionDenied("Das Protokoll einer Sitzung entwirft die Schriftführung des "
                               "Gremiums (bei einer Fachgruppe: ihre Mitglieder).")
    had_protokoll = bool(sitzung.protokoll_id)
    try:
        page = draft_minutes(sitzung, request.user)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect(back_url(request))
    if not had_protokoll:
        messages.success(request, f"Protokollentwurf „{page.title}“ angelegt: bitte ergänzen und "
                                  "veröffentlichen. Mit der Veröffentlichung ist die Sitzung "
                                  "abgeschlossen.")
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")
def register_minutes_urls():
    return [path("sitzung-protokoll/<int:pk>/", sitzung_protokoll_view,
                 name="workflow_sitzung_protokoll")]
