"""Upcoming Sitzungen in the public iCal feeds (registered into ``om_pages.extension``).

Public means: planned or invited, still ahead, of a body whose page or a Fachgruppe whose page
a visitor may open (``om_pages.public.visible``). The event names date, time, place and the
body only: no agenda, no online link (R19). Same event builder and UID as the invitation
(``workflow.sitzung_ics``), so an invited subscriber sees one entry.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from icalendar import Event

from om_pages.feeds import site_root
from om_pages.models import FachgruppePage, GremiumPage
from om_pages.public import visible
from workflow.choices import Gremium
from workflow.sitzung import Sitzung
from workflow.sitzung_ics import public_location, sitzung_event


def upcoming_public_sitzungen(request: HttpRequest, fachgruppe: FachgruppePage | None = None):
    """The upcoming Sitzungen a visitor of this site may know of (their body's or group's page
    is public)."""
    queryset = Sitzung.objects.ahead().select_related("fachgruppe")
    if fachgruppe is not None:  # the group's own feed (om_pages checked it is public)
        return list(queryset.filter(gremium=Gremium.FACHGRUPPE, fachgruppe_id=fachgruppe.pk))
    root = site_root(request)
    bodies = {page.kind: page for page in visible(GremiumPage, root)}
    groups = {page.pk: page for page in visible(FachgruppePage, root)}
    queryset = queryset.filter(Q(gremium__in=list(bodies)) | Q(gremium=Gremium.FACHGRUPPE,
                                                             fachgruppe_id__in=list(groups)))
    return list(queryset)


def public_sitzung_events(request: HttpRequest, fachgruppe: FachgruppePage | None = None
                          ) -> list[Event]:
    """The calendar source for ``om_pages.extension.register_calendar_source``."""
    events = []
    for sitzung in upcoming_public_sitzungen(request, fachgruppe):
        # the Sitzung's public page (404 unless its body's or group's page is public)
        url = request.build_absolute_uri(reverse("sitzung_public", args=[sitzung.uid]))
        description = f"Sitzung {sitzung.body_name} ({sitzung.get_meeting_kind_display()})."
        events.append(sitzung_event(sitzung, location=public_location(sitzung),
                                    description=description, url=url,
                                    stamp=sitzung.invited_at or sitzung.updated_at))
    return events
