"""Public feeds: Atom for new Protokolle (R19), iCal for Veranstaltungen; site-wide and per group.

Only what a visitor may open is listed: live, public pages (``PageViewRestriction`` respected)
whose ancestors are all live (``om_pages.public``). A Fachgruppe that is unpublished or
restricted has no feed (404).
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from icalendar import Calendar, Event
from wagtail.models import Page, Site

from om_pages.extension import extra_calendar_events
from om_pages.models import FachgruppePage, ProtokollPage, VeranstaltungPage
from om_pages.public import attach_parents, visible

FEED_LENGTH = 30
#: The calendar keeps the past year, so subscribers still see recent events.
CALENDAR_PAST = datetime.timedelta(days=365)


def site_root(request: HttpRequest) -> Page:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("Keine Website für diese Adresse.")
    return site.root_page


def public_fachgruppe(request: HttpRequest, slug: str) -> FachgruppePage:
    """The Fachgruppe ``slug`` of this site if a visitor may see it, else 404."""
    fachgruppe = visible(FachgruppePage, site_root(request)).filter(slug=slug).first()
    if fachgruppe is None:
        raise Http404("Diese Fachgruppe gibt es nicht oder sie ist nicht öffentlich.")
    return fachgruppe


class ProtokollFeed(Feed):
    """Newest Protokolle of all Fachgruppen and Gremien, as Atom."""

    feed_type = Atom1Feed
    title = "Neue Protokolle – Offensive Mittelstand"
    subtitle = "Die neuesten veröffentlichten Protokolle der Fachgruppen und Gremien."
    language = "de"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs) -> Page:
        return site_root(request)

    def link(self, obj: Page) -> str:
        return obj.get_url(self.request) or "/"

    def items(self, obj: Page) -> list[ProtokollPage]:
        protokolle = (
            visible(ProtokollPage, obj).prefetch_related("agenda_items")
            .order_by("-date", "-pk")[:FEED_LENGTH]
        )
        return attach_parents(protokolle)

    def item_title(self, item: ProtokollPage) -> str:
        owner = item.parent_page.title if item.parent_page else ""
        return f"{item.title} ({owner})" if owner else item.title

    def item_description(self, item: ProtokollPage) -> str:
        """Agenda and decisions as plain text (the feed generator escapes it)."""
        lines = [f"Sitzung am {item.date:%d.%m.%Y} ({item.get_meeting_kind_display()})."]
        for number, agenda_item in enumerate(item.agenda_items.all(), start=1):
            line = f"TOP {number}: {agenda_item.title}"
            if agenda_item.decision:
                line += f" – Beschluss: {agenda_item.decision}"
            lines.append(line)
        if not item.agenda_items.all() and item.body:
            lines.append(strip_tags(item.body)[:500])
        return "\n".join(lines)

    def item_link(self, item: ProtokollPage) -> str:
        return item.get_url(self.request)

    def item_pubdate(self, item: ProtokollPage):
        """The meeting's date, not when the page happened to be loaded or published."""
        return meeting_datetime(item)

    def item_updateddate(self, item: ProtokollPage):
        return meeting_datetime(item)

    def item_author_name(self, item: ProtokollPage) -> str:
        return item.parent_page.title if item.parent_page else "Offensive Mittelstand"

    def item_categories(self, item: ProtokollPage) -> list[str]:
        return [item.parent_page.title] if item.parent_page else []


def meeting_datetime(protokoll: ProtokollPage) -> datetime.datetime:
    """Midnight of the meeting day in the OM's time zone (Europe/Berlin)."""
    return timezone.make_aware(datetime.datetime.combine(protokoll.date, datetime.time()))


def protokolle_atom(request: HttpRequest) -> HttpResponse:
    """A fresh Feed per request: the feed keeps the request for its item links."""
    return ProtokollFeed()(request)


def fachgruppe_protokolle_atom(request: HttpRequest, slug: str) -> HttpResponse:
    return FachgruppeProtokollFeed()(request, slug=slug)


class FachgruppeProtokollFeed(ProtokollFeed):
    """The Protokolle of one Fachgruppe."""

    def get_object(self, request, slug: str) -> FachgruppePage:
        return public_fachgruppe(request, slug)

    def title(self, obj: FachgruppePage) -> str:
        return f"Protokolle der {obj.title}"

    def subtitle(self, obj: FachgruppePage) -> str:
        return f"Neue veröffentlichte Protokolle der {obj.title} (Offensive Mittelstand)."

    def items(self, obj: FachgruppePage) -> list[ProtokollPage]:
        protokolle = (
            ProtokollPage.objects.live().public().child_of(obj).prefetch_related("agenda_items")
            .order_by("-date", "-pk")[:FEED_LENGTH]
        )
        return attach_parents(protokolle)


# --- iCal ------------------------------------------------------------------------------------


def calendar_response(request: HttpRequest, name: str, events, filename: str,
                      extra_events=()) -> HttpResponse:
    """RFC 5545 calendar; the icalendar package does the escaping, line folding and CRLF.

    ``extra_events``: finished ``icalendar.Event`` objects of other apps (``om_pages.extension``,
    e.g. upcoming Sitzungen); a VTIMEZONE is added for every TZID they use.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Offensive Mittelstand//om-records//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    host = request.get_host().split(":")[0] or "localhost"
    now = timezone.now()
    for veranstaltung in events:
        # The address the visitor used (as the Atom feed does), not the Site record's localhost.
        path = veranstaltung.get_url(request)
        url = request.build_absolute_uri(path) if path else ""
        event = Event()
        event.add("uid", f"veranstaltung-{veranstaltung.pk}@{host}")
        event.add("dtstamp", veranstaltung.last_published_at or now)
        event.add("dtstart", veranstaltung.start)
        if veranstaltung.end:
            event.add("dtend", veranstaltung.end)
        event.add("summary", veranstaltung.title)
        if veranstaltung.location:
            event.add("location", veranstaltung.location)
        owner = veranstaltung.parent_page.title if veranstaltung.parent_page else ""
        description = [veranstaltung.summary, f"{veranstaltung.get_kind_display()} der {owner}".strip()]
        event.add("description", "\n\n".join(part for part in description + [url] if part))
        event.add("categories", [veranstaltung.get_kind_display()])
        if url:
            event.add("url", url)
        calendar.add_component(event)
    for event in extra_events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def calendar_events(queryset) -> list[VeranstaltungPage]:
    recent = timezone.now() - CALENDAR_PAST
    return attach_parents(queryset.filter(start__gte=recent).order_by("start"))


def veranstaltungen_ical(request: HttpRequest) -> HttpResponse:
    events = calendar_events(visible(VeranstaltungPage, site_root(request)))
    return calendar_response(request, "Veranstaltungen der Offensive Mittelstand", events,
                             "veranstaltungen", extra_calendar_events(request))


def fachgruppe_veranstaltungen_ical(request: HttpRequest, slug: str) -> HttpResponse:
    fachgruppe = public_fachgruppe(request, slug)
    events = calendar_events(VeranstaltungPage.objects.live().public().child_of(fachgruppe))
    return calendar_response(request, f"Veranstaltungen der {fachgruppe.title}", events,
                             f"veranstaltungen-{fachgruppe.slug}",
                             extra_calendar_events(request, fachgruppe))
