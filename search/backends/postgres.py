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
  typed word from the word table (``search.backends.pg_spelling``, migration ``om_search``
  0005, a ``pg_trgm`` index), ranked like the Whoosh backend's (edit distance, then pages);
  the index writes below keep the table.

Visibility needs nothing here: the search page re-checks every hit in the database (R19).
"""

from __future__ import annotations

import contextvars
import re
import types

from django.db import connections, router
from modelsearch.backends.database.postgres import postgres as pg
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search import highlight as highlighter
from search.backends import pg_spelling
from search.backends.analysis import fold, german_analyzer, stem
from search.backends.whoosh.compiler import MIN_PREFIX_LENGTH, PREFIX_BOOST
from search.models import SpellingDocument, SpellingWord

_WORD = re.compile(r"[^\W_]+")


def fold_text(text: str) -> str:
    """Every word of ``text`` folded (``fold``), everything between words kept."""
    return _WORD.sub(lambda match: fold(match.group(0)), text)


# --- index ----------------------------------------------------------------------------------------


#: The indexers of the ``add_items`` call running in this thread (their text for the word table).
_indexers: contextvars.ContextVar[list | None] = contextvars.ContextVar("om_pg_indexers", default=None)


class FoldingObjectIndexer(pg.ObjectIndexer):
    """Vectors of folded text; ``title_text``/``body_text`` stay as written (suggestions)."""

    def __init__(self, obj, backend):
        super().__init__(obj, backend)
        collected = _indexers.get()
        if collected is not None:
            collected.append(self)

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
    """modelsearch's index table, and the word table of "Meinten Sie" kept in the same writes."""

    _add_index_rows = _add_items_with(FoldingObjectIndexer)

    def add_items(self, model, objs):
        token = _indexers.set([])
        try:
            self._add_index_rows(model, objs)
            indexers = _indexers.get()
        finally:
            _indexers.reset(token)
        if not indexers:
            return
        # the text modelsearch indexed (search fields, computed once): live pages' words count
        forms = {indexer.id: pg_spelling.page_forms(indexer.obj, f"{indexer.title_text}\n{indexer.body_text}")
                 for indexer in indexers}
        pg_spelling.index_objects(self.write_connection, get_content_type_pk(model), forms)

    def delete_item(self, item):
        keys = list(item.index_entries.values_list("content_type_id", "object_id"))
        super().delete_item(item)
        pg_spelling.remove_objects(self.write_connection, keys)

    def reset(self):
        super().reset()
        pg_spelling.reset(self.write_connection)


def analyze_index_tables(connection) -> None:
    """Fresh planner statistics for the index and word tables after a rebuild.

    With the statistics of the table from before the rebuild (or none), PostgreSQL believed
    the content type to be rare and read every row of it instead of the text index: a prefix
    search took 198 ms at 20,000 Protokolle, 15 ms after ``ANALYZE`` (issue 18). Autovacuum
    would analyse the table eventually; until then every search paid. Also inside the atomic
    rebuild's transaction: ``ANALYZE`` counts that transaction's own rows.
    """
    tables = (pg.IndexEntry._meta.db_table, SpellingWord._meta.db_table, SpellingDocument._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class RecountingRebuilder(pg.PostgresSearchRebuilder):
    """``update_index``: at the end, the words of objects gone from the index go, every
    count is computed again, and the tables are analysed."""

    def finish(self):
        super().finish()
        pg_spelling.recount(self.index.write_connection, pg.IndexEntry._meta.db_table)
        analyze_index_tables(self.index.write_connection)


class RecountingAtomicRebuilder(pg.PostgresSearchAtomicRebuilder):
    """The same inside the rebuild's transaction (modelsearch's default ``ATOMIC_REBUILD``)."""

    def finish(self):
        pg_spelling.recount(self.index.write_connection, pg.IndexEntry._meta.db_table)
        analyze_index_tables(self.index.write_connection)
        super().finish()


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

# "Meinten Sie" is search/backends/pg_spelling.py.


# --- the backend ----------------------------------------------------------------------------------


class PostgresSearchBackend(pg.PostgresSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
    index_class = PostgresIndex
    results_class = PostgresSearchResults
    rebuilder_class = RecountingRebuilder
    atomic_rebuilder_class = RecountingAtomicRebuilder

    def __init__(self, params):
        params = {"SEARCH_CONFIG": "german", **params}
        super().__init__(params)

    # -- SearchExtras (search/extras.py) --

    def suggest(self, query_string: str) -> str | None:
        """"Meinten Sie …?" from the words of live pages (the page confirms visibility)."""
        return pg_spelling.suggest(connections[router.db_for_read(SpellingWord)], query_string)

    def first_match(self, text: str, query_string: str) -> int | None:
        return highlighter.first_match(text, query_string, german_analyzer(), MIN_PREFIX_LENGTH)

    def highlight(self, text: str, query_string: str, max_chars: int = 240) -> str:
        return highlighter.highlight(text, query_string, german_analyzer(), MIN_PREFIX_LENGTH, max_chars)


SearchBackend = PostgresSearchBackend
