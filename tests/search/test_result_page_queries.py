"""The result page in a fixed number of queries, without reading a file (issue 18).

Before, ``/suche/`` asked about five queries per hit shown (agenda items, attachment rows,
collection, its restrictions, cached text: 62 for a page of ten) and opened each attached
file to hash it for the snippet. Now the texts of a whole page come from
``search.result_texts``: the digest recorded when a document is indexed
(``DocumentDigest``) leads to the stored text (``ExtractedText``), and the view
restrictions of collections are read once (R19).
"""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction
from whoosh.analysis import LanguageAnalyzer

from om_pages.models import AgendaItem, ProtokollDocument, ProtokollPage
from search import highlight
from search.models import DocumentDigest
from tests.search import files
from tests.search.conftest import attach, search_backend_name

pytestmark = pytest.mark.django_db

#: What a page of results may cost, whatever the number of hits (measured: 14 on this site).
MAX_QUERIES = 16
#: More hits than a page shows (ten): the page of many hits is full, the other has one.
MANY = 12
#: The one Protokoll found by "Einzelfallpruefung".
SINGLE = f"Sitzung {MANY}"


def add_minutes(parent, number: int, attachment_words: str, page_words: str = "Bericht") -> ProtokollPage:
    """A published Protokoll with two agenda items and a PDF whose text has ``attachment_words``."""
    page = ProtokollPage(title=f"Sitzung {number}", slug=f"sitzung-{number}",
                         date=datetime.date(2024, 1 + number % 12, 1 + number % 28),
                         body=f"<p>{page_words} der Sitzung {number}.</p>")
    page.agenda_items = [AgendaItem(title="Haushalt", decision="Angenommen."),
                         AgendaItem(title="Verschiedenes")]
    document = attach(f"anlage-{number}.pdf", files.make_pdf([f"{attachment_words} Nummer {number}"]))
    page.documents = [ProtokollDocument(document=document)]
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def many_minutes(small_site):
    """``MANY`` Protokolle found by "Rahmenvertrag" in their PDFs only; one by "Einzelfallpruefung"."""
    for number in range(MANY):
        add_minutes(small_site.arbeitsschutz, number, "Anlage zum Rahmenvertrag")
    add_minutes(small_site.digital, MANY, "Anlage zur Einzelfallpruefung")
    return small_site


def snippets(html: str) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


@pytest.mark.parametrize("path", ["/suche/", "/api/suche/"])
def test_queries_do_not_grow_with_the_hits(client, many_minutes, path):
    client.get(path + "?q=Rahmenvertrag")  # warm per-process caches (content types, site root paths)
    one, one_page = queries(client, path + "?q=Einzelfallpruefung")
    many, many_page = queries(client, path + "?q=Rahmenvertrag")
    assert one_page.count(SINGLE) >= 1 and "Sitzung 0" not in one_page
    if path == "/suche/":  # ten hits shown, each with its snippet from the attachment
        assert many_page.count('class="search-hit"') == 10
        assert many_page.count("Im Anhang") == 10
        assert many_page.count("<mark>Rahmenvertrag</mark>") == 10
        assert "<mark>Einzelfallpruefung</mark>" in one_page
    # with few hits the page looks for "Meinten Sie …?": Whoosh reads its own index, the
    # PostgreSQL backend asks its word index once (search.backends.postgres)
    suggestion = 1 if search_backend_name() == "postgres" else 0
    assert one == many + suggestion, f"1 hit: {one} queries, {MANY} hits: {many}"
    assert many <= MAX_QUERIES


def test_snippets_come_from_stored_text_without_the_files(client, many_minutes):
    """Every attached file is deleted after indexing: the snippets are still there, so no
    request reads a file (the old code hashed each file for its snippet)."""
    for document in get_document_model().objects.all():
        document.file.storage.delete(document.file.name)
        assert not document.file.storage.exists(document.file.name)
    html = client.get("/suche/", {"q": "Rahmenvertrag"}).content.decode()
    assert html.count("Im Anhang") == 10
    assert "<mark>Rahmenvertrag</mark> Nummer" in html
    api = client.get("/api/suche/", {"q": "Einzelfallpruefung"}).json()["results"]
    assert [result["snippet_source"] for result in api] == ["anhang"]
    assert "<mark>Einzelfallpruefung</mark>" in api[0]["snippet"]


