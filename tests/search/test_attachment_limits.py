"""Attachments cannot exhaust the server (R19: minutes and their attachments are public).

What is limited, each with its test:

1. Upload checks never looked at the unpacked size: a zip bomb DOCX/ODT/XLSX and an
   over-ratio file are refused at upload with a German message naming the limit
   (``test_zip_bomb_is_refused_at_upload``, ``test_over_ratio_file_is_refused_at_upload``,
   ``test_admin_upload_refuses_a_zip_bomb_in_german``, ``test_too_many_members_are_refused``).
2. A bomb already stored (import, backup) reached the parser: it is refused before parsing,
   without memory (``test_stored_bomb_is_refused_before_parsing_without_memory``,
   ``test_stored_bomb_on_a_published_protokoll_is_recorded_as_failed``).
3. Extraction ran inside the publishing request: publishing queues a task, the page is found
   by its own text at once and by the attachment's after the worker ran
   (``test_publishing_queues_the_extraction_instead_of_running_it``).
4. Extraction had no CPU or memory bound: the child process is stopped at the limit and the
   failure is recorded with a German reason, shown to the editor
   (``test_cpu_limit_is_recorded_as_failed``, ``test_memory_limit_is_recorded_as_failed_and_shown``).
"""

from __future__ import annotations

import datetime
import io
import json
import re
import tracemalloc
import zipfile
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page
from wagtail.test.utils.form_data import querydict_from_html

from om_pages.models import ProtokollPage
from om_pages.uploads import validate_document_file
from search import extraction
from search.models import ExtractedText, ExtractionStatus
from search.parsing import ExtractionError, extract_bytes
from tests.sample_files import docx_bytes, office_bomb
from tests.search import files
from tests.search.conftest import add_protokoll, attach

MiB = 1024 * 1024
#: Far over the default of 100 MiB unpacked; packs to about 250 KB (1 : 600).
BOMB_UNPACKED = 150 * MiB
#: Under 100 MiB unpacked, but packed 1 : 180 (the default limit is 1 : 100).
OVER_RATIO_UNPACKED = 8 * MiB

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "extraction": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


def search(query: str) -> list[str]:
    return [page.title for page in Page.objects.live().public().search(query)]


# --- 1. at upload ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "odt", "xlsx"])
def test_zip_bomb_is_refused_at_upload(kind):
    bomb = office_bomb(kind, BOMB_UNPACKED)
    assert len(bomb) < 400_000
    with pytest.raises(ValidationError) as error:
        validate_document_file(io.BytesIO(bomb), f"protokoll.{kind}")
    assert error.value.code == "archive_too_large_unpacked"
    message = error.value.messages[0]
    assert re.match(r"Die Datei ist entpackt zu groß \(15\d MB\)\.", message)
    assert "höchstens 100 MB (OM_MAX_UNPACKED_BYTES)" in message


@pytest.mark.parametrize("kind", ["docx", "odt", "xlsx"])
def test_over_ratio_file_is_refused_at_upload(kind):
    with pytest.raises(ValidationError) as error:
        validate_document_file(io.BytesIO(office_bomb(kind, OVER_RATIO_UNPACKED)), f"tabelle.{kind}")
    assert error.value.code == "archive_compression_ratio"
    assert "höchstens 1 : 100 (OM_MAX_COMPRESSION_RATIO)" in error.value.messages[0]


def test_limits_come_from_the_settings(settings):
    settings.OM_MAX_UNPACKED_BYTES = 4 * MiB
    with pytest.raises(ValidationError, match="höchstens 4 MB"):
        validate_document_file(io.BytesIO(office_bomb("docx", 5 * MiB, filler=bytes(range(256)) * 64)),
                               "a.docx")
    settings.OM_MAX_UNPACKED_BYTES = 200 * MiB
    settings.OM_MAX_COMPRESSION_RATIO = 10_000
    assert validate_document_file(io.BytesIO(office_bomb("docx", BOMB_UNPACKED)), "a.docx") == "docx"


