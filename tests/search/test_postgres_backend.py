"""What search/backends/postgres.py adds to modelsearch's PostgreSQL backend (issue 18).

These run on every PostgreSQL test run, whatever ``OM_SEARCH_BACKEND`` says (they select the
backend themselves); the whole search suite runs on this backend in CI's third pass.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from om_pages.models.pages import ProtokollPage

from .tree import add_protokoll, titles

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def pg_backend(whoosh_dir, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the backend's index is a PostgreSQL table")
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.postgres", "SEARCH_CONFIG": "german"}}
    from wagtail.search.backends import get_search_backend

    return get_search_backend()


def public(query: str) -> list[str]:
    return titles(Page.objects.live().public().search(query))


def test_the_backend_is_modelsearchs_postgres_backend_with_german_configuration(pg_backend):
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

    assert isinstance(pg_backend, PostgresSearchBackend)
    assert pg_backend.config == "german"


@pytest.mark.parametrize("typed", ["Gefährdung", "Gefaehrdung", "Gefahrdung", "GEFÄHRDUNG"])
def test_umlauts_and_their_transcriptions_find_the_same_pages(pg_backend, fachgruppe, typed):
    add_protokoll(fachgruppe, "Sitzung Mai", "Die Gefährdung durch Lärm wird bewertet.")
    add_protokoll(fachgruppe, "Sitzung Juni", "Gefaehrdung an Maschinen.")
    assert sorted(public(typed)) == ["Sitzung Juni", "Sitzung Mai"]


def test_german_stemming_and_compounds(pg_backend, fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Mai", "Gefährdungsbeurteilungen psychischer Belastungen")
    assert public("psychische Belastung") == ["Sitzung Mai"]  # stems
    assert public("Gefährdung") == ["Sitzung Mai"]  # compound beginning with the word's stem
    assert public("Beurteilung") == []  # a word inside a compound: no decompounding
    assert public('"psychischen Belastung"') == ["Sitzung Mai"]  # phrase, stemmed


def test_index_rows_are_written_with_the_save_and_folded(pg_backend, fachgruppe):
    from modelsearch.conf import get_app_config

    page = add_protokoll(fachgruppe, "Sitzung Mai", "Lärmschutz und Gehörschutz")
    entry = get_app_config().get_model("IndexEntry").objects.get(object_id=str(page.pk))
    assert "larmschutz" in str(entry.body) and "lärmschutz" not in str(entry.body)
    assert "Lärmschutz" in entry.body_text  # as written, for "Meinten Sie …?"


def test_ranked_lists_ids_and_scores_in_one_query(pg_backend, fachgruppe):
    pages = [add_protokoll(fachgruppe, f"Sitzung {n}", "Leitfaden " * n) for n in (1, 3)]
    results = Page.objects.live().public().search("Leitfaden").annotate_score("_score")
    with CaptureQueriesContext(connection) as queries:
        ranked = results.ranked(10)
    assert len(queries) == 1
    assert {pk for pk, _ in ranked} == {page.pk for page in pages}
    assert all(isinstance(score, float) and score > 0 for _, score in ranked)


def test_suggestion_only_from_live_pages(pg_backend, fachgruppe):
    # (not "Zaunkönik": Snowball stems it like "Zaunkönig", the search finds the page, and a
    # word the search finds gets no proposal)
    draft = add_protokoll(fachgruppe, "Entwurf", "Sonderprojekt Zaunkönig", live=False)
    assert pg_backend.suggest("Zaunkönih") is None
    draft.save_revision().publish()
    assert pg_backend.suggest("Zaunkönih") == "Zaunkönig"
    assert pg_backend.suggest("Zaunkoenig") is None  # known through folding
    ProtokollPage.objects.get(pk=draft.pk).unpublish()
    assert pg_backend.suggest("Zaunkönih") is None


def test_nul_and_operators_in_queries_are_harmless(pg_backend, fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Mai", "Arbeitsschutz")
    for query in ["\x00", "Arbeits\x00schutz", "a & b | !c", "'", ":*", "<->"]:
        assert isinstance(public(query), list)
        assert isinstance(list(Page.objects.live().autocomplete(query)), list)
