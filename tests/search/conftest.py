"""A small site for the search tests (much faster than the full demo)."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from modelsearch.backends import get_search_backend
from wagtail.documents import get_document_model
from wagtail.models import Page

from om_pages.demo.loader import ensure_home
from om_pages.models import (
    FachgruppenIndexPage,
    FachgruppePage,
    GremiumPage,
    HomePage,
    ProtokollDocument,
    ProtokollPage,
)
from tests.search import files
from workflow.vorgang import Vorgang


def attach(name: str, content: bytes):
    Document = get_document_model()
    document = Document(title=f"Anlage {name}")
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def add_protokoll(parent, title: str, date: datetime.date, body: str = "",
                  attachments: list[tuple[str, bytes]] = (), publish: bool = True) -> ProtokollPage:
    page = ProtokollPage(title=title, slug=f"p-{ProtokollPage.objects.count() + 1}-{date:%Y%m%d}",
                         date=date, body=f"<p>{body}</p>", live=publish)
    page.documents = [ProtokollDocument(document=attach(name, content))
                      for name, content in attachments]
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return ProtokollPage.objects.get(pk=page.pk)


@dataclass
class SmallSite:
    home: object
    arbeitsschutz: FachgruppePage
    digital: FachgruppePage
    plenum: GremiumPage
    protokolle: list[ProtokollPage] = field(default_factory=list)


@contextmanager
def delete_signals_muted():
    """No receivers for deletes while the demo content goes: the records guard (R21), the
    search index, the page cache and Wagtail's logging would otherwise run per page."""
    muted = (pre_delete, post_delete, m2m_changed)
    saved = [(signal, signal.receivers) for signal in muted]
    for signal in muted:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


@pytest.fixture(autouse=True)
def without_demo_content(request):
    """These tests count hits and cache rows exactly: start each from an empty site.

    The session's demo content (tests/conftest.py) is deleted inside the test's transaction,
    so it is back for the next test after the rollback. It goes in bulk, with the delete
    signals muted (a logged purge per page, R21, cost about a second per test): the rows of
    the search index and the words of "Meinten Sie" that those signals would have removed are
    emptied directly, since nothing but the demo content is in them yet.
    """
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames)
    if not uses_db or "demo_home" in request.fixturenames:
        yield
        return
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    from om_pages.models import HomePage
    from search.models import ExtractedText, ImportedFile, SpellingDocument, SpellingWord

    home = HomePage.objects.first()
    with delete_signals_muted():
        if home is not None:
            Page.objects.descendant_of(home).delete()
        for model in (ExtractedText, ImportedFile, IndexEntry, SpellingDocument, SpellingWord):
            model.objects.all().delete()
    yield


def add_recognised_group(index, **fields) -> FachgruppePage:
    """A live Fachgruppe: only a group the Plenum recognised is published (R1, R26, issue 14)."""
    group = index.add_child(instance=FachgruppePage(live=False, **fields))
    Vorgang.objects.create(kind="anerkennung", page=group, page_title=group.title, state="anerkannt")
    group.save_revision().publish()
    group.refresh_from_db()
    return group


@pytest.fixture
def small_site(db) -> SmallSite:
    """Two Fachgruppen and the Plenum with Protokolle in 2024 and 2025, one PDF, one DOCX."""
    home = ensure_home()
    index = FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen")
    home.add_child(instance=index)
    index.save_revision().publish()
    groups = []
    for slug, title in [("arbeitsschutz", "Fachgruppe Arbeitsschutz"),
                        ("digital", "Fachgruppe Digitalisierung")]:
        group = add_recognised_group(index, title=title, slug=slug, topic_area=title.split()[-1])
        groups.append(group)
    plenum = GremiumPage(title="Plenum", slug="plenum", kind="plenum")
    home.add_child(instance=plenum)
    plenum.save_revision().publish()
    site = SmallSite(home, groups[0], groups[1], plenum)
    site.protokolle = [
        add_protokoll(groups[0], "Sitzung Lärmschutz", datetime.date(2024, 3, 5),
                      "Beratung über Lärmschutz in Werkstätten.",
                      [("laerm.pdf", files.make_pdf(["Messbericht Schallpegel Tischlerei",
                                                    "Empfehlung Gehoerschutz"]))]),
        add_protokoll(groups[0], "Sitzung Gefährdungsbeurteilung", datetime.date(2025, 6, 12),
                      "Die Gefährdungsbeurteilung psychischer Belastung wird besprochen."),
        add_protokoll(groups[1], "Sitzung Datenschutz", datetime.date(2025, 2, 20),
                      "Datenschutz und Digitalisierung im Handwerk.",
                      [("daten.docx", files.make_docx("Anlage Datenschutz", [
                          "Checkliste Auftragsverarbeitung fuer Kleinbetriebe."]))]),
        add_protokoll(plenum, "Plenum Frühjahr", datetime.date(2025, 4, 1),
                      "Das Plenum beschließt die Checkliste Datenschutz."),
    ]
    return site


# --- Whoosh backend fixtures ------------------------------------------------------------------


def search_backend_name() -> str:
    """The backend the suite runs on: ``OM_SEARCH_BACKEND`` (cms/settings.py), as in CI's
    third pass ``OM_SEARCH_BACKEND=postgres DATABASE_URL=postgres://… make test``."""
    from django.conf import settings

    return settings.OM_SEARCH_BACKEND


@pytest.fixture(autouse=True)
def whoosh_dir(request, settings, tmp_path):
    """The configured search backend, empty for every test.

    Whoosh: its own index directory per test. PostgreSQL: the index is a table, rolled back
    with the test's transaction like everything else. Tests marked ``whoosh_only`` (Whoosh
    internals: index files, locks, its hit cache) are skipped on PostgreSQL with the reason.
    """
    path = tmp_path / "whoosh"
    if search_backend_name() == "postgres":
        marker = request.node.get_closest_marker("whoosh_only")
        if marker is not None:
            pytest.skip(f"nur Whoosh: {marker.args[0] if marker.args else 'Whoosh-Interna'}")
        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {"BACKEND": "search.backends.postgres", "SEARCH_CONFIG": "german"}
        }
        return path
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(path), "LOCK_TIMEOUT": 30}
    }
    return path


@pytest.fixture
def backend(whoosh_dir):
    return get_search_backend("default")


@pytest.fixture
def fachgruppe(db):
    """Home → Fachgruppen → "Fachgruppe Sicherheit und Gesundheit", all live."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Startseite Test", slug="start-test"))
    index = home.add_child(instance=FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen"))
    return add_recognised_group(
        index, title="Fachgruppe Sicherheit und Gesundheit", slug="sicherheit",
        topic_area="Sicherheit und Gesundheit bei der Arbeit",
    )
