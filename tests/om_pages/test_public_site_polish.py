"""What visitors stumbled over on the public site."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.views.defaults import server_error
from icalendar import Calendar

from om_pages.models import FachgruppePage, JahresberichtPage, ProtokollPage

ATOM = "{http://www.w3.org/2005/Atom}"
RULE_CODE = re.compile(r"\(R\d{1,2}\)|\bR\d{1,2}\b")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_missing_page_is_german_in_the_site_layout(demo_home, client):
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html and 'class="site-header"' in html
    assert "Not Found" not in html


def test_server_error_page_is_german():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in html and "Server Error" not in html


@pytest.mark.django_db
def test_public_pages_carry_no_rule_codes(demo_home, client):
    urls = ["/", "/fachgruppen/", "/suche/?q=Protokoll"]
    urls += [g.url for g in FachgruppePage.objects.live().public()]
    urls += [ProtokollPage.objects.live().first().url, JahresberichtPage.objects.live().first().url]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = RULE_CODE.findall(visible_text(response.content.decode()))
        assert not found, (url, found)


@pytest.mark.django_db
def test_ical_urls_use_the_sites_address(demo_home, client):
    """The address the visitor used, as in the Atom feed; never the Site record's localhost."""
    calendar = Calendar.from_ical(client.get("/feeds/veranstaltungen.ics").content)
    urls = [str(event["URL"]) for event in calendar.walk("VEVENT") if "URL" in event]
    assert urls and all(u.startswith("http://testserver/") for u in urls)


@pytest.mark.django_db
def test_atom_entries_carry_the_meeting_date(demo_home, client):
    root = ET.fromstring(client.get("/feeds/protokolle.atom").content)
    dates = {p.url: p.date.isoformat() for p in ProtokollPage.objects.live()}
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        path = entry.find(f"{ATOM}link").get("href").removeprefix("http://testserver")
        assert entry.find(f"{ATOM}updated").text.startswith(dates[path]), path


@pytest.mark.django_db
def test_favicon_is_announced_and_served(demo_home, client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    assert finders.find("om_pages/favicon.svg")


@pytest.mark.django_db
def test_login_page_names_the_om_and_says_passwort(client):
    html = client.get("/admin/login/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "Offensive Mittelstand" in heading and "Wagtail" not in heading
    assert re.search(r"<label[^>]*>\s*Passwort", html)
