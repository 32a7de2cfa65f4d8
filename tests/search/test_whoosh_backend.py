"""The search backend through Wagtail's public API: ``Page.objects.…search()`` (DESIGN.md "Search").

Written for the Whoosh backend; runs on the PostgreSQL backend too (``OM_SEARCH_BACKEND=postgres``).
"""

import datetime

import pytest
from django.db.models import Q
from modelsearch.query import MATCH_ALL, Boost, Fuzzy, Not, Phrase, PlainText
from wagtail.models import Page, PageViewRestriction

from om_pages.models.pages import ProtokollPage
from search.backends.whoosh import WhooshSearchBackend

from .tree import add_protokoll, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def protokolle(fachgruppe):
    return {
        "maerz": add_protokoll(
            fachgruppe, "Sitzung März 2026", "Beschluss zur Gefährdungsbeurteilung psychischer Belastung",
            date=datetime.date(2026, 3, 12),
        ),
        "juni": add_protokoll(
            fachgruppe, "Sitzung Juni 2026", "Leitfaden Arbeitsschutz im Handwerk verabschiedet",
            date=datetime.date(2026, 6, 18),
        ),
        "sept": add_protokoll(
            fachgruppe, "Sitzung September 2026", "Gefährdung durch Lärm; Leitfaden überarbeitet",
            date=datetime.date(2026, 9, 24),
        ),
    }


@pytest.mark.whoosh_only("the Whoosh backend's class; the PostgreSQL one: test_postgres_backend.py")
def test_backend_is_whoosh(backend):
    assert isinstance(backend, WhooshSearchBackend)


def test_page_search_finds_live_public_pages(protokolle):
    results = Page.objects.live().public().search("Leitfaden")
    assert set(titles(results)) == {"Sitzung Juni 2026", "Sitzung September 2026"}
    assert results.count() == 2


def test_drafts_and_private_pages_never_found(fachgruppe, protokolle):
    """Security (R19): only live, public pages reach the public search."""
    add_protokoll(fachgruppe, "Entwurf Leitfaden", "Leitfaden im Entwurf", live=False)
    private = add_protokoll(fachgruppe, "Interner Leitfaden", "Leitfaden nur intern")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    found = titles(Page.objects.live().public().search("Leitfaden"))
    assert "Entwurf Leitfaden" not in found and "Interner Leitfaden" not in found
    assert set(found) == {"Sitzung Juni 2026", "Sitzung September 2026"}
    # they are in the index (the editors' admin search sees them), only the queryset hides them
    assert {"Entwurf Leitfaden", "Interner Leitfaden"} <= set(titles(Page.objects.search("Leitfaden")))


def test_specific_search_with_filters_and_ordering(protokolle):
    qs = ProtokollPage.objects.live().filter(date__year=2026, date__gte=datetime.date(2026, 6, 1))
    assert titles(qs.order_by("date").search("Leitfaden", order_by_relevance=False)) == [
        "Sitzung Juni 2026", "Sitzung September 2026",
    ]
    assert titles(qs.order_by("-date").search("Leitfaden", order_by_relevance=False)) == [
        "Sitzung September 2026", "Sitzung Juni 2026",
    ]
    excluded = ProtokollPage.objects.filter(~Q(date__lt=datetime.date(2026, 9, 1)) | Q(date__isnull=True))
    assert titles(excluded.search("Leitfaden")) == ["Sitzung September 2026"]
    other_kinds = ProtokollPage.objects.filter(meeting_kind__in=["video", "hybrid"])
    assert titles(other_kinds.search("Leitfaden")) == []


def test_operators_and_query_classes(protokolle):
    search = ProtokollPage.objects.search
    assert titles(search("Leitfaden Lärm", operator="and")) == ["Sitzung September 2026"]
    assert set(titles(search("Leitfaden Lärm", operator="or"))) == {
        "Sitzung Juni 2026", "Sitzung September 2026",
    }
    assert titles(search(Phrase("Arbeitsschutz im Handwerk"))) == ["Sitzung Juni 2026"]
    assert titles(search(Phrase("Handwerk im Arbeitsschutz"))) == []
    assert titles(search(PlainText("Leitfaden") & Not(PlainText("Lärm")))) == ["Sitzung Juni 2026"]
    assert titles(search(Fuzzy("Leitfadn"))) != []
    assert len(search(MATCH_ALL)) == 3
    assert titles(search(Not(MATCH_ALL))) == []


