"""manage.py import_protokolle (R19): legacy minutes become published, searchable Protokolle.

The command creates Protokoll pages and lives in om_pages; its tests count pages, cache rows
and search hits on an otherwise empty site, so they use the search tests' site and index
fixtures (imported here, the autouse ones apply to this module only).
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from om_pages.legacy import date_from_name, date_from_text, title_from
from om_pages.models import ProtokollPage
from search.models import ImportedFile
from tests.search import conftest as search_fixtures
from tests.search import files
from workflow.access import grant_access

pytestmark = pytest.mark.django_db

# The search tests' fixtures: an empty site with two groups, an own index per test.
small_site = search_fixtures.small_site
whoosh_dir = search_fixtures.whoosh_dir  # autouse
without_demo_content = search_fixtures.without_demo_content  # autouse


@pytest.fixture
def legacy_dir(tmp_path):
    docx = files.make_docx("Protokoll Frühjahrstreffen", ["Thema Hebebuehnen und Leitern."])
    (tmp_path / "2023-05-17_fruehjahr.docx").write_bytes(docx)
    (tmp_path / "kopie-vom-fruehjahr.docx").write_bytes(docx)  # same bytes: a duplicate
    (tmp_path / "protokoll_17.06.2022.pdf").write_bytes(
        files.make_pdf(["Sitzung Sommer", "Bericht zu Absturzsicherung"]))
    (tmp_path / "20210301.odt").write_bytes(files.make_odt("Winterklausur", ["Thema Glatteisunfaelle"]))
    (tmp_path / "herbst.md").write_bytes(
        "# Herbstsitzung\n\nSitzung am 3. März 2020 über Staubexposition.".encode())
    (tmp_path / "notiz.txt").write_text("Nur eine Notiz ohne Datum zu Atemschutz.", encoding="utf-8")
    (tmp_path / "foto.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "2020-01-01-kaputt.pdf").write_bytes(files.BROKEN_PDF)
    return tmp_path


def run(*args) -> str:
    out = StringIO()
    call_command("import_protokolle", *args, stdout=out)
    return out.getvalue()


def test_import_end_to_end_with_skipped_summary(client, small_site, legacy_dir):
    group = small_site.arbeitsschutz
    before = ProtokollPage.objects.child_of(group).count()
    output = run(str(legacy_dir), "--fachgruppe", "arbeitsschutz")

    imported = ProtokollPage.objects.child_of(group).live().filter(
        date__in=[datetime.date(2023, 5, 17), datetime.date(2022, 6, 17),
                  datetime.date(2021, 3, 1), datetime.date(2020, 3, 3)])
    assert imported.count() == 4
    assert ProtokollPage.objects.child_of(group).count() == before + 4
    by_date = {page.date: page for page in imported}
    assert by_date[datetime.date(2023, 5, 17)].title == "Protokoll Frühjahrstreffen"
    assert by_date[datetime.date(2021, 3, 1)].title == "Winterklausur"
    assert by_date[datetime.date(2020, 3, 3)].title == "Herbstsitzung"  # date from the text
    for page in imported:
        assert not page.has_unpublished_changes
        [document] = page.attached_documents()
        assert document.file.name
    assert ImportedFile.objects.count() == 4

    # what was skipped, and why
    assert "4 Protokoll(e) importiert." in output
    assert "4 Datei(en) übersprungen" in output
    assert "kopie-vom-fruehjahr.docx: Duplikat von „2023-05-17_fruehjahr.docx“" in output
    assert "notiz.txt: kein Datum gefunden" in output
    assert "foto.png: unbekannter Dateityp „.png“" in output
    assert "2020-01-01-kaputt.pdf: nicht lesbar: PDF nicht lesbar" in output
    assert "1× Duplikat, " in output
    assert "8/8" in output  # the progress bar reached the end

    # the imported text is found on the public search page, in the attachment
    html = client.get("/suche/", {"q": "Absturzsicherung"}).content.decode()
    assert by_date[datetime.date(2022, 6, 17)].title in html
    assert "<mark>Absturzsicherung</mark>" in html


def test_second_run_imports_nothing(small_site, legacy_dir):
    run(str(legacy_dir), "--fachgruppe", "arbeitsschutz")
    pages = ProtokollPage.objects.count()
    documents = get_document_model().objects.count()
    output = run(str(legacy_dir), "--fachgruppe", "arbeitsschutz")
    assert ProtokollPage.objects.count() == pages
    assert get_document_model().objects.count() == documents
    assert "0 Protokoll(e) importiert." in output
    assert "2023-05-17_fruehjahr.docx: bereits importiert" in output


def test_dry_run_changes_nothing(small_site, legacy_dir):
    pages = ProtokollPage.objects.count()
    output = run(str(legacy_dir), "--fachgruppe", "arbeitsschutz", "--dry-run")
    assert ProtokollPage.objects.count() == pages
    assert ImportedFile.objects.count() == 0
    assert "4 Protokoll(e) würden importiert." in output
    assert "Probelauf" in output


def test_same_date_gets_a_unique_slug(small_site, tmp_path):
    (tmp_path / "2024-03-05-a.txt").write_text("Erste Fassung", encoding="utf-8")
    (tmp_path / "2024-03-05-b.txt").write_text("Zweite Fassung", encoding="utf-8")
    run(str(tmp_path), "--fachgruppe", "digital")
    slugs = set(ProtokollPage.objects.child_of(small_site.digital).filter(
        date=datetime.date(2024, 3, 5)).values_list("slug", flat=True))
    assert slugs == {"protokoll-2024-03-05", "protokoll-2024-03-05-2"}


def imported_documents():
    return get_document_model().objects.filter(
        pk__in=ImportedFile.objects.values_list("document_id", flat=True))


def test_documents_go_into_the_fachgruppes_own_collection(client, small_site, legacy_dir):
    """R19: recognition gives the group its own collection; imported files belong there."""
    zugang = grant_access(small_site.arbeitsschutz)  # what the Plenum's recognition runs
    output = run(str(legacy_dir), "--fachgruppe", "arbeitsschutz")
    assert imported_documents().count() == 4
    assert set(imported_documents().values_list("collection_id", flat=True)) == {zugang.collection_id}
    assert "Die Dokumente kommen in die Sammlung „Fachgruppe Arbeitsschutz“ der Fachgruppe." in output
    assert "Wurzelsammlung" not in output
    # the group's collection is not restricted: the text stays publicly searchable
    html = client.get("/suche/", {"q": "Absturzsicherung"}).content.decode()
    assert "<mark>Absturzsicherung</mark>" in html


def test_without_own_collection_documents_go_to_the_root_with_a_notice(small_site, legacy_dir):
    root = Collection.get_first_root_node()
    output = run(str(legacy_dir), "--fachgruppe", "digital")
    assert imported_documents().count() == 4
    assert set(imported_documents().values_list("collection_id", flat=True)) == {root.pk}
    assert ("Hinweis: Die Fachgruppe Digitalisierung hat keine eigene Sammlung (sie entsteht mit "
            f"der Anerkennung, R19). Die Dokumente kommen in die Wurzelsammlung „{root.name}“.") in output


def test_restricted_group_collection_is_used_with_a_notice(client, small_site, tmp_path):
    zugang = grant_access(small_site.digital)
    CollectionViewRestriction.objects.create(
        collection=zugang.collection, restriction_type=CollectionViewRestriction.PASSWORD,
        password="geheim")
    (tmp_path / "2024-02-01.txt").write_text("Winterklausur\n\nThema Serverraumkuehlung",
                                             encoding="utf-8")
    output = run(str(tmp_path), "--fachgruppe", "digital")
    assert list(imported_documents().values_list("collection_id", flat=True)) == [zugang.collection_id]
    assert ("Hinweis: Die Sammlung „Fachgruppe Digitalisierung“ ist zugriffsbeschränkt; der Text "
            "der Dokumente erscheint nicht in der öffentlichen Suche.") in output
    assert client.get("/api/suche/", {"q": "Winterklausur"}).json()["total"] == 1  # the page is found
    assert client.get("/api/suche/", {"q": "Serverraumkuehlung"}).json()["total"] == 0  # not the file


def test_unknown_fachgruppe_is_a_clear_german_error(small_site, legacy_dir):
    with pytest.raises(CommandError, match="Die Fachgruppe „gibtsnicht“ gibt es nicht. Vorhandene "
                                           "Fachgruppen: arbeitsschutz, digital."):
        run(str(legacy_dir), "--fachgruppe", "gibtsnicht")


def test_missing_directory_is_a_clear_german_error(small_site, tmp_path):
    with pytest.raises(CommandError, match="existiert nicht"):
        run(str(tmp_path / "fehlt"), "--fachgruppe", "digital")


@pytest.mark.parametrize("name, expected", [
    ("2023-05-17 Protokoll.pdf", datetime.date(2023, 5, 17)),
    ("Protokoll_17.05.2023.docx", datetime.date(2023, 5, 17)),
    ("20230517_fg.odt", datetime.date(2023, 5, 17)),
    ("fg_2023_05_17.md", datetime.date(2023, 5, 17)),
    ("protokoll-2023-13-45.pdf", None),
    ("protokoll.pdf", None),
])
def test_date_from_file_name(name, expected):
    assert date_from_name(name) == expected


def test_date_and_title_from_text():
    text = "# Sitzung der Fachgruppe\n\nBerlin, den 4. Dezember 2019\nBeschluss vom 05.01.2020"
    assert date_from_text(text) == datetime.date(2019, 12, 4)
    assert title_from(text, "x.md") == "Sitzung der Fachgruppe"
    assert title_from("", "alt_protokoll-fg.pdf") == "Alt protokoll fg"
