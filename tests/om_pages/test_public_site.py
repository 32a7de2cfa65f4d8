"""The public site: home (latest Protokolle, decided Produkte), Fachgruppe pages (R19, R26),
accessibility basics. Query counts that do not grow with the number of Protokolle:
tests/om_pages/test_query_bounds.py."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from om_pages.models import (
    FachgruppePage,
    HomePage,
    ProduktKind,
    ProduktPage,
    ProtokollPage,
    VeranstaltungKind,
    VeranstaltungPage,
)
from om_pages.public import visible
from tests.approval import publish_decided


@pytest.fixture
def digital(demo_home):
    return FachgruppePage.objects.get(slug="digitalisierung")


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- home -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_latest_protokolle_with_their_owner(demo_home, client):
    html = html_of(client, "/")
    newest = list(visible(ProtokollPage, demo_home).order_by("-date", "-pk")[:5])
    section = html.split('id="neue-protokolle"')[1].split("</section>")[0]
    assert [m for m in re.findall(r'<a href="([^"]+)">', section) if "/feeds/" not in m] == \
        [p.url for p in newest]
    assert "Fachgruppe Fachkräftesicherung" in section


@pytest.mark.django_db
def test_home_shows_only_live_produkte(digital, client):
    draft = ProduktPage(title="Unbeschlossener Leitfaden", slug="unbeschlossen",
                        kind=ProduktKind.LEITFADEN, live=False)
    digital.add_child(instance=draft)
    draft.save_revision()
    withdrawn = ProduktPage.objects.get(slug="praxisstandard-digitalisierung")
    withdrawn.unpublish()
    html = html_of(client, "/")
    section = html.split('id="neue-produkte"')[1].split("</section>")[0]
    assert "Unbeschlossener Leitfaden" not in section
    assert "Praxisstandard Digitalisierung" not in section
    # R10/R11: the demo's Checkliste IT-Sicherheit waits in the AG Transfer (not decided, not
    # live); the Checkliste psychische Belastung went through its chain and is live.
    assert "Checkliste IT-Sicherheit für Kleinbetriebe" not in section
    assert "Checkliste psychische Belastung" in section


@pytest.mark.django_db
def test_home_hides_records_of_unpublished_group(digital, client):
    digital.unpublish()
    html = html_of(client, "/")
    assert digital.url not in html


@pytest.mark.django_db
def test_home_links_the_fachgruppen_list(demo_home, client):
    """R26: the list of all Fachgruppen is reachable from the home page."""
    assert 'href="/fachgruppen/"' in html_of(client, "/")


# --- Fachgruppe page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_fachgruppe_page_shows_concept_partners_contacts_and_records(digital, client):
    # R10: the demo's Fachtag waits in the AG Transfer; decided and published, the page lists it.
    publish_decided(VeranstaltungPage.objects.get(title="Fachtag Digitale Arbeitswelt"))
    html = html_of(client, digital.url)
    for text in ("Themenbereich: Digitalisierung", "Ziele", "Vorgehensweise",
                 "Koordination", "Sabine Yılmaz", "RKW Kompetenzzentrum",
                 "Moderation", "Martin Özdemir", "Schmidt Software GmbH",
                 "TBS NRW – Technologieberatungsstelle", "OM-Partner",
                 "Praxisstandard Digitalisierung", "Fachtag Digitale Arbeitswelt",
                 "keine Mitgliedsbeiträge", "<h3>2026</h3>", "<h3>2025</h3>"):
        assert text in html, text
    for protokoll in ProtokollPage.objects.live().child_of(digital):
        assert protokoll.url in html


@pytest.mark.django_db
def test_fachgruppe_page_lists_only_upcoming_public_events(digital, client):
    past = VeranstaltungPage(title="Vergangener Fachtag", slug="vergangen",
                             kind=VeranstaltungKind.VERANSTALTUNG,
                             start=timezone.now() - datetime.timedelta(days=3), live=False)
    digital.add_child(instance=past)
    past.save_revision()
    publish_decided(past)  # R10: only a decided event goes live
    undecided = "Fachtag Digitale Arbeitswelt"  # demo: upcoming, but still in the AG Transfer
    assert undecided not in html_of(client, digital.url)
    publish_decided(VeranstaltungPage.objects.get(title="Fachtag Digitale Arbeitswelt"))
    html = html_of(client, digital.url)
    assert "Vergangener Fachtag" not in html
    assert undecided in html


@pytest.mark.django_db
def test_fachgruppen_list_names_every_group_with_topic(demo_home, client):
    html = html_of(client, "/fachgruppen/")
    for group in FachgruppePage.objects.live():
        assert group.title in html and group.topic_area in html


# --- accessibility --------------------------------------------------------------------------


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["home", "index", "fachgruppe", "protokoll", "veranstaltung"])
def test_pages_are_accessible_german_and_self_contained(demo_home, client, kind):
    url = {
        "home": "/",
        "index": "/fachgruppen/",
        "fachgruppe": FachgruppePage.objects.first().url,
        "protokoll": ProtokollPage.objects.live().first().url,
        "veranstaltung": VeranstaltungPage.objects.live().first().url,
    }[kind]
    html = html_of(client, url)
    assert '<html lang="de">' in html
    assert '<meta name="viewport"' in html
    assert 'class="skip-link" href="#inhalt"' in html and '<main id="inhalt"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    levels = heading_levels(html)
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    for field_id in re.findall(r'<input[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html, f"input #{field_id} has no label"
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html), "no external CDN"


@pytest.mark.django_db
def test_public_site_speaks_german_to_an_english_browser(demo_home, client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Oktober" in html and "October" not in html
    assert "Neue Protokolle" in html


def test_stylesheet_ships_with_the_app_and_has_focus_styles():
    path = finders.find("css/om.css")
    assert path is not None
    css = open(path, encoding="utf-8").read()
    assert ":focus-visible" in css and "@media" in css
    assert "http" not in css, "no external fonts or CDN"


@pytest.mark.django_db
def test_home_page_is_the_site_root(demo_home):
    assert HomePage.objects.get().url == "/"
