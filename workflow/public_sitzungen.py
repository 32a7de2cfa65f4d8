"""The public page of one Sitzung: ``/sitzungen/<uid>/`` (R19).

Addressed by the Sitzung's calendar UID, not by its guessable pk. A Sitzung of a Fachgruppe
whose page a visitor may not open, or of a body without a public page, is a 404.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse

from workflow.sitzung import Sitzung
from workflow.sitzung_public import is_public, owner_page, present, with_relations


def sitzung_detail(request: HttpRequest, uid: uuid.UUID) -> TemplateResponse:
    """Date, place, public agenda; once held: Protokoll (if published) and Beschlüsse."""
    sitzung = with_relations(Sitzung.objects.filter(uid=uid)).first()
    owner = owner_page(sitzung) if sitzung is not None else None
    if sitzung is None or not is_public(owner):
        raise Http404("Diese Sitzung gibt es nicht.")
    return TemplateResponse(request, "workflow/public/sitzung_detail.html", {
        "item": present([sitzung])[0],
        "owner": owner,
        "ancestors": owner.get_ancestors().filter(depth__gt=1),
    })
