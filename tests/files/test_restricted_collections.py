"""A collection made private takes its files out of the public search.

The text of a document in a collection with a view restriction never reaches the public index
(``search.extraction.document_text``), but before, making a collection private did not
re-index the pages using its files: the word still found the page, with the file's text as
snippet. Saving or deleting a ``CollectionViewRestriction`` now re-indexes them
(``om_pages.files.reindex_collection``), sub-collections included.
"""

from __future__ import annotations

import datetime

import pytest
from wagtail.models import Collection, CollectionViewRestriction

from om_pages.models import ProtokollDocument, ProtokollPage
from tests.files.conftest import upload
from tests.search import files as sample
from tests.search.conftest import small_site, whoosh_dir, without_demo_content  # noqa: F401
from tests.search.test_attachments import hit_titles, search_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal(small_site):  # noqa: F811
    """A published Protokoll whose PDF lies in the sub-collection "Intern/Vorstand"."""
    root = Collection.get_first_root_node()
    intern = root.add_child(name="Intern")
    vorstand = intern.add_child(name="Vorstand")
    document = upload(vorstand, "vorstand.pdf", sample.make_pdf(["Liquiditaetsplanung Stiftung"]))
    page = ProtokollPage(title="Sitzung Finanzen", slug="sitzung-finanzen", date=datetime.date(2025, 9, 1),
                         body="<p>Bericht.</p>")
    page.documents = [ProtokollDocument(document=document)]
    small_site.arbeitsschutz.add_child(instance=page)
    page.save_revision().publish()
    return intern, vorstand, document


def test_restricting_a_collection_takes_its_text_out_of_the_public_search(client, internal):
    intern, vorstand, _ = internal
    assert hit_titles(search_page(client, "Liquiditaetsplanung")) == ["Sitzung Finanzen"]
    restriction = CollectionViewRestriction.objects.create(
        collection=vorstand, restriction_type=CollectionViewRestriction.PASSWORD, password="geheim")
    html = search_page(client, "Liquiditaetsplanung")
    assert hit_titles(html) == []
    assert "<mark>Liquiditaetsplanung</mark>" not in html
    restriction.delete()  # public again: the text comes back
    assert hit_titles(search_page(client, "Liquiditaetsplanung")) == ["Sitzung Finanzen"]


def test_a_restriction_on_a_parent_collection_counts_too(client, internal):
    intern, _, _ = internal
    CollectionViewRestriction.objects.create(collection=intern,
                                             restriction_type=CollectionViewRestriction.LOGIN)
    assert hit_titles(search_page(client, "Liquiditaetsplanung")) == []
    # the page itself is still found by its own words
    assert hit_titles(search_page(client, "Finanzen")) == ["Sitzung Finanzen"]


def test_the_api_snippet_does_not_carry_the_text(client, internal):
    _, vorstand, _ = internal
    CollectionViewRestriction.objects.create(collection=vorstand,
                                             restriction_type=CollectionViewRestriction.LOGIN)
    assert client.get("/api/suche/", {"q": "Liquiditaetsplanung"}).json()["results"] == []