def test_indexing_records_the_digest_of_each_file(many_minutes):
    page = ProtokollPage.objects.get(title=SINGLE)
    document = page.documents.get().document
    digest = DocumentDigest.objects.get(document=document)
    with document.file.open("rb") as handle:
        assert digest.sha256 == hashlib.sha256(handle.read()).hexdigest()
    assert digest.file_name == document.file.name and digest.file_size == document.file.size


def test_update_index_fills_the_digests_of_existing_documents(client, many_minutes):
    """After the upgrade that adds the table, ``update_index`` (docs/operations.md) fills it."""
    DocumentDigest.objects.all().delete()
    html = client.get("/suche/", {"q": "Rahmenvertrag"}).content.decode()
    assert html.count('class="search-hit"') == 10 and "Im Anhang" not in html  # no digest, no text
    call_command("update_index", verbosity=0)
    attached = set(ProtokollDocument.objects.values_list("document_id", flat=True))
    assert len(attached) == MANY + 3  # the small site's two files too
    assert set(DocumentDigest.objects.values_list("document_id", flat=True)) == attached
    html = client.get("/suche/", {"q": "Rahmenvertrag"}).content.decode()
    assert html.count("Im Anhang") == 10


def test_a_digest_of_a_replaced_file_is_not_used(client, many_minutes):
    """A file changed without the page being indexed again: its old text is not shown as
    the new file's snippet."""
    document = ProtokollPage.objects.get(title=SINGLE).documents.get().document
    get_document_model().objects.filter(pk=document.pk).update(file="documents/ersetzt.pdf")  # no signal
    result = client.get("/api/suche/", {"q": "Einzelfallpruefung"}).json()["results"]
    assert [item["title"] for item in result] == [SINGLE]  # the index is not yet updated
    assert result[0]["snippet_source"] != "anhang" and "Einzelfallpruefung" not in result[0]["snippet"]


def test_text_of_a_restricted_collection_never_reaches_a_snippet(client, many_minutes):
    """R19: even while the index still holds a file's text (the restriction saved without
    its signal, so nothing was re-indexed), the snippet does not show it."""
    document = ProtokollPage.objects.get(title=SINGLE).documents.get().document
    intern = Collection.get_first_root_node().add_child(name="Intern")
    vorstand = intern.add_child(name="Vorstand")
    get_document_model().objects.filter(pk=document.pk).update(collection=vorstand)
    CollectionViewRestriction.objects.bulk_create([CollectionViewRestriction(
        collection=intern, restriction_type=CollectionViewRestriction.LOGIN)])  # no signal
    html = client.get("/suche/", {"q": "Einzelfallpruefung"}).content.decode()
    assert SINGLE in html  # still found: the index was not updated
    assert snippets(html) and all("Einzelfallpruefung" not in snippet for snippet in snippets(html))
    assert "Im Anhang" not in html
    api = client.get("/api/suche/", {"q": "Einzelfallpruefung"}).json()["results"]
    assert all("Einzelfallpruefung" not in item["snippet"] for item in api)


LONG = " ".join(["Bericht über Sitzungen und Beschlüsse der Fachgruppe"] * 2000)


@pytest.mark.parametrize("text, query", [
    ("Lärmschutz in der Werkstatt, Lärm überall", "Lärm"),
    ("Nichts passt hier", "Lärm"),
    (LONG + " Gefährdungsbeurteilungen am Ende", "Gefährdungsbeurteilung"),
    ("Die psychischen Belastungen", "psychische"),
    ("", "Lärm"),
    ("Text", ""),
])
def test_first_match_is_the_first_of_all_matches(text, query):
    """``first_match`` stops at the first match; it is the start of the first of all spans,
    with the plain analyser and with a German stemming one (as the Whoosh backend's)."""
    for analyzer, min_prefix in [(highlight.PLAIN, 1), (LanguageAnalyzer("de"), 3)]:
        spans = highlight.match_spans(text, query, analyzer, min_prefix)
        expected = spans[0][0] if spans else None
        assert highlight.first_match(text, query, analyzer, min_prefix) == expected
