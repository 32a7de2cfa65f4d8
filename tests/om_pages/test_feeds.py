"""Atom feeds of Protokolle and iCal feeds of Veranstaltungen (R19): valid, public records only."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Page, PageViewRestriction

from om_pages.models import (
    FachgruppePage,
    GremiumPage,
    ProtokollPage,
    VeranstaltungKind,
    VeranstaltungPage,
)
from om_pages.public import visible
from tests.approval import publish_decided

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_ATOM = "/feeds/protokolle.atom"
SITE_ICAL = "/feeds/veranstaltungen.ics"


def group_atom(slug: str) -> str:
    return f"/feeds/fachgruppen/{slug}/protokolle.atom"


def group_ical(slug: str) -> str:
    return f"/feeds/fachgruppen/{slug}/veranstaltungen.ics"


def atom_entries(client, url: str) -> list[dict]:
    """Parse the Atom document strictly and return its entries' title, link and id."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}updated") is not None
    assert root.find(f"{ATOM}id").text
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("title", "id", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        entries.append({
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.find(f"{ATOM}summary").text,
        })
    return entries


def ical_events(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line for line in lines), "RFC 5545: every line ends with CRLF"
    assert all(len(line) <= 75 for line in lines), "RFC 5545: lines are folded at 75 octets"
    calendar = Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def add_protokoll(parent, slug: str, title: str, publish: bool = True) -> ProtokollPage:
    protokoll = ProtokollPage(title=title, slug=slug, date=datetime.date(2026, 11, 1), live=False)
    parent.add_child(instance=protokoll)
    revision = protokoll.save_revision()
    if publish:
        revision.publish()
    return ProtokollPage.objects.get(pk=protokoll.pk)


def add_veranstaltung(parent, slug: str, title: str, publish: bool = True, **fields) -> VeranstaltungPage:
    start = timezone.now() + datetime.timedelta(days=10)
    fields = {"kind": VeranstaltungKind.SEMINAR, "start": start,
              "end": start + datetime.timedelta(hours=2)} | fields
    veranstaltung = VeranstaltungPage(title=title, slug=slug, live=False, **fields)
    parent.add_child(instance=veranstaltung)
    veranstaltung.save_revision()
    if publish:
        return publish_decided(veranstaltung)  # R10: only a decided event goes live
    return VeranstaltungPage.objects.get(pk=veranstaltung.pk)


@pytest.fixture
def digital(demo_home):
    return FachgruppePage.objects.get(slug="digitalisierung")


def restrict(page: Page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD,
                                       password="geheim")


# --- Atom -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_site_atom_lists_newest_protokolle_of_groups_and_gremien(demo_home, client):
    entries = atom_entries(client, SITE_ATOM)
    newest = visible(ProtokollPage, demo_home).order_by("-date", "-pk")[:30]
    assert [e["link"].removeprefix("http://testserver") for e in entries] == [p.url for p in newest]
    assert any("(Plenum)" in e["title"] for e in entries)
    assert any("(Fachgruppe Gefährdungsbeurteilung)" in e["title"] for e in entries)
    assert "Beschluss:" in entries[0]["summary"]


@pytest.mark.django_db
def test_group_atom_contains_only_that_groups_protokolle(digital, client):
    entries = atom_entries(client, group_atom(digital.slug))
    own = ProtokollPage.objects.live().child_of(digital)
    assert len(entries) == own.count() == 4
    assert all(e["link"].startswith(f"http://testserver{digital.url}") for e in entries)


@pytest.mark.django_db
def test_drafts_and_unpublished_protokolle_never_in_atom(digital, client):
    add_protokoll(digital, "entwurf", "Geheimer Entwurf", publish=False)
    withdrawn = add_protokoll(digital, "zurueckgezogen", "Zurückgezogenes Protokoll")
    withdrawn.unpublish()
    live = ProtokollPage.objects.live().child_of(digital).first()
    live.title = "Unveröffentlichte Änderung"
    live.save_revision()
    for url in (SITE_ATOM, group_atom(digital.slug)):
        titles = " ".join(e["title"] for e in atom_entries(client, url))
        assert "Geheimer Entwurf" not in titles
        assert "Zurückgezogenes Protokoll" not in titles
        assert "Unveröffentlichte Änderung" not in titles


@pytest.mark.django_db
def test_private_protokoll_never_in_atom(digital, client):
    private = add_protokoll(digital, "privat", "Vertrauliches Protokoll")
    assert "Vertrauliches Protokoll" in str(atom_entries(client, SITE_ATOM))
    restrict(private)
    for url in (SITE_ATOM, group_atom(digital.slug)):
        assert "Vertrauliches Protokoll" not in str(atom_entries(client, url))


@pytest.mark.django_db
def test_restricted_group_has_no_feeds_and_leaves_site_feed(digital, client):
    restrict(digital)
    assert client.get(group_atom(digital.slug)).status_code == 404
    assert client.get(group_ical(digital.slug)).status_code == 404
    assert not any(digital.url in e["link"] for e in atom_entries(client, SITE_ATOM))
    assert not any(digital.url in str(ev["URL"]) for ev in ical_events(client, SITE_ICAL))


@pytest.mark.django_db
def test_records_of_unpublished_group_leave_the_feeds(digital, client):
    """A live Protokoll under an unpublished Fachgruppe (e.g. an application, R1) stays private."""
    digital.unpublish()
    assert ProtokollPage.objects.live().child_of(digital).exists()
    assert client.get(group_atom(digital.slug)).status_code == 404
    assert not any(digital.url in e["link"] for e in atom_entries(client, SITE_ATOM))
    assert not any(digital.url in str(ev["URL"]) for ev in ical_events(client, SITE_ICAL))


@pytest.mark.django_db
def test_unknown_group_feed_is_404(demo_home, client):
    assert client.get(group_atom("gibt-es-nicht")).status_code == 404
    assert client.get(group_ical("gibt-es-nicht")).status_code == 404


@pytest.mark.django_db
def test_gremium_is_not_a_fachgruppe_feed(demo_home, client):
    plenum = GremiumPage.objects.get(slug="plenum")
    assert client.get(group_atom(plenum.slug)).status_code == 404


# --- iCal -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_site_ical_lists_every_public_veranstaltung(demo_home, client):
    events = [e for e in ical_events(client, SITE_ICAL)  # others: extension sources (Sitzungen)
              if str(e["UID"]).startswith("veranstaltung-")]
    expected = visible(VeranstaltungPage, demo_home)
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(v.title for v in expected)
    for event in events:
        assert event["UID"] and event["DTSTAMP"] and event["DTSTART"] and event["DTEND"]
        assert event.decoded("DTSTART").tzinfo is not None


@pytest.mark.django_db
def test_ical_escapes_text_and_keeps_times(digital, client):
    title = "Workshop: Daten, Cloud; KI\\Recht"
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    add_veranstaltung(digital, "sonderzeichen", title, start=start, location="Köln, Raum 1",
                      end=start + datetime.timedelta(hours=3), summary="Zeile 1\nZeile 2")
    raw = client.get(group_ical(digital.slug)).content.decode()
    assert "Workshop: Daten\\, Cloud\\; KI\\\\Recht" in raw.replace("\r\n ", "")
    [event] = [e for e in ical_events(client, group_ical(digital.slug)) if str(e["SUMMARY"]) == title]
    assert str(event["LOCATION"]) == "Köln, Raum 1"
    assert "Zeile 1\nZeile 2" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=3)