def test_boost_reorders(protokolle):
    query = PlainText("Handwerk") | Boost(PlainText("Lärm"), 5.0)
    assert titles(ProtokollPage.objects.search(query))[0] == "Sitzung September 2026"
    query = Boost(PlainText("Handwerk"), 5.0) | PlainText("Lärm")
    assert titles(ProtokollPage.objects.search(query))[0] == "Sitzung Juni 2026"


def test_slicing_count_and_score(protokolle):
    results = ProtokollPage.objects.search("Sitzung").annotate_score("_score")
    assert results.count() == 3
    assert len(results[1:3]) == 2 and results[1:3].count() == 2
    assert all(isinstance(page._score, float) and page._score > 0 for page in results)


def test_facet_on_filter_field(protokolle, fachgruppe):
    add_protokoll(fachgruppe, "Online-Sitzung", "Leitfaden online", meeting_kind="video")
    facets = ProtokollPage.objects.search("Leitfaden").facet("meeting_kind")
    assert dict(facets) == {"praesenz": 2, "video": 1}


def test_autocomplete(protokolle):
    assert set(titles(ProtokollPage.objects.autocomplete("Sitz"))) == {
        "Sitzung März 2026", "Sitzung Juni 2026", "Sitzung September 2026",
    }
    assert titles(ProtokollPage.objects.autocomplete("Sitzung Sept")) == ["Sitzung September 2026"]


def test_unsupported_query_names_backend(backend, protokolle):
    from modelsearch.query import SearchQuery

    class Unknown(SearchQuery):
        pass

    with pytest.raises(NotImplementedError, match="Whoosh|PostgreSQL"):
        list(backend.search(Unknown(), ProtokollPage))


def test_suggest_and_highlight(backend, protokolle):
    assert backend.suggest("Leitfadn") == "Leitfaden"  # as written in the pages
    assert backend.suggest("Leitfaden") is None
    snippet = backend.highlight("Die <b>Gefährdungsbeurteilung</b> & der Leitfaden", "Gefährdung")
    assert "<mark>Gefährdungsbeurteilung</mark>" in snippet
    assert "&lt;b&gt;" in snippet and "&amp;" in snippet


def test_admin_page_search_uses_backend(client, django_user_model, protokolle):
    admin = django_user_model.objects.create_superuser("suche", "suche@example.org", "pw-suche-2026")
    client.force_login(admin)
    # the admin's page search is an autocomplete on titles (wagtail.admin.views.pages.search)
    response = client.get("/admin/pages/search/", {"q": "Juni"})
    assert response.status_code == 200
    assert "Sitzung Juni 2026" in response.content.decode()
    assert "Sitzung März 2026" not in response.content.decode()


@pytest.mark.whoosh_only("Whoosh's BM25F scorer")
def test_scores_with_listed_field_lengths_are_whoosh_s_own(backend, fachgruppe):
    """``OmBM25F`` reads field lengths from per-segment lists (issue 18): the same scores
    as Whoosh's BM25F on the same index."""
    from whoosh import query as wq
    from whoosh.scoring import BM25F

    from search.backends.whoosh.schema import CATCH_ALL_FIELD
    from search.backends.whoosh.scoring import OmBM25F

    for i, body in enumerate(["Lärmschutz", "Lärmschutz und Lärmschutz im Betrieb",
                              "Beratung zum Lärmschutz, zu Staub, Hitze und Kälte"]):
        add_protokoll(fachgruppe, f"Sitzung {i}", body)
    query = wq.Term(CATCH_ALL_FIELD, "larmschutz")
    scores = []
    for weighting in (BM25F(), OmBM25F()):
        with backend.ix.searcher(weighting=weighting) as searcher:
            scores.append([(hit.docnum, hit.score) for hit in searcher.search(query)])
    assert scores[0] == scores[1]
    assert len(scores[0]) == 3
