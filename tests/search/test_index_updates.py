"""Wagtail's signal handlers keep the search index current (DESIGN.md "Search", R19).

Publish, unpublish, move and delete go through Wagtail's own model methods; the index is
read back directly (Whoosh's documents, PostgreSQL's index table) so the test fails if a
signal does not reach the backend.
"""

import pytest
from django.core.management import call_command
from modelsearch.query import Phrase
from wagtail.models import Page

from om_pages.models.pages import ProtokollPage
from tests.purge import purge_as_superuser
from tests.search.conftest import add_recognised_group
from workflow.models import Sitzung

from .tree import add_protokoll, index_key, indexed_keys, titles

pytestmark = pytest.mark.django_db


def public_search(query: str) -> list[str]:
    return titles(Page.objects.live().public().search(query))


def test_publish_indexes_the_published_revision(backend, fachgruppe):
    page = add_protokoll(fachgruppe, "Sitzung Entwurf", "Lärmschutzwand geplant", live=False)
    assert public_search("Lärmschutzwand") == []

    page.body = "Lärmschutzwand und Hautschutzplan beschlossen"
    page.save_revision().publish()

    assert public_search("Hautschutzplan") == ["Sitzung Entwurf"]
    assert index_key(backend, page) in indexed_keys(backend)


def test_new_draft_revision_does_not_change_public_result(fachgruppe):
    page = add_protokoll(fachgruppe, "Sitzung Mai", "Atemschutz besprochen")
    page.body = "Geheimer Zwischenstand Kettensäge"
    page.save_revision()  # a draft of a live page: the live content stays what was published
    assert public_search("Kettensäge") == []
    assert public_search("Atemschutz") == ["Sitzung Mai"]


def test_unpublish_removes_from_public_search(fachgruppe):
    page = add_protokoll(fachgruppe, "Sitzung Juli", "Staubschutz beschlossen")
    assert public_search("Staubschutz") == ["Sitzung Juli"]
    page.unpublish()
    assert public_search("Staubschutz") == []


def test_move_is_seen_by_tree_filters(fachgruppe):
    other = add_recognised_group(fachgruppe.get_parent(), title="Fachgruppe Demografie",
                                 slug="demografie", topic_area="Demografie")
    page = add_protokoll(fachgruppe, "Sitzung Umzug", "Altersstrukturanalyse vorgestellt")
    page.move(other, pos="last-child")

    moved = ProtokollPage.objects.get(pk=page.pk)
    assert titles(Page.objects.live().descendant_of(other).search("Altersstrukturanalyse")) == [
        "Sitzung Umzug"
    ]
    assert titles(Page.objects.live().descendant_of(fachgruppe).search("Altersstrukturanalyse")) == []
    assert moved.url_path.startswith(other.url_path)


def test_delete_removes_document(backend, fachgruppe):
    page = add_protokoll(fachgruppe, "Sitzung Löschen", "Brandschutzübung")
    key = index_key(backend, page)
    assert key in indexed_keys(backend)
    purge_as_superuser(page)  # a Protokoll is a record: only a logged purge deletes it (R21)
    assert key not in indexed_keys(backend)
    assert public_search("Brandschutzübung") == []


def test_update_index_rebuilds_and_drops_stale_entries(backend, fachgruppe):
    page = add_protokoll(fachgruppe, "Sitzung Rebuild", "Ergonomieberatung")
    backend.reset_indexes()
    assert public_search("Ergonomieberatung") == []

    call_command("update_index", verbosity=0)
    assert public_search("Ergonomieberatung") == ["Sitzung Rebuild"]

    # an entry whose page vanished without a signal (raw delete) is removed by the rebuild
    key = index_key(backend, page)
    Sitzung.objects.filter(protokoll_id=page.pk).update(protokoll=None)  # its Sitzung stays
    ProtokollPage.objects.filter(pk=page.pk)._raw_delete(using="default")
    Page.objects.filter(pk=page.pk)._raw_delete(using="default")
    assert key in indexed_keys(backend)
    call_command("update_index", verbosity=0)
    assert key not in indexed_keys(backend)


@pytest.mark.whoosh_only("Whoosh's bulk writer and its stored documents")
def test_rebuild_writes_each_object_once_even_when_met_twice(backend, fachgruppe, monkeypatch):
    """The rebuild's writer spans chunks (issue 18); Whoosh replaces committed documents only,
    so an object added twice (a subclass after its parent model) must still be one document."""
    from search.backends.whoosh import indexer

    monkeypatch.setattr(indexer, "BULK_SEGMENT_DOCS", 4)  # no commit between the two calls
    pages = [add_protokoll(fachgruppe, f"Sitzung {i}", f"Atemschutzmaske{i}") for i in range(3)]
    index = backend.get_index_for_model(ProtokollPage)
    rebuilder = backend.rebuilder_class(index)
    bulk = rebuilder.start()
    bulk.add_items(ProtokollPage, pages)
    bulk.add_items(ProtokollPage, pages[:1])  # met again before the commit
    rebuilder.finish()

    with backend.ix.searcher() as searcher:  # stored documents; replaced ones are not listed
        keys = [fields["key"] for fields in searcher.documents()]
    assert sorted(keys) == sorted(set(keys))
    assert {index_key(backend, page) for page in pages} <= set(keys)
    assert public_search("Atemschutzmaske0") == ["Sitzung 0"]
    lock = backend.ix.lock("WRITELOCK")
    assert lock.acquire()  # the rebuild's writer let the lock go
    lock.release()


@pytest.mark.whoosh_only("Whoosh's catch-all field; PostgreSQL keeps one tsvector per object")
def test_the_catch_all_field_weighs_fields_and_keeps_phrases_inside_one(fachgruppe):
    """Issue 18: one catch-all field with the fields' boosts; a phrase never spans two fields."""
    title_hit = add_protokoll(fachgruppe, "Sitzung Hautschutz", "Beratung zu Handschuhen")
    add_protokoll(fachgruppe, "Sitzung Mai", "Hautschutz besprochen, dazu Beratung")
    hits = titles(Page.objects.live().public().search("Hautschutz"))
    assert hits[0] == title_hit.title  # Page.title has boost 2 (Wagtail), the body none
    # "Hautschutz" ends the title, "Beratung" begins the body: no phrase across them
    assert titles(Page.objects.live().search(Phrase("Hautschutz Beratung"))) == []
    assert titles(Page.objects.live().search(Phrase("Beratung zu Handschuhen"))) == [title_hit.title]


@pytest.mark.whoosh_only("an old Whoosh index on disk")
def test_an_index_without_the_catch_all_field_works_until_update_index(backend, fachgruppe):
    """An index of an earlier release (no ``text`` field) is searched field by field; writes
    skip the field; ``update_index`` rebuilds it with the field (docs/search.md "Upgrading")."""
    from whoosh.writing import CLEAR

    from search.backends.whoosh.schema import CATCH_ALL_FIELD

    with backend.writer(mergetype=CLEAR) as writer:  # what an earlier release had on disk
        writer.remove_field(CATCH_ALL_FIELD)
    assert not backend.has_catch_all()
    add_protokoll(fachgruppe, "Sitzung Alt", "Gehörschutzpflicht")
    assert public_search("Gehörschutzpflicht") == ["Sitzung Alt"]

    call_command("update_index", verbosity=0)
    assert backend.has_catch_all()
    assert public_search("Gehörschutzpflicht") == ["Sitzung Alt"]
