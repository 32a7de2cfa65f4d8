"""Fixtures for the search tests: a fresh Whoosh index per test and a small page tree."""

import datetime

import pytest
from modelsearch.backends import get_search_backend
from wagtail.models import Page

from om_pages.models.pages import FachgruppenIndexPage, FachgruppePage, HomePage, ProtokollPage
from search.backends.whoosh import current_searcher


@pytest.fixture(autouse=True)
def whoosh_dir(settings, tmp_path):
    """Every test gets its own empty index directory (the database is rolled back too)."""
    path = tmp_path / "whoosh"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(path), "LOCK_TIMEOUT": 30}
    }
    return path


@pytest.fixture
def backend(whoosh_dir):
    return get_search_backend("default")


def indexed_keys(backend) -> set[str]:
    """Keys of all documents in the index, read straight from Whoosh."""
    return {fields["key"] for fields in current_searcher(backend.ix).documents()}


@pytest.fixture
def fachgruppe(db):
    """Home → Fachgruppen → "Fachgruppe Arbeitsschutz", all live."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Startseite Test", slug="start-test"))
    index = home.add_child(instance=FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen"))
    return index.add_child(
        instance=FachgruppePage(
            title="Fachgruppe Sicherheit und Gesundheit", slug="sicherheit",
            topic_area="Sicherheit und Gesundheit bei der Arbeit",
        )
    )


def add_protokoll(parent, title: str, body: str = "", *, live: bool = True, **fields) -> ProtokollPage:
    """A ProtokollPage under ``parent``; ``live=False`` makes a draft that was never published."""
    page = ProtokollPage(
        title=title, date=fields.pop("date", datetime.date(2026, 3, 12)), body=body, live=live, **fields
    )
    return parent.add_child(instance=page)


def titles(results) -> list[str]:
    return [page.title for page in results]