@pytest.mark.django_db
def test_group_ical_contains_only_that_groups_events(digital, client):
    events = ical_events(client, group_ical(digital.slug))
    own = VeranstaltungPage.objects.live().child_of(digital)
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(v.title for v in own)
    assert all(digital.url in str(e["URL"]) for e in events)


@pytest.mark.django_db
def test_drafts_and_private_events_never_in_ical(digital, client):
    add_veranstaltung(digital, "entwurf", "Entwurf einer Veranstaltung", publish=False)
    private = add_veranstaltung(digital, "privat", "Interne Veranstaltung")
    restrict(private)
    withdrawn = add_veranstaltung(digital, "abgesagt", "Abgesagte Veranstaltung")
    withdrawn.unpublish()
    for url in (SITE_ICAL, group_ical(digital.slug)):
        summaries = {str(e["SUMMARY"]) for e in ical_events(client, url)}
        assert summaries.isdisjoint({"Entwurf einer Veranstaltung", "Interne Veranstaltung",
                                     "Abgesagte Veranstaltung"})


# --- links to the feeds ---------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_announce_feeds(digital, client):
    home = client.get("/").content.decode()
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml" [^>]*href="{SITE_ATOM}">', home)
    assert re.search(rf'<link rel="alternate" type="text/calendar" [^>]*href="{SITE_ICAL}">', home)
    assert f'<a href="{SITE_ATOM}"' in home and f'<a href="{SITE_ICAL}"' in home
    page = client.get(digital.url).content.decode()
    for url in (group_atom(digital.slug), group_ical(digital.slug)):
        assert re.search(rf'<link rel="alternate" [^>]*href="{url}">', page)
        assert f'<a href="{url}"' in page
