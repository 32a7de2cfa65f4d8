"""Files of Produkte and Jahresberichte are searched like Protokoll attachments.

"Partners and the public search all published minutes in full text, attachments included"
(R19); the Produktdatei and the Berichtsdatei (R12) are found the same way, with the
attachment snippet. An undecided Produkt stays unfindable, attachment included (R11).
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from wagtail.models import Page
from wagtail.search.index import insert_or_update_object

from om_pages.models import FachgruppePage, JahresberichtPage, ProduktKind, ProduktPage
from tests.approval import publish_decided
from tests.search import files
from tests.search.conftest import attach

pytestmark = pytest.mark.django_db


def hit_titles(html: str) -> list[str]:
    return re.findall(r'<li class="search-hit"[^>]*>\s*<a href="[^"]*">([^<]*)</a>', html)


def search_page(client, q: str) -> str:
    response = client.get("/suche/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def api_titles(client, q: str) -> list[str]:
    return [result["title"] for result in client.get("/api/suche/", {"q": q}).json()["results"]]


def add_jahresbericht(group, year: int, file_lines: list[str], publish: bool = True):
    page = JahresberichtPage(title=f"Jahresbericht {year}", slug=f"jahresbericht-{year}", year=year,
                             body="<p>Bericht an das Plenum.</p>", live=publish,
                             document=attach(f"bericht-{year}.pdf", files.make_pdf(file_lines)))
    group.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return JahresberichtPage.objects.get(pk=page.pk)


# --- Jahresbericht (R12) --------------------------------------------------------------------


def test_published_jahresbericht_file_is_found_with_attachment_snippet(client, small_site):
    report = add_jahresbericht(small_site.arbeitsschutz, 2025,
                               ["Taetigkeitsbericht 2025", "Unfallstatistik der Mitgliedsbetriebe"])
    html = search_page(client, "Unfallstatistik")
    assert hit_titles(html) == ["Jahresbericht 2025"]
    assert "<mark>Unfallstatistik</mark>" in html
    assert "Im Anhang" in html and "Anlage bericht-2025.pdf" in html
    # prefixes reach into the file too (autocomplete field of the attachment text)
    assert hit_titles(search_page(client, "Unfallstat*")) == ["Jahresbericht 2025"]
    [result] = client.get("/api/suche/", {"q": "Unfallstatistik"}).json()["results"]
    assert result["id"] == report.pk and result["snippet_source"] == "anhang"
    assert result["attachment"]["url"] == report.document.url


def test_draft_jahresbericht_file_is_not_found(client, small_site):
    add_jahresbericht(small_site.digital, 2024, ["Entwurf Cloudmigration"], publish=False)
    assert [p.title for p in Page.objects.search("Cloudmigration")] == ["Jahresbericht 2024"]  # indexed
    assert hit_titles(search_page(client, "Cloudmigration")) == []
    assert api_titles(client, "Cloudmigration") == []


# --- Produkt (R11) --------------------------------------------------------------------------


@pytest.fixture
def undecided_produkt(demo_home):
    """A new Leitfaden of the demo's recognised Fachgruppe, with its file, not yet decided."""
    group = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    page = ProduktPage(title="Leitfaden Hubarbeitsbühnen", slug="leitfaden-hubarbeitsbuehnen",
                       kind=ProduktKind.LEITFADEN, summary="Ein Leitfaden für Betriebe.", live=False,
                       document=attach("hubarbeit.docx", files.make_docx(
                           "Leitfaden", ["Unterweisung vor dem Einsatz von Teleskopmasten."])))
    group.add_child(instance=page)
    page.save_revision()
    return ProduktPage.objects.get(pk=page.pk)


def test_undecided_produkt_file_is_found_only_after_the_decision(client, undecided_produkt):
    # The draft is in the index (so the search itself must keep it out) ...
    assert [p.pk for p in Page.objects.search("Teleskopmasten")] == [undecided_produkt.pk]
    # ... but neither the search page nor the API shows it before AG Transfer and Plenum (R11).
    assert hit_titles(search_page(client, "Teleskopmasten")) == []
    assert api_titles(client, "Teleskopmasten") == []

    published = publish_decided(undecided_produkt)
    assert published.live

    html = search_page(client, "Teleskopmasten")
    assert hit_titles(html) == ["Leitfaden Hubarbeitsbühnen"]
    assert "<mark>Teleskopmasten</mark>" in html
    assert "Im Anhang" in html and "Anlage hubarbeit.docx" in html
    assert api_titles(client, "Teleskopmasten") == ["Leitfaden Hubarbeitsbühnen"]


def test_new_file_in_a_draft_of_a_live_produkt_stays_private(client, undecided_produkt):
    live = publish_decided(undecided_produkt)
    live.document = attach("hubarbeit-v2.docx", files.make_docx(
        "Leitfaden", ["Neu: Rettungskonzept fuer Korbarbeiten."]))
    live.save_revision()  # a draft: the decided version stays the public one (R11)
    insert_or_update_object(ProduktPage.objects.get(pk=live.pk))
    assert hit_titles(search_page(client, "Rettungskonzept")) == []
    assert hit_titles(search_page(client, "Teleskopmasten")) == ["Leitfaden Hubarbeitsbühnen"]


def test_replacing_the_produkt_file_reindexes_the_produkt(client, undecided_produkt):
    published = publish_decided(undecided_produkt)
    published.document.file.save("hubarbeit-neu.docx", ContentFile(files.make_docx(
        "Leitfaden", ["Neufassung Absturzrettung."])))
    assert hit_titles(search_page(client, "Absturzrettung")) == ["Leitfaden Hubarbeitsbühnen"]
    assert hit_titles(search_page(client, "Teleskopmasten")) == []


# --- the shared mechanism -------------------------------------------------------------------


def test_pages_without_a_file_have_no_attachment_text(small_site):
    page = ProduktPage(title="Ohne Datei", kind=ProduktKind.CHECKLISTE)
    assert page.attached_documents() == []
    assert page.attachment_text() == ""
    report = JahresberichtPage(title="Ohne Datei", year=datetime.date.today().year)
    assert report.attached_documents() == [] and report.attachment_text() == ""


def test_attachment_text_follows_a_changed_file_on_the_same_instance(small_site):
    report = add_jahresbericht(small_site.arbeitsschutz, 2023, ["Alte Fassung Staubmessung"])
    assert "Staubmessung" in report.attachment_text()
    report.document = attach("neu.txt", b"Neue Fassung Vibrationsbelastung")
    assert "Vibrationsbelastung" in report.attachment_text()
    assert "Staubmessung" not in report.attachment_text()
