"""What search/backends/postgres.py adds to modelsearch's PostgreSQL backend (issue 18).

These run on every PostgreSQL test run, whatever ``OM_SEARCH_BACKEND`` says (they select the
backend themselves); the whole search suite runs on this backend in CI's third pass.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from om_pages.models.pages import ProtokollPage
from search.models import SpellingDocument, SpellingWord
from tests.purge import purge_as_superuser

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


# --- the word table of "Meinten Sie" (search.backends.pg_spelling, om_search 0005) -------------


def pages_with(word: str) -> int | None:
    """The word table's count of live pages having ``word`` as written, ``None`` if no row."""
    return SpellingWord.objects.filter(word=word).values_list("pages", flat=True).first()


def test_a_word_only_in_drafts_never_reaches_the_word_table(pg_backend, fachgruppe):
    add_protokoll(fachgruppe, "Entwurf", "Geheimvorhaben Tarnkappe", live=False)
    add_protokoll(fachgruppe, "Sitzung", "Tarnkappe")
    draft = add_protokoll(fachgruppe, "Entwurf zwei", "Geheimvorhaben", live=False)
    draft.save_revision()  # a saved revision of a draft is indexed again, still not live
    assert pages_with("Geheimvorhaben") is None
    assert pages_with("Tarnkappe") == 1  # the live page only
    assert pg_backend.suggest("Geheimvorhabn") is None
    assert pg_backend.suggest("Tarnkape") == "Tarnkappe"


def test_unpublishing_and_deleting_take_back_the_pages_words(pg_backend, fachgruppe):
    # "Hartung" is one letter from both; the word more live pages have is proposed
    haltung = [add_protokoll(fachgruppe, f"Haltung {i}", "Haltung der Leitung") for i in range(3)]
    wartung = [add_protokoll(fachgruppe, f"Wartung {i}", "Wartung der Anlage") for i in range(2)]
    assert (pages_with("Haltung"), pages_with("Wartung")) == (3, 2)
    assert pg_backend.suggest("Hartung") == "Haltung"
    for page in haltung[:2]:
        ProtokollPage.objects.get(pk=page.pk).unpublish()
    assert (pages_with("Haltung"), pages_with("Wartung")) == (1, 2)
    assert pg_backend.suggest("Hartung") == "Wartung"
    for page in wartung:
        purge_as_superuser(ProtokollPage.objects.get(pk=page.pk))
    assert pages_with("Wartung") is None
    assert pg_backend.suggest("Hartung") == "Haltung"
    purge_as_superuser(ProtokollPage.objects.get(pk=haltung[2].pk))
    assert pages_with("Haltung") is None
    assert pg_backend.suggest("Hartung") is None
    assert SpellingDocument.objects.filter(
        object_id__in=[str(page.pk) for page in haltung + wartung]).count() == 0


def test_a_republished_page_counts_once_and_an_edit_counts_the_new_words(pg_backend, fachgruppe):
    page = add_protokoll(fachgruppe, "Sitzung", "Rüttelplatte prüfen")
    page = ProtokollPage.objects.get(pk=page.pk)
    page.unpublish()
    page = ProtokollPage.objects.get(pk=page.pk)
    page.save_revision().publish()
    page.save_revision().publish()
    assert pages_with("Rüttelplatte") == 1
    page = ProtokollPage.objects.get(pk=page.pk)
    page.body = "Stampfer prüfen"
    page.save_revision().publish()
    assert (pages_with("Rüttelplatte"), pages_with("Stampfer"), pages_with("prüfen")) == (None, 1, 1)


def test_update_index_counts_what_the_writes_counted(pg_backend, fachgruppe):
    from django.core.management import call_command

    call_command("update_index", verbosity=0)  # the pages from before this test's backend
    add_protokoll(fachgruppe, "Sitzung eins", "Lärmschutz und Gehörschutz")
    add_protokoll(fachgruppe, "Sitzung zwei", "Laermschutz im Betrieb")
    add_protokoll(fachgruppe, "Entwurf", "Gehörschutz neu", live=False)
    before = set(SpellingWord.objects.values_list("word", "folded", "pages"))
    assert ("Gehörschutz", "gehorschutz", 1) in before and ("Laermschutz", "larmschutz", 1) in before
    SpellingWord.objects.filter(word="Gehörschutz").update(pages=7)  # drifted
    call_command("update_index", verbosity=0)
    assert set(SpellingWord.objects.values_list("word", "folded", "pages")) == before


def test_update_index_leaves_fresh_planner_statistics(pg_backend, fachgruppe):
    """Without them the planner read every row instead of the text indexes after a rebuild
    (prefix search 198 -> 15 ms at 20,000 Protokolle, issue 18)."""
    from django.core.management import call_command

    add_protokoll(fachgruppe, "Sitzung eins", "Lärmschutz und Gehörschutz")
    with CaptureQueriesContext(connection) as queries:
        call_command("update_index", verbosity=0)
    analysed = {query["sql"] for query in queries.captured_queries if query["sql"].startswith("ANALYZE")}
    assert analysed == {'ANALYZE "wagtailsearch_indexentry"', 'ANALYZE "om_search_spellingword"',
                        'ANALYZE "om_search_spellingdocument"'}
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'wagtailsearch_indexentry'")
        estimated = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM wagtailsearch_indexentry")
        assert estimated == cursor.fetchone()[0]


def test_suggestion_is_one_statement_on_the_word_table(pg_backend, fachgruppe):
    add_protokoll(fachgruppe, "Sitzung", "Lärmschutz")
    with CaptureQueriesContext(connection) as queries:
        assert pg_backend.suggest("Lärmschuz") == "Lärmschutz"
    assert len(queries) == 1
    assert "om_search_spelling_words" in queries[0]["sql"]


def test_nul_and_operators_in_queries_are_harmless(pg_backend, fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Mai", "Arbeitsschutz")
    for query in ["\x00", "Arbeits\x00schutz", "a & b | !c", "'", ":*", "<->"]:
        assert isinstance(public(query), list)
        assert isinstance(list(Page.objects.live().autocomplete(query)), list)


def test_matches_are_found_through_the_title_body_index(pg_backend, fachgruppe):
    """Migration 0006: the backend's match, ``(title || body) @@ query``, is the expression of
    a GIN index, so it is an index scan instead of matching every row (issue 18). The planner
    reads a table as tiny as this one whole anyway: the index is shown usable with sequential
    scans off, and the backend's SQL is shown to use exactly its expression."""
    add_protokoll(fachgruppe, "Sitzung Mai", "Kobaltstaubmessung in der Gießerei.")
    with CaptureQueriesContext(connection) as captured:
        assert public("Kobaltstaubmessung") == ["Sitzung Mai"]
    matching = [query["sql"] for query in captured.captured_queries if "@@" in query["sql"]]
    expression = '("wagtailsearch_indexentry"."title" || "wagtailsearch_indexentry"."body") @@ '
    assert matching and all(expression in sql for sql in matching)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM wagtailsearch_indexentry WHERE "
                       + expression + "to_tsquery('german', 'kobaltstaubmess')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on om_search_title_body_gin" in plan, plan
