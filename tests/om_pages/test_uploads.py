"""Uploads are checked by content, not by name (documents of Protokolle and Produkte, R19)."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from om_pages.uploads import validate_document_file
from tests.sample_files import HOSTILE, VALID

Document = get_document_model()


@pytest.mark.parametrize("name", sorted(VALID))
def test_validator_accepts_real_files(name):
    assert validate_document_file(io.BytesIO(VALID[name]()), name)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validator_rejects_hostile_files(name):
    with pytest.raises(ValidationError) as error:
        validate_document_file(io.BytesIO(HOSTILE[name]()), name)
    assert error.value.messages[0].startswith("Die") or "nicht erlaubt" in error.value.messages[0]


def test_validator_size_limit_from_settings(settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ValidationError) as error:
        validate_document_file(io.BytesIO(b"%PDF-1.7\n" + b"0" * 2000), "gross.pdf")
    assert error.value.code == "file_too_large"
    assert "zu groß" in error.value.messages[0]


def post_upload(client, name: str, content: bytes, title: str = "Anlage zur Sitzung"):
    return client.post(
        "/admin/documents/add/",
        {
            "title": title,
            "collection": Collection.get_first_root_node().pk,
            "tags": "protokoll, sitzung",
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VALID))
def test_admin_upload_accepts_real_files(admin_client, name):
    response = post_upload(admin_client, name, VALID[name](), title=f"Gültig {name}")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.filter(title=f"Gültig {name}").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_admin_upload_rejects_hostile_files_and_keeps_the_form(admin_client, name):
    before = Document.objects.count()
    response = post_upload(admin_client, name, HOSTILE[name](), title="Mein sorgfältiger Titel")
    assert response.status_code == 200
    html = response.content.decode()
    assert Document.objects.count() == before
    assert 'value="Mein sorgfältiger Titel"' in html  # nothing else of the form is lost
    assert "protokoll" in html and "sitzung" in html  # the tags survive too
    assert any(
        text in html for text in ("nicht erlaubt", "passt nicht zum Inhalt", "Die Datei ist leer", "leer")
    )


@pytest.mark.django_db
def test_admin_upload_refuses_oversized_file_in_german(admin_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 2048
    response = post_upload(admin_client, "gross.pdf", b"%PDF-1.7\n" + b"0" * 4096)
    assert response.status_code == 200
    assert "zu groß" in response.content.decode()
    assert not Document.objects.filter(title="Anlage zur Sitzung").exists()


@pytest.mark.django_db
def test_multiple_upload_rejects_renamed_executable(admin_client):
    """The drag-and-drop uploader uses the same form: JSON error, nothing stored."""
    before = Document.objects.count()
    response = admin_client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("bericht.pdf", HOSTILE["programm.pdf"]()),
         "collection": Collection.get_first_root_node().pk},
    )
    data = json.loads(response.content)
    assert data["success"] is False
    assert "nicht erlaubt" in data["error_message"]
    assert Document.objects.count() == before


@pytest.mark.django_db
def test_multiple_upload_accepts_docx(admin_client):
    response = admin_client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("protokoll.docx", VALID["protokoll.docx"]()),
         "collection": Collection.get_first_root_node().pk},
    )
    assert json.loads(response.content)["success"] is True


@pytest.mark.django_db
def test_chooser_upload_on_a_protokoll_rejects_pdf_named_docx(admin_client):
    """The upload tab of the document chooser (Protokoll attachments, Produktdatei)."""
    before = Document.objects.count()
    response = admin_client.post(
        "/admin/documents/chooser/create/",
        {"document-chooser-upload-title": "Anlage",
         "document-chooser-upload-collection": Collection.get_first_root_node().pk,
         "document-chooser-upload-file": SimpleUploadedFile("anlage.docx", VALID["protokoll.pdf"]())},
    )
    assert response.status_code == 200
    assert "passt nicht zum Inhalt" in response.content.decode()
    assert Document.objects.count() == before


@pytest.mark.django_db
def test_replacing_the_file_of_a_document_is_checked_too(admin_client, demo_home):
    document = Document.objects.first()
    original = document.file.name
    response = admin_client.post(
        f"/admin/documents/edit/{document.pk}/",
        {"title": document.title, "collection": document.collection_id,
         "file": SimpleUploadedFile("neu.docx", HOSTILE["archiv.docx"]())},
    )
    assert response.status_code == 200
    assert "nicht erlaubt" in response.content.decode()
    document.refresh_from_db()
    assert document.file.name == original
