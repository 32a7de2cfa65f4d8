"""A page form takes only files the user may choose (R19).

Wagtail's chooser lists the collections with the ``choose`` permission, but the forms took any
posted id: a group attached and published another group's document. Every test posts the
real admin edit view as the browser would (``querydict_from_html`` on the rendered form).
"""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import querydict_from_html

from om_pages.models import (
    FachgruppePage,
    JahresberichtPage,
    Organisation,
    Person,
    ProduktPage,
    ProtokollPage,
)
from tests.files.conftest import OTHER_GROUP, OWN_GROUP, collection_of, group, upload
from tests.workflow.conftest import user

REFUSED = "liegt in einer Sammlung, aus der Sie keine Dokumente auswählen dürfen"
PUBLISH = {"action-publish": "action-publish"}


def edit_data(client, page) -> tuple[str, dict]:
    url = f"/admin/pages/{page.pk}/edit/"
    response = client.get(url)
    assert response.status_code == 200
    return url, querydict_from_html(response.content.decode(), form_id="page-edit-form")


def add_inline_document(data, document) -> None:
    """One more row in the Anhänge inline panel (prefix ``documents``)."""
    n = int(data["documents-TOTAL_FORMS"])
    data["documents-TOTAL_FORMS"] = str(n + 1)
    data.update({f"documents-{n}-document": str(document.pk), f"documents-{n}-id": "",
                 f"documents-{n}-ORDER": str(n + 1), f"documents-{n}-DELETE": ""})


@pytest.fixture
def editor_client(client, demo_home):
    client.force_login(user("fg-gefaehrdung"))
    return client


@pytest.fixture
def foreign_document(demo_home):
    return upload(collection_of(OTHER_GROUP), "strategie-digitalisierung.txt",
                  b"Vertrauliche Strategie der Fachgruppe Digitalisierung\n")


@pytest.fixture
def own_document(demo_home):
    return upload(collection_of(OWN_GROUP), "eigene-anlage.txt", b"Eigene Anlage\n")


def own_protokoll(with_attachment: bool) -> ProtokollPage:
    pages = ProtokollPage.objects.child_of(group(OWN_GROUP)).order_by("date")
    return pages.filter(documents__isnull=not with_attachment).distinct().first()


def test_every_page_and_snippet_form_checks_files():
    from om_pages.forms import OMPageForm, OMSnippetForm

    for model in (FachgruppePage, ProtokollPage, ProduktPage, JahresberichtPage):
        assert issubclass(model.get_edit_handler().get_form_class(), OMPageForm), model
    for model in (Organisation, Person):
        assert issubclass(model.get_edit_handler().get_form_class(), OMSnippetForm), model


def test_another_groups_document_is_refused_in_the_protokoll_inline(editor_client, foreign_document):
    page = own_protokoll(with_attachment=False)
    before = page.latest_revision_id
    url, data = edit_data(editor_client, page)
    add_inline_document(data, foreign_document)
    response = editor_client.post(url, {**data, **PUBLISH})
    assert response.status_code == 200  # the form comes back with the error at the field
    assert REFUSED in response.content.decode()
    assert "strategie-digitalisierung" in response.content.decode() or foreign_document.title in \
        response.content.decode()
    page.refresh_from_db()
    assert page.latest_revision_id == before
    assert not page.documents.filter(document=foreign_document).exists()


def test_another_groups_document_is_refused_as_berichtsdatei(editor_client, foreign_document):
    page = JahresberichtPage.objects.child_of(group(OWN_GROUP)).first()
    before = page.latest_revision_id
    url, data = edit_data(editor_client, page)
    data["document"] = str(foreign_document.pk)
    response = editor_client.post(url, data)  # a draft is refused as well as a publish
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    page.refresh_from_db()
    assert page.latest_revision_id == before


def test_another_groups_document_is_refused_as_produktdatei(editor_client, foreign_document):
    page = ProduktPage.objects.child_of(group(OWN_GROUP)).filter(live=False).first()
    before = page.latest_revision_id
    url, data = edit_data(editor_client, page)
    data["document"] = str(foreign_document.pk)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert ProduktPage.objects.get(pk=page.pk).latest_revision_id == before


def test_a_document_link_in_rich_text_is_refused(editor_client, foreign_document):
    page = own_protokoll(with_attachment=False)
    url, data = edit_data(editor_client, page)
    form_class = ProtokollPage.get_edit_handler().get_form_class()
    widget = form_class.base_fields["body"].widget
    data["body"] = widget.format_value(
        f'<p>Siehe <a linktype="document" id="{foreign_document.pk}">Strategie</a>.</p>')
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()


def test_an_image_embedded_in_rich_text_is_refused(editor_client, demo_home):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from tests.sample_files import image_bytes

    image = get_image_model()(title="Organigramm Digitalisierung", collection=collection_of(OTHER_GROUP))
    image.file.save("organigramm.png", ContentFile(image_bytes("PNG")), save=False)
    image.width = image.height = 4
    image.save()
    page = own_protokoll(with_attachment=False)
    url, data = edit_data(editor_client, page)
    widget = ProtokollPage.get_edit_handler().get_form_class().base_fields["body"].widget
    data["body"] = widget.format_value(
        f'<p>Organigramm:</p><embed embedtype="image" id="{image.pk}" format="fullwidth" alt="x"/>')
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "aus der Sie keine Bilder auswählen dürfen" in response.content.decode()


def test_own_collection_document_is_accepted(editor_client, own_document):
    page = own_protokoll(with_attachment=False)
    url, data = edit_data(editor_client, page)
    add_inline_document(data, own_document)
    response = editor_client.post(url, data)
    assert response.status_code == 302
    draft = ProtokollPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert [d.document_id for d in draft.documents.all()] == [own_document.pk]


def test_an_attachment_already_there_does_not_block_an_unrelated_save(editor_client):
    """The demo's attachments lie in the root collection, which no group may choose from."""
    page = own_protokoll(with_attachment=True)
    attached = [d.document_id for d in page.documents.all()]
    assert attached
    url, data = edit_data(editor_client, page)
    data["title"] = page.title + " (ergänzt)"
    response = editor_client.post(url, {**data, **PUBLISH})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ProtokollPage.objects.get(pk=page.pk)
    assert page.title.endswith("(ergänzt)")
    assert [d.document_id for d in page.documents.all()] == attached


def test_a_superuser_may_attach_any_document(client, foreign_document):
    client.force_login(user("admin"))
    page = own_protokoll(with_attachment=False)
    url, data = edit_data(client, page)
    add_inline_document(data, foreign_document)
    assert client.post(url, data).status_code == 302
