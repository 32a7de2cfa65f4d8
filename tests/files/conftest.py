"""Shared helpers of the file tests: files follow the page they belong to (R19, R11).

The demo's recognised Fachgruppen each have their own document collection (``FachgruppeZugang``,
R19); the demo's own attachments lie in the root collection, where no group may choose.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from om_pages.models import FachgruppePage, ProtokollDocument, ProtokollPage
from workflow.models import FachgruppeZugang

OWN_GROUP = "gefaehrdungsbeurteilung"  # edited by fg-gefaehrdung
OTHER_GROUP = "digitalisierung"  # edited by fg-digitalisierung


def group(slug: str) -> FachgruppePage:
    return FachgruppePage.objects.get(slug=slug)


def collection_of(slug: str) -> Collection:
    return FachgruppeZugang.objects.get(fachgruppe=group(slug)).collection


def neutral_collection() -> Collection:
    """A collection no demo user (but the superuser) has a permission on."""
    root = Collection.get_first_root_node()
    return root.get_children().filter(name="Ablage").first() or root.add_child(name="Ablage")


def upload(collection: Collection, name: str, content: bytes = b"Inhalt der Anlage\n",
           title: str | None = None):
    Document = get_document_model()
    document = Document(title=title or f"Anlage {name}", collection=collection)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def protokoll_with(parent, document, *, slug: str, publish: bool) -> ProtokollPage:
    page = ProtokollPage(title=f"Protokoll {slug}", slug=slug, date=datetime.date(2026, 10, 1),
                         live=publish, body="<p>Sitzung.</p>")
    page.documents = [ProtokollDocument(document=document)]
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return ProtokollPage.objects.get(pk=page.pk)


@pytest.fixture
def own_group(demo_home) -> FachgruppePage:
    return group(OWN_GROUP)
