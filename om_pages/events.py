"""The public events overview and a single event's calendar entry.

Plain Django views beside the feeds (``om_pages/urls.py``), so the page models stay as they
are: ``/veranstaltungen/`` lists the upcoming Veranstaltungen a visitor may see (decided ones
only, R10), ``/veranstaltungen/<id>.ics`` is "In den Kalender" for one of them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from om_pages.feeds import calendar_response, site_root
from om_pages.models import VeranstaltungPage
from om_pages.public import attach_parents, is_publicly_visible, visible


def veranstaltungen(request: HttpRequest) -> TemplateResponse:
    """Every upcoming public Veranstaltung of the site, soonest first, with its owner."""
    upcoming = (visible(VeranstaltungPage, site_root(request))
                .filter(start__gte=timezone.now()).order_by("start", "pk"))
    return TemplateResponse(request, "om_pages/veranstaltungen.html", {
        "veranstaltungen": attach_parents(upcoming),
    })


def veranstaltung_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """One public Veranstaltung as an .ics file; a draft or a hidden one is a 404 (R10, R19)."""
    veranstaltung = VeranstaltungPage.objects.live().filter(pk=pk).first()
    if veranstaltung is None or not is_publicly_visible(veranstaltung):
        raise Http404("Diese Veranstaltung gibt es nicht.")
    veranstaltung = attach_parents([veranstaltung])[0]
    return calendar_response(request, veranstaltung.title, [veranstaltung],
                             f"veranstaltung-{veranstaltung.pk}")
