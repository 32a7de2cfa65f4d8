""""Meinten Sie …?": the word as written in the pages, never a word from a draft
or a page the public may not see (R19: drafts and private pages never leak into search)."""

import datetime
import re

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from om_pages.models import ProtokollPage
from search.backends import whoosh as whoosh_backend
from search.backends.analysis import german_analyzer, unstemmed_analyzer
from search.backends.whoosh import storage as whoosh_storage
from tests.search.conftest import add_protokoll as add_published
from tests.search.tree import add_protokoll

pytestmark = pytest.mark.django_db


def get(client, **params) -> str:
    response = client.get("/suche/", params)
    assert response.status_code == 200
    return response.content.decode()


def did_you_mean(html: str) -> str | None:
    """The text of the "Meinten Sie" link, or None."""
    match = re.search(r'<p class="suggestion">Meinten Sie <a href="([^"]*)">([^<]*)</a>\?</p>', html)
    return match.group(2) if match else None


# --- the backend (Whoosh or PostgreSQL) -------------------------------------------------------------------


@pytest.fixture
def laerm(fachgruppe):
    return add_protokoll(fachgruppe, "Sitzung Werkstatt", "Beratung über Lärmschutz und Leitfaden")


@pytest.mark.parametrize("typed", ["Lärmschuz", "lärmschuz", "Laermschuts", "LARMSCHUZ"])
def test_suggestion_is_the_word_as_written_in_the_pages(backend, laerm, typed):
    assert backend.suggest(typed) == "Lärmschutz"


@pytest.mark.parametrize("typed", ["Lärmschutz", "Laermschutz", "larmschutz", "LÄRMSCHUTZ", "lärmschutz"])
def test_correctly_spelled_words_get_no_suggestion(backend, laerm, typed):
    # umlaut transcriptions and missing umlauts find the word through folding: no "Meinten Sie"
    assert backend.suggest(typed) is None


def test_the_most_frequent_written_form_is_proposed(backend, fachgruppe):
    add_protokoll(fachgruppe, "A", "Gehoerschutz tragen")
    add_protokoll(fachgruppe, "B", "Gehoerschutz prüfen")
    add_protokoll(fachgruppe, "C", "Gehörschutz bestellen")
    assert backend.suggest("Gehörschuz") == "Gehoerschutz"
    add_protokoll(fachgruppe, "D", "Gehörschutz verteilen")
    add_protokoll(fachgruppe, "E", "Gehörschutz erneuern")
    assert backend.suggest("Gehörschuz") == "Gehörschutz"


def test_the_closest_word_wins_over_a_more_frequent_one(backend, fachgruppe):
    # Whoosh's own corrector ranks only by frequency: "Meldung" (distance 2, three pages)
    # would beat "Messung" (distance 1, one page).
    for title in ["A", "B", "C"]:
        add_protokoll(fachgruppe, title, "Meldung eingegangen")
    add_protokoll(fachgruppe, "D", "Messung durchgeführt")
    assert backend.suggest("Meszung") == "Messung"


def test_query_syntax_survives_the_suggestion(backend, fachgruppe):
    add_protokoll(fachgruppe, "A", "Lärmschutz im Plenum, psychischer Belastung, Leitfaden")
    assert backend.suggest('Lärmschuz -Plenun "psychischer Belastunk" Gefährd* ODER Leitfadn') == (
        'Lärmschutz -Plenum "psychischer Belastung" Gefährd* ODER Leitfaden')
    # a prefix is a word beginning, not a misspelt word; operators are no words
    assert backend.suggest("Gefährd* ODER Lärmschutz") is None


def test_words_of_drafts_are_not_proposed_until_published(backend, fachgruppe):
    draft = add_protokoll(fachgruppe, "Entwurf", "Geheimsache Sonderprojekt", live=False)
    assert backend.suggest("Geheimsachx") is None
    draft.save_revision().publish()
    assert backend.suggest("Geheimsachx") == "Geheimsache"
    ProtokollPage.objects.get(pk=draft.pk).unpublish()
    assert backend.suggest("Geheimsachx") is None


