"""modelsearch's PostgreSQL backend with what our search page expects (issue 18, "Several hosts").

Selected by ``OM_SEARCH_BACKEND=postgres`` (cms/settings.py) for installations with more than
one web host: the index is the table ``wagtailsearch_indexentry`` in the shared database, so
every host sees every write at once, and it is rolled back with the transaction that wrote it.
On top of modelsearch's backend (German text search configuration):

- **Folding** as in the Whoosh backend (``search.backends.analysis.fold``): every word is
  lower-cased and ``ae``/``oe``/``ue``/``ß`` and umlauts are folded before PostgreSQL sees it,
  in the index and in queries, so "Gefaehrdung", "Gefährdung" and "Gefahrdung" find the same
  pages (PostgreSQL's ``german`` configuration alone folds umlauts, not their transcriptions).
- **Compounds** as in the Whoosh backend: a query word whose stem has at least
  ``MIN_PREFIX_LENGTH`` letters also matches words that begin with it ("Gefährdung" finds
  "Gefährdungsbeurteilung"): ``stem | stem:*`` in the tsquery.
- **Ranking without pages** (:class:`search.extras.RanksWithoutPages`): ids and scores in one
  query, without loading 2,000 page objects.
- **Snippets** (:class:`search.extras.Highlights`): the German analyser of the Whoosh backend
  marks the words, close to what PostgreSQL matched (both use the Snowball German stemmer).
- **"Meinten Sie …?"** (:class:`search.extras.Suggests`): the words of live pages near the
  typed word, found with ``pg_trgm`` (migration ``om_search`` 0003), ranked like the Whoosh
  backend's (edit distance, then documents).

Visibility needs nothing here: the search page re-checks every hit in the database (R19).
"""

from __future__ import annotations

import re
import types
from collections import Counter, defaultdict

from django.db import connections, router, transaction
from modelsearch.backends.database.postgres import postgres as pg
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.query import Phrase, PlainText
from whoosh.support.levenshtein import distance as edit_distance

from search import highlight as highlighter
from search.backends.analysis import corrected_query, fold, german_analyzer, stem
from search.backends.whoosh.compiler import MIN_PREFIX_LENGTH, PREFIX_BOOST

_WORD = re.compile(r"[^\W_]+")


def fold_text(text: str) -> str:
    """Every word of ``text`` folded (``fold``), everything between words kept."""
    return _WORD.sub(lambda match: fold(match.group(0)), text)


# --- index ----------------------------------------------------------------------------------------


class FoldingObjectIndexer(pg.ObjectIndexer):
    """Vectors of folded text; ``title_text``/``body_text`` stay as written (suggestions)."""

    def as_vector(self, texts, for_autocomplete=False):
        return super().as_vector([(fold_text(text), weight) for text, weight in texts],
                                 for_autocomplete=for_autocomplete)


def _add_items_with(indexer_class):
    """modelsearch's ``PostgresIndex.add_items`` with ``indexer_class`` as its ObjectIndexer.

    ``add_items`` looks the class up by module name and has no hook for it; the same code
    with other globals keeps upstream's SQL without a copy of it (and without swapping a
    module attribute while other threads index).
    """
    original = pg.PostgresIndex.add_items
    names = {**original.__globals__, "ObjectIndexer": indexer_class}
    return types.FunctionType(original.__code__, names, original.__name__, original.__defaults__,
                              original.__closure__)


class PostgresIndex(pg.PostgresIndex):
    add_items = _add_items_with(FoldingObjectIndexer)


# --- queries --------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL; the search page drops control characters earlier."""
    return text.replace("\x00", " ")


class FoldingQueryMixin:
    """Fold the words of ``PlainText`` and ``Phrase`` the way the index was folded; a word
    also matches compounds beginning with its stem, ranked below the word itself."""

    compounds = True

    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, PlainText):
            terms = [fold(term) for term in re.split(r"[\s\-]+", _clean(query.query_string)) if term]
            if not terms:
                return None
            lexemes = None
            for position, term in enumerate(terms):
                prefix = self.LAST_TERM_IS_PREFIX and position == len(terms) - 1
                lexeme = self._lexeme(term, invert, prefix)
                if lexemes is None:
                    lexemes = lexeme
                elif query.operator == "and":
                    lexemes &= lexeme
                else:
                    lexemes |= lexeme
            return pg.SearchQuery(lexemes, search_type="raw", config=config)
        if isinstance(query, Phrase):
            query = Phrase(fold_text(_clean(query.query_string)))
        return super().build_tsquery_content(query, config=config, invert=invert)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        """Compound hits score ``PREFIX_BOOST`` of a hit of the word itself (as in Whoosh):
        "Sitzung Lärm" ranks above "Sitzung Lärmschutz" for "Lärm"."""
        rank = super().build_tsrank(vector, query, config=config, boost=boost)
        if not (isinstance(query, PlainText) and self.compounds):
            return rank
        self.compounds = False
        try:
            exact = super().build_tsrank(vector, query, config=config, boost=boost)
        finally:
            self.compounds = True
        return exact + PREFIX_BOOST * rank

    def _lexeme(self, term: str, invert: bool, prefix: bool):
        if prefix or not self.compounds or len(stem(term)) < MIN_PREFIX_LENGTH:
            return Lexeme(term, invert=invert, prefix=prefix)
        # the word itself or a compound beginning with its stem ("gefahrd" → "gefahrdungs…")
        if invert:  # not (word or compound) = not word and not compound
            return Lexeme(term, invert=True) & Lexeme(term, invert=True, prefix=True)
        return Lexeme(term) | Lexeme(term, prefix=True)


