"""Events overview, "In den Kalender", the decision on a public Produkt, the slug clash."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage, ProtokollPage, VeranstaltungPage
from tests.approval import publish_decided
from tests.workflow.conftest import user

pytestmark = pytest.mark.django_db


def test_events_overview_is_in_the_navigation_and_lists_upcoming_events(demo_home, client):
    home = client.get("/").content.decode()
    assert 'href="/veranstaltungen/"' in home
    html = client.get("/veranstaltungen/").content.decode()
    upcoming = [v for v in VeranstaltungPage.objects.live().public() if v.start >= timezone.now()]
    assert upcoming
    for veranstaltung in upcoming:
        assert veranstaltung.title in html
    drafts = VeranstaltungPage.objects.filter(live=False)
    for draft in drafts:
        assert draft.title not in html


def test_single_event_goes_into_the_calendar(demo_home, client):
    veranstaltung = VeranstaltungPage.objects.live().public().first()
    page = client.get(veranstaltung.url).content.decode()
    assert f'href="/veranstaltungen/{veranstaltung.pk}.ics"' in page and "In den Kalender" in page
    response = client.get(f"/veranstaltungen/{veranstaltung.pk}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [veranstaltung.title]


def test_a_draft_event_has_no_calendar_entry(demo_home, client):
    draft = VeranstaltungPage.objects.filter(live=False).first()
    assert client.get(f"/veranstaltungen/{draft.pk}.ics").status_code == 404


def test_public_produkt_says_when_and_by_whom_it_was_decided(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    produkt = ProduktPage(title="Leitfaden Beschlusslage", slug="leitfaden-beschlusslage",
                          kind=ProduktKind.LEITFADEN, summary="Zum Testen.", live=False)
    fachgruppe.add_child(instance=produkt)
    produkt.save_revision()
    produkt = publish_decided(produkt)
    html = client.get(produkt.url).content.decode()
    today = timezone.localdate()
    assert "Beschlossen: AG Transfer am" in html and "Plenum am" in html
    assert f'datetime="{today:%Y-%m-%d}"' in html


def test_slug_clash_names_the_draft_that_holds_the_address(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    first = ProtokollPage(title="Protokoll Neustart", slug="protokoll-neustart", live=False,
                          date=datetime.date(2026, 11, 19))
    fachgruppe.add_child(instance=first)
    first.save_revision()
    client.force_login(user("fg-digitalisierung"))
    add_url = f"/admin/pages/add/om_pages/protokollpage/{fachgruppe.pk}/"
    response = client.post(add_url, {
        "title": "Protokoll Neustart", "slug": "protokoll-neustart", "date": "19.11.2026",
        "meeting_kind": "praesenz", "agenda_items-TOTAL_FORMS": "0", "agenda_items-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
    })
    html = response.content.decode()
    assert "ist schon vergeben" in html
    assert f"/admin/pages/{first.pk}/edit/" in html
    assert response.context["form"].non_field_errors()  # shown at the top, whatever the tab