@pytest.mark.whoosh_only("upgrade of a Whoosh index schema written by an earlier release")
def test_an_index_from_before_the_written_forms_is_upgraded(settings, whoosh_dir, fachgruppe):
    """An index built by the previous release (no ``spellforms`` field) keeps working: the
    next write adds the field; ``update_index`` fills it for every page (docs/search.md)."""
    whoosh_storage._indexes.clear()
    whoosh_dir.mkdir(parents=True, exist_ok=True)
    old = Schema(key=ID(unique=True, stored=True), pk=ID(stored=True, sortable=True), root=ID,
                 ct=KEYWORD, spell=TEXT(analyzer=unstemmed_analyzer(), phrase=False))
    old.add(whoosh_backend.SEARCH_PREFIX + "*", TEXT(analyzer=german_analyzer()), glob=True)
    old.add(whoosh_backend.AUTOCOMPLETE_PREFIX + "*", TEXT(analyzer=unstemmed_analyzer(), phrase=False),
            glob=True)
    whoosh_index.create_in(str(whoosh_dir), old)
    try:
        backend = whoosh_backend.WhooshSearchBackend({"PATH": str(whoosh_dir)})
        with backend.writer() as writer:  # a page indexed by the previous release
            writer.add_document(key="x:1", pk="1", root="x", ct="x", spell="Lärmschutz",
                                f_body="Lärmschutz")
        assert whoosh_backend.SPELL_FORMS_FIELD not in backend.ix.schema
        assert backend.suggest("Lärmschuz") == "larmschutz"  # folded, as before; no error
        page = add_protokoll(fachgruppe, "Sitzung", "Beratung über Lärmschutz")
        assert whoosh_backend.SPELL_FORMS_FIELD in whoosh_index.open_dir(str(whoosh_dir)).schema
        assert [p.pk for p in ProtokollPage.objects.search("Lärmschutz")] == [page.pk]
        assert backend.suggest("Lärmschuz") == "Lärmschutz"
    finally:
        whoosh_storage._indexes.clear()


# --- the search page: only words the public may see --------------------------------------


def test_page_proposes_the_written_word_and_links_to_it(client, small_site):
    html = get(client, q="Lärmschuz")
    assert did_you_mean(html) == "Lärmschutz"
    assert 'href="?q=L%C3%A4rmschutz"' in html
    assert did_you_mean(get(client, q="Laermschutz")) is None
    assert did_you_mean(get(client, q="larmschutz")) is None


def test_words_of_drafts_and_unpublished_pages_are_never_proposed(client, small_site):
    add_published(small_site.digital, "Entwurf", datetime.date(2025, 9, 1),
                  "Geheimsache Entwurfsfassung", publish=False)
    gone = add_published(small_site.digital, "Zurückgezogen", datetime.date(2025, 9, 2),
                         "Zurueckgezogenes Vertragswerk")
    gone.unpublish()
    for query in ["Geheimsachx", "Entwurfsfasung", "Vertragswerg"]:
        html = get(client, q=query)
        assert did_you_mean(html) is None, query
        for secret in ["Geheimsache", "Entwurfsfassung", "Vertragswerk"]:
            assert secret.casefold() not in html.casefold(), (query, secret)


@pytest.fixture
def private_arbeitsschutz(small_site):
    """The Arbeitsschutz group (with the Schallpegel PDF) behind a password: live, not public."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=small_site.arbeitsschutz, restriction_type="password",
                                       password="nur-fuer-mitglieder")
    return small_site


@pytest.mark.parametrize("query", ["Schallpegek", "Datenschutz ODER Schallpegek", "Datenschutz -Schallpegek",
                                   '"Schallpegek Tischlerei"'])
def test_words_of_private_pages_are_never_proposed(client, private_arbeitsschutz, query):
    # the backend knows the word (the page is live, only restricted) ...
    from wagtail.search.backends import get_search_backend
    assert "schallpegel" in (get_search_backend().suggest(query) or "").casefold()
    # ... the page checks that the proposal finds a page the public may see
    html = get(client, q=query)
    assert "schallpegel" not in html.casefold()
    assert did_you_mean(html) is None


def test_only_the_words_that_find_visible_pages_are_corrected(client, private_arbeitsschutz):
    html = get(client, q="Datenschuz Schallpegek")
    assert did_you_mean(html) == "Datenschutz Schallpegek"
    api = client.get("/api/suche/", {"q": "Datenschuz Schallpegek"}).json()
    assert api["suggestion"] == "Datenschutz Schallpegek"
    assert client.get("/api/suche/", {"q": "Schallpegek"}).json()["suggestion"] is None