def test_too_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        original = zipfile.ZipFile(io.BytesIO(docx_bytes()))
        for name in original.namelist():
            archive.writestr(name, original.read(name))
        for number in range(1001):
            archive.writestr(f"customXml/leer{number}.xml", "")
    with pytest.raises(ValidationError) as error:
        validate_document_file(buffer, "viele.docx")
    assert error.value.code == "archive_too_many_members"
    assert "OM_MAX_ARCHIVE_MEMBERS" in error.value.messages[0]


def test_real_office_files_pass():
    for kind, content in [("docx", files.make_docx("Protokoll", ["Beschluss"] * 50)),
                          ("odt", files.make_odt("Protokoll", ["Beschluss"] * 50)),
                          ("docx", files.make_large_docx(20_000))]:
        assert validate_document_file(io.BytesIO(content), f"a.{kind}") == kind


@pytest.mark.django_db
def test_admin_upload_refuses_a_zip_bomb_in_german(admin_client):
    Document = get_document_model()
    before = Document.objects.count()
    response = admin_client.post("/admin/documents/add/", {
        "title": "Anlage Bombe", "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile("bombe.docx", office_bomb("docx", BOMB_UNPACKED)),
    })
    assert response.status_code == 200
    assert "entpackt zu groß" in response.content.decode()
    assert Document.objects.count() == before


# --- 2. a bomb already stored ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_stored_bomb_is_refused_before_parsing_without_memory(kind):
    bomb = office_bomb(kind, BOMB_UNPACKED)
    parsed_before = extraction.parse_counter[kind]
    tracemalloc.start()
    try:
        with pytest.raises(ExtractionError, match="entpackt zu groß.*OM_MAX_UNPACKED_BYTES"):
            extract_bytes(bomb, f"altes-protokoll.{kind}")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MiB  # the directory only: the 150 MB were never unpacked
    assert extraction.parse_counter[kind] == parsed_before  # no parser ran


@pytest.mark.django_db
def test_stored_bomb_on_a_published_protokoll_is_recorded_as_failed(small_site, admin_client):
    """As if brought in by import_protokolle or om_restore, past the upload check."""
    bomb = office_bomb("docx", OVER_RATIO_UNPACKED)
    page = add_protokoll(small_site.arbeitsschutz, "Sitzung Altbestand", datetime.date(2023, 1, 10),
                         "Eigener Text Hebebuehne.", [("alt.docx", bomb)])
    row = ExtractedText.objects.get(sha256=extraction.sha256(bomb))
    assert row.status == ExtractionStatus.FAILED and not row.ok
    assert "ungewöhnlich stark gepackt" in row.error and "OM_MAX_COMPRESSION_RATIO" in row.error
    assert search("Hebebuehne") == ["Sitzung Altbestand"]
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "ist nicht in der Suche: Die Datei ist ungewöhnlich stark gepackt" in html


# --- 3. not in the request ------------------------------------------------------------------


def publish_protokoll_in_admin(admin_client, parent, title: str, body: str, document) -> ProtokollPage:
    url = f"/admin/pages/add/om_pages/protokollpage/{parent.pk}/"
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": title, "slug": "sitzung-warteschlange", "date": "2025-09-01",
                 "body": json.dumps({"blocks": [{"key": "a1", "type": "unstyled", "depth": 0, "text": body,
                                                 "inlineStyleRanges": [], "entityRanges": []}],
                                     "entityMap": {}}),
                 "documents-TOTAL_FORMS": "1", "documents-0-document": str(document.pk),
                 "documents-0-ORDER": "1", "documents-0-id": "", "action-publish": "action-publish"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ProtokollPage.objects.get(slug="sitzung-warteschlange")


