"""Attachment text (R19): every format, extracted once per file version, failures skipped."""

import logging

import pytest
from django.test import override_settings
from modelsearch.index import insert_or_update_object
from wagtail.models import Page

from om_pages.models import ProtokollPage
from search import extraction
from search.extraction import cached_text
from search.models import ExtractedText
from search.parsing import ExtractionError, extract_bytes
from tests.search import files
from tests.search.conftest import add_protokoll, attach


@pytest.mark.parametrize("name, content, expected", [
    ("a.pdf", files.make_pdf(["Niederschrift Arbeitskreis", "Schallpegel (dB) Messung"]), "Schallpegel (dB)"),
    ("a.docx", files.make_docx("Anlage", ["Gefährdungsbeurteilung für Kleinbetriebe"]),
     "Gefährdungsbeurteilung für Kleinbetriebe"),
    ("a.odt", files.make_odt("Protokoll ODT", ["Beschluss über die Checkliste Lärm"]),
     "Beschluss über die Checkliste Lärm"),
    ("a.txt", "Notiz zur Sitzung: Übergabe an die AG Transfer".encode("cp1252"),
     "Übergabe an die AG Transfer"),
    ("a.md", b"# Protokoll\n\nDie **Fachgruppe** tagt.", "Die **Fachgruppe** tagt."),
])
def test_every_format_yields_its_text(name, content, expected):
    assert expected in extract_bytes(content, name)


def test_odt_heading_is_part_of_the_text():
    text = extract_bytes(files.make_odt("Überschrift Sitzung", ["Absatz"]), "x.odt")
    assert text.splitlines()[0] == "Überschrift Sitzung"


@pytest.mark.parametrize("name, content, reason", [
    ("kaputt.pdf", files.BROKEN_PDF, "PDF nicht lesbar"),
    ("geheim.pdf", files.make_encrypted_pdf(["streng geheim"]), "verschlüsselt"),
    ("kaputt.docx", files.BROKEN_DOCX, "DOCX nicht lesbar"),
    ("kaputt.odt", b"nur Text, kein ODT", "ODT nicht lesbar"),
    ("bild.png", b"\x89PNG", "unbekannter Dateityp"),
])
def test_unreadable_files_raise_a_german_reason(name, content, reason):
    with pytest.raises(ExtractionError, match=reason):
        extract_bytes(content, name)


@pytest.mark.django_db
def test_second_extraction_of_the_same_file_hits_the_cache():
    content = files.make_docx("Anlage", ["Zwischenbericht Pilotbetriebe"])
    parsed_before = extraction.parse_counter["docx"]
    first = cached_text(content, "erste.docx")
    second = cached_text(content, "gleicher-inhalt-anderer-name.docx")
    assert first == second and "Zwischenbericht Pilotbetriebe" in first
    assert extraction.parse_counter["docx"] == parsed_before + 1  # the parser ran once
    assert ExtractedText.objects.count() == 1
    assert ExtractedText.objects.get().sha256 == extraction.sha256(content)


@pytest.mark.django_db
def test_a_changed_file_version_is_parsed_again():
    cached_text(files.make_docx("A", ["Version eins"]), "a.docx")
    parsed_before = extraction.parse_counter["docx"]
    assert "Version zwei" in cached_text(files.make_docx("A", ["Version zwei"]), "a.docx")
    assert extraction.parse_counter["docx"] == parsed_before + 1
    assert ExtractedText.objects.count() == 2


@pytest.mark.django_db
def test_reindexing_a_page_does_not_parse_its_attachment_again(small_site):
    from wagtail.search.backends import get_search_backend

    page = small_site.protokolle[0]  # has laerm.pdf, parsed when it was published
    parsed_before = extraction.parse_counter["pdf"]
    rows_before = ExtractedText.objects.count()
    backend = get_search_backend()
    for _ in range(3):
        backend.add(ProtokollPage.objects.get(pk=page.pk))
    assert extraction.parse_counter["pdf"] == parsed_before
    assert ExtractedText.objects.count() == rows_before
    assert Page.objects.live().search("Schallpegel").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", [
    ("kaputt.pdf", files.BROKEN_PDF),
    ("verschluesselt.pdf", files.make_encrypted_pdf(["Geheimwort Zaunkoenig"])),
])
def test_broken_or_encrypted_attachment_is_logged_and_page_still_indexed(small_site, caplog, name, content):
    with caplog.at_level(logging.WARNING, logger="search.extraction"):
        page = add_protokoll(small_site.digital, "Sitzung Kaputtanhang", small_site.protokolle[0].date,
                             "Einzigartiges Stichwort Wendeltreppe.", [(name, content)])
    records = [r for r in caplog.records if r.name == "search.extraction"]
    assert records and name in records[0].getMessage()
    assert records[0].levelno == logging.WARNING
    assert list(Page.objects.live().search("Wendeltreppe")) == [page.page_ptr]
    assert Page.objects.live().search("Zaunkoenig").count() == 0
    row = ExtractedText.objects.get(sha256=extraction.sha256(content))
    assert not row.ok and row.error


@pytest.mark.django_db
def test_missing_file_on_disk_is_logged_and_skipped(small_site, caplog):
    document = attach("weg.docx", files.make_docx("Weg", ["Verschwunden"]))
    document.file.storage.delete(document.file.name)
    with caplog.at_level(logging.WARNING, logger="search.extraction"):
        assert extraction.document_text(document) == ""
    assert any("weg" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_om_pages_uses_the_extractor_named_in_settings(small_site):
    """om_pages knows the extractor only by the dotted path in the setting (architecture)."""
    page = ProtokollPage.objects.get(pk=small_site.protokolle[2].pk)
    assert "Auftragsverarbeitung" in page.attachment_text()
    with override_settings(OM_ATTACHMENT_TEXT_EXTRACTOR=""):
        assert ProtokollPage.objects.get(pk=page.pk).attachment_text() == ""


@pytest.mark.django_db
def test_demo_docx_attachments_are_searchable(demo_home):
    """The demo loader's real DOCX attachments are indexed with their Protokolle.

    The session's demo was indexed into the session index; this test starts from an empty
    one (Whoosh: its own directory, ``whoosh_dir``; PostgreSQL: the index table emptied inside
    the test's transaction), so the demo's Protokolle are indexed into it first.
    """
    from wagtail.search.backends import get_search_backend

    get_search_backend().reset_indexes()
    with_attachment = ProtokollPage.objects.filter(documents__isnull=False).distinct()
    assert with_attachment.exists()
    assert not Page.objects.live().public().search("Zwischenergebnisse")  # the index is empty
    for protokoll in with_attachment:
        insert_or_update_object(protokoll)
    found = {page.pk for page in Page.objects.live().public().search("Zwischenergebnisse")}
    assert set(with_attachment.values_list("pk", flat=True)) <= found


@pytest.mark.django_db
def test_replacing_a_documents_file_reindexes_the_page(small_site):
    from django.core.files.base import ContentFile

    page = small_site.protokolle[2]
    document = page.attached_documents()[0]
    assert Page.objects.live().search("Auftragsverarbeitung").count() == 1
    document.file.save("daten-v2.docx", ContentFile(files.make_docx("V2", ["Neufassung Loeschkonzept"])))
    assert [p.pk for p in Page.objects.live().search("Loeschkonzept")] == [page.pk]
    assert Page.objects.live().search("Auftragsverarbeitung").count() == 0
