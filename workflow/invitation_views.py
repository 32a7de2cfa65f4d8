"""Admin view "Einladung versenden": GET confirms (recipients, agenda), POST sends (R19, R24).

Checked on the server on every request: only who runs the Sitzung (``may_run_sitzung``: the
body's Schriftführung, for a Fachgruppe's own Sitzung its members) sees the page (403
otherwise); the invitation goes out only for a planned or invited Sitzung still ahead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.admin.utils import get_valid_next_url_from_request

from workflow.invitation import (
    InvitationNotSent,
    agenda_lines,
    invitations,
    recipients,
    refusal,
    send_invitation,
    when,
)
from workflow.permissions import may_run_sitzung
from workflow.sitzung import Sitzung, SitzungState

#: Where the user returns without a safe ``next`` (the Sitzungen listing of the admin).
FALLBACK_URL = "/admin/sitzungen/"
TEMPLATE = "workflow/sitzung_invite.html"


def referring_page(request) -> str:
    """The admin page the user came from (on GET), if it is of this site and not this view."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    path_only = urlsplit(referer).path
    if path_only == request.path or not path_only.startswith("/admin/"):
        return ""
    return referer


def invite_view(request, pk: int):
    sitzung = get_object_or_404(Sitzung.objects.select_related("fachgruppe"), pk=pk)
    if not may_run_sitzung(sitzung, request.user):
        return TemplateResponse(request, TEMPLATE, {
            "sitzung": sitzung, "denied": "Zu dieser Sitzung lädt nur ihre Schriftführung ein "
                                          "(bei einer Fachgruppe: deren Mitglieder).",
        }, status=403)
    next_url = get_valid_next_url_from_request(request) or referring_page(request) or FALLBACK_URL
    to = recipients(sitzung)
    errors = [problem for problem in (refusal(sitzung),) if problem]
    if not to:
        errors.append("Niemand kann eingeladen werden: kein Mitglied hat eine E-Mail-Adresse.")
    status = 200
    if request.method == "POST":
        if not errors:
            try:
                result = send_invitation(sitzung, request.user,
                                         is_update=sitzung.state == SitzungState.EINGELADEN)
            except InvitationNotSent:
                errors.append("Der Mailserver hat die Einladung nicht angenommen; sie wurde nicht "
                              "versandt und nicht vermerkt. Bitte später erneut versuchen.")
                status = 503
            else:
                kind = "Aktualisierte Einladung" if result.is_update else "Einladung"
                messages.success(request, f"{kind} zur {result.sitzung} an "
                                          f"{len(result.recipients)} Mitglieder versandt "
                                          f"(Fassung {result.sitzung.invitation_sequence}).")
                return redirect(next_url)
        else:
            status = 409
    return TemplateResponse(request, TEMPLATE, {
        "sitzung": sitzung, "recipients": to, "agenda": agenda_lines(sitzung),
        "when": when(sitzung), "errors": errors, "next_url": next_url,
        "is_update": sitzung.state == SitzungState.EINGELADEN,
        "sent": invitations(sitzung).select_related("user"),
    }, status=status)


def invitation_urls() -> list:
    return [path("sitzung-einladung/<int:pk>/", invite_view, name="workflow_sitzung_invite")]
