"""Public feed URLs (Atom, iCal), included by ``cms/urls.py`` before Wagtail's page catch-all."""

from django.urls import path

from om_pages import events, feeds

app_name = "om_feeds"
urlpatterns = [
    path("veranstaltungen/", events.veranstaltungen, name="veranstaltungen_overview"),
    path("veranstaltungen/<int:pk>.ics", events.veranstaltung_ical, name="veranstaltung_ical"),
    path("feeds/protokolle.atom", feeds.protokolle_atom, name="protokolle"),
    path("feeds/veranstaltungen.ics", feeds.veranstaltungen_ical, name="veranstaltungen"),
    path("feeds/fachgruppen/<slug:slug>/protokolle.atom", feeds.fachgruppe_protokolle_atom,
         name="fachgruppe_protokolle"),
    path("feeds/fachgruppen/<slug:slug>/veranstaltungen.ics", feeds.fachgruppe_veranstaltungen_ical,
         name="fachgruppe_veranstaltungen"),
]