class PostgresSearchQueryCompiler(FoldingQueryMixin, pg.PostgresSearchQueryCompiler):
    pass


class PostgresAutocompleteQueryCompiler(FoldingQueryMixin, pg.PostgresAutocompleteQueryCompiler):
    compounds = False  # the last word is a prefix already; the others are words as typed


class PostgresSearchResults(pg.PostgresSearchResults):
    def ranked(self, limit: int) -> list[tuple[object, float]]:
        """The first ``limit`` (pk, score) pairs in one query, no page objects."""
        score_field = self._score_field or "_om_score"
        queryset = self.query_compiler.search(self.query_compiler.get_config(self.backend), 0, limit,
                                              score_field=score_field, backend=self.backend)
        if not self.query_compiler.order_by_relevance:
            return [(pk, None) for pk in queryset.values_list("pk", flat=True)]
        return [(pk, score) for pk, score in queryset.values_list("pk", score_field)]


# --- "Meinten Sie …?" -----------------------------------------------------------------------------

#: Same rules as the Whoosh backend (search/backends/whoosh/spelling.py).
SUGGEST_MIN_LENGTH = 3
#: Pages whose text has a word at least this similar (pg_trgm ``word_similarity``) to the
#: typed word, as typed or folded, are read for candidates; low enough for two typing errors.
TRIGRAM_THRESHOLD = 0.4
_LIVE_ENTRIES = """
    FROM {table} e
    JOIN wagtailcore_page p ON p.id::text = e.object_id AND p.content_type_id = e.content_type_id
    WHERE p.live"""


def _known(connection, key: str) -> bool:
    """Whether a live page has the folded word ``key``, through the GIN indexes of the
    vectors: as a stemmed word (``body``, ``title``) or as written (``autocomplete``)."""
    sql = "SELECT EXISTS (SELECT 1" + _LIVE_ENTRIES.format(table=pg.IndexEntry._meta.db_table) + """
        AND (e.body @@ plainto_tsquery('german', %s) OR e.title @@ plainto_tsquery('german', %s)
             OR e.autocomplete @@ plainto_tsquery('simple', %s)))"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, key, key])
        return cursor.fetchone()[0]


def _words_near(connection, word: str, key: str) -> dict[str, int]:
    """Written words of live pages that look like ``word`` (folded: ``key``), with the number
    of pages each occurs in. pg_trgm picks the pages (``<%``, served by the trigram indexes of
    migration om_search 0003); the words are then split out of their text."""
    sql = "SELECT w, count(DISTINCT e.id)" + _LIVE_ENTRIES.format(table=pg.IndexEntry._meta.db_table)
    sql = sql.replace("WHERE p.live", """CROSS JOIN LATERAL regexp_split_to_table(
            e.title_text || ' ' || e.body_text, '[^[:alnum:]]+') w
        WHERE p.live
          AND (%s <%% e.body_text OR %s <%% e.title_text OR %s <%% e.body_text OR %s <%% e.title_text)
          AND length(w) BETWEEN %s AND %s
        GROUP BY w""")
    typed = word.lower()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                       [str(TRIGRAM_THRESHOLD)])
        cursor.execute(sql, [typed, typed, key, key, max(1, len(key) - 2), len(key) + 6])
        return dict(cursor.fetchall())


def _correction(connection, word: str) -> str | None:
    key = fold(word)
    if len(key) < SUGGEST_MIN_LENGTH or key.isdigit() or _known(connection, key):
        return None
    forms: dict[str, Counter] = defaultdict(Counter)
    for written, pages in _words_near(connection, word, key).items():
        forms[fold(written)][written] += pages
    if key in forms:
        return None  # known in some spelling ("Laermschutz" finds "Lärmschutz")
    maxdist = 1 if len(key) <= 5 else 2
    candidates = []
    for folded, spellings in forms.items():
        distance = edit_distance(key, folded)
        if distance <= maxdist:
            candidates.append((distance, -sum(spellings.values()), folded))
    if not candidates:
        return None
    spellings = forms[min(candidates)[2]]
    # the spelling most pages use; ties: the one with umlauts or ß ("Lärmschutz")
    return min(spellings, key=lambda form: (-spellings[form], form.isascii(), form))


def suggest(connection, query_string: str) -> str | None:
    """The query with unknown words replaced, or ``None`` if nothing changes."""
    return corrected_query(query_string, lambda word: _correction(connection, word))


# --- the backend ----------------------------------------------------------------------------------


class PostgresSearchBackend(pg.PostgresSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
    index_class = PostgresIndex
    results_class = PostgresSearchResults

    def __init__(self, params):
        params = {"SEARCH_CONFIG": "german", **params}
        super().__init__(params)

    # -- SearchExtras (search/extras.py) --

    def suggest(self, query_string: str) -> str | None:
        """"Meinten Sie …?" from the words of live pages (the page confirms visibility)."""
        return suggest(connections[router.db_for_read(pg.IndexEntry)], query_string)

    def first_match(self, text: str, query_string: str) -> int | None:
        return highlighter.first_match(text, query_string, german_analyzer(), MIN_PREFIX_LENGTH)

    def highlight(self, text: str, query_string: str, max_chars: int = 240) -> str:
        return highlighter.highlight(text, query_string, german_analyzer(), MIN_PREFIX_LENGTH, max_chars)


SearchBackend = PostgresSearchBackend