@pytest.mark.django_db
def test_publishing_queues_the_extraction_instead_of_running_it(small_site, admin_client):
    from django_tasks_db.models import DBTaskResult

    content = files.make_pdf(["Anlage mit dem Wort Zahnradpumpe"])
    document = attach("pumpe.pdf", content)
    with override_settings(TASKS=DATABASE_QUEUE):
        parsed_before = extraction.parse_counter["pdf"]
        page = publish_protokoll_in_admin(admin_client, small_site.arbeitsschutz, "Sitzung Warteschlange",
                                          "Eigener Text Kreiselpumpe", document)
        assert page.live
        assert extraction.parse_counter["pdf"] == parsed_before  # nothing parsed in the request
        [queued] = DBTaskResult.objects.filter(backend_name="extraction")
        assert queued.status == "READY" and queued.task_path == "search.tasks.extract_document_text"
        assert ExtractedText.objects.get(sha256=extraction.sha256(content)).status == ExtractionStatus.PENDING
        assert search("Kreiselpumpe") == ["Sitzung Warteschlange"]  # its own text: at once
        assert search("Zahnradpumpe") == []  # the attachment's: not yet
        # re-indexing the page again queues no second task
        from wagtail.search.index import insert_or_update_object
        insert_or_update_object(page)
        assert DBTaskResult.objects.filter(backend_name="extraction").count() == 1
        html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
        assert "wird im Hintergrund ausgelesen" in html

        # The worker, as `make serve` runs it; only its connection housekeeping is switched
        # off, because it closes a connection inside a transaction (the test's) on PostgreSQL.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--backend", "extraction", "--batch", "--no-startup-delay",
                         "--no-reload", verbosity=0)

        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL"
        assert search("Zahnradpumpe") == ["Sitzung Warteschlange"]
        assert search("Kreiselpumpe") == ["Sitzung Warteschlange"]
        row = ExtractedText.objects.get(sha256=extraction.sha256(content))
        assert row.status == ExtractionStatus.OK and "Zahnradpumpe" in row.text


# --- 4. CPU and memory limits ---------------------------------------------------------------


@pytest.fixture(scope="module")
def heavy_docx() -> bytes:
    """17 MB of real paragraphs (packed 1 : 3.5): about 3 s CPU and 230 MB to read."""
    return files.make_large_docx(100_000)


@pytest.mark.django_db
@override_settings(OM_EXTRACTION_MAX_CPU_SECONDS=1)
def test_cpu_limit_is_recorded_as_failed(small_site, heavy_docx):
    add_protokoll(small_site.digital, "Sitzung Langlaeufer", datetime.date(2025, 3, 3),
                  "Eigener Text Rechenzeit.", [("lang.docx", heavy_docx)])
    row = ExtractedText.objects.get(sha256=extraction.sha256(heavy_docx))
    assert row.status == ExtractionStatus.FAILED
    assert row.error.startswith("Rechenzeit überschritten: Auslesen nach 1 s CPU-Zeit abgebrochen")
    assert search("Rechenzeit") == ["Sitzung Langlaeufer"]


@pytest.mark.django_db
@override_settings(OM_EXTRACTION_MAX_MEMORY_BYTES=150 * MiB)
def test_memory_limit_is_recorded_as_failed_and_shown(small_site, heavy_docx, admin_client):
    page = add_protokoll(small_site.digital, "Sitzung Speicher", datetime.date(2025, 3, 4),
                         "Eigener Text Arbeitsspeicher.", [("gross.docx", heavy_docx)])
    row = ExtractedText.objects.get(sha256=extraction.sha256(heavy_docx))
    assert row.status == ExtractionStatus.FAILED
    assert row.error == ("Speichergrenze überschritten: Auslesen braucht mehr als 150 MB "
                         "(OM_EXTRACTION_MAX_MEMORY_BYTES)")
    assert search("Arbeitsspeicher") == ["Sitzung Speicher"]
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Der Text des Anhangs „Anlage gross.docx“ ist nicht in der Suche: Speichergrenze" in html
