"""The backend: modelsearch's contract on a Whoosh index, plus the search page's extras."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from modelsearch.backends.base import BaseSearchBackend
from whoosh import index as whoosh_index
from whoosh import query as wq

from search import highlight as highlighter
from search.backends.whoosh import spelling
from search.backends.whoosh.compiler import (
    MIN_PREFIX_LENGTH,
    WhooshAutocompleteQueryCompiler,
    WhooshSearchQueryCompiler,
)
from search.backends.whoosh.indexer import WhooshIndex, WhooshRebuilder
from search.backends.whoosh.parallel import default_procs
from search.backends.whoosh.results import WhooshSearchResults
from search.backends.whoosh.schema import CATCH_ALL_FIELD, model_label
from search.backends.whoosh.storage import (
    current_searcher,
    docnum_pks,
    hit_cache,
    index_version,
    open_index,
)
from search.backends.writer import DEFAULT_LOCK_TIMEOUT, locked_writer


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshRebuilder

    def __init__(self, params):
        super().__init__(params)
        path = params.get("PATH") or getattr(settings, "OM_SEARCH_INDEX_DIR", None)
        if not path:
            raise ImproperlyConfigured(
                "Das Whoosh-Suchbackend braucht ein Verzeichnis: PATH im Backend-Eintrag "
                "oder OM_SEARCH_INDEX_DIR setzen."
            )
        self.path = Path(path)
        self.lock_timeout = float(params.get("LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
        #: Worker processes of ``update_index`` (search.backends.whoosh.parallel).
        self.rebuild_procs = int(params.get("REBUILD_PROCS") or 0) or default_procs()
        # Modelsearch builds a new backend object per ``get_search_backend()``: the cache
        # lives with the process, like the open indexes, and its key names the index path.
        self.hit_cache = hit_cache

    @property
    def ix(self) -> whoosh_index.FileIndex:
        return open_index(self.path)

    def writer(self, writer_kwargs: dict | None = None, **commit_kwargs):
        return locked_writer(self.ix, timeout=self.lock_timeout, writer_kwargs=writer_kwargs,
                             **commit_kwargs)

    def has_catch_all(self) -> bool:
        """Whether the index has the catch-all field (built by this release or rebuilt)."""
        return CATCH_ALL_FIELD in current_searcher(self.ix).schema

    def _cached(self, searcher, key: tuple):
        generation = (str(self.path), *index_version(searcher.reader()))
        return generation, self.hit_cache.get(generation, key)

    @staticmethod
    def _model_filter(searcher, model) -> wq.Query | None:
        """The filter to the model's documents, ``None`` if every document is one of them
        (the usual case: one model per index), which spares Whoosh a set of all docnums."""
        reader = searcher.reader()
        label = model_label(model)
        if reader.doc_frequency("ct", label) == reader.doc_count_all():
            return None
        return wq.Term("ct", label)

    def hits(self, query: wq.Query, model) -> list[tuple[object, float]]:
        """(pk, score) of the documents of ``model`` (or a subclass) matching ``query``, best first.

        Scores every match; the results class asks for :meth:`top_hits` and
        :meth:`matching_pks` where it can.
        """
        if query is wq.NullQuery:
            return []
        searcher = current_searcher(self.ix)
        generation, cached = self._cached(searcher, (repr(query), model_label(model)))
        if cached is not None:
            return cached
        results = searcher.search(query, filter=self._model_filter(searcher, model), limit=None)
        to_python = model._meta.pk.to_python
        pks = docnum_pks(searcher.reader())
        hits = [(to_python(pks[docnum]), score) for score, docnum in results.top_n]
        self.hit_cache.put(generation, (repr(query), model_label(model)), hits)
        return hits

    def top_hits(self, query: wq.Query, model, limit: int) -> tuple[list[tuple[object, float]], bool]:
        """The best ``limit`` (pk, score) pairs, and whether they are all the matches.

        Whoosh's top-N collector with block-quality skipping (``optimize``): documents that
        cannot reach the top ``limit`` are not scored (issue 18).
        """
        if query is wq.NullQuery:
            return [], True
        searcher = current_searcher(self.ix)
        key = (repr(query), model_label(model), "top", limit)
        generation, cached = self._cached(searcher, key)
        if cached is not None:
            return cached
        results = searcher.search(query, filter=self._model_filter(searcher, model), limit=limit,
                                  optimize=True)
        to_python = model._meta.pk.to_python
        pks = docnum_pks(searcher.reader())
        hits = [(to_python(pks[docnum]), score) for score, docnum in results.top_n]
        answer = (hits, len(hits) < limit)
        self.hit_cache.put(generation, key, answer)
        return answer

    def matching_pks(self, query: wq.Query, model) -> list:
        """Primary keys of all matches, unscored and unordered: for counts and facets."""
        if query is wq.NullQuery:
            return []
        searcher = current_searcher(self.ix)
        key = (repr(query), model_label(model), "all")
        generation, cached = self._cached(searcher, key)
        if cached is not None:
            return cached
        docnums = searcher.docs_for_query(query)
        model_filter = self._model_filter(searcher, model)
        if model_filter is not None:
            allowed = set(searcher.docs_for_query(model_filter))
            docnums = (docnum for docnum in docnums if docnum in allowed)
        to_python = model._meta.pk.to_python
        pks = docnum_pks(searcher.reader())
        answer = [to_python(pks[docnum]) for docnum in docnums]
        self.hit_cache.put(generation, key, answer)
        return answer

    # -- SearchExtras (search/extras.py) --

    def suggest(self, query_string: str) -> str | None:
        """"Meinten Sie …?" (``search.backends.whoosh.spelling``)."""
        return spelling.suggest(current_searcher(self.ix).reader(), query_string)

    def first_match(self, text: str, query_string: str) -> int | None:
        """Where the first word of ``text`` the query matches begins, through the German
        analyser: "psychischen" matches "psychische", "Gefährdung" "Gefährdungsbeurteilung"."""
        return highlighter.first_match(text, query_string, WhooshSearchQueryCompiler.analyzer,
                                     MIN_PREFIX_LENGTH)

    def highlight(self, text: str, query_string: str, max_chars: int = 240) -> str:
        """HTML-escaped snippet of ``text`` with the words matching ``query_string`` in ``<mark>``."""
        return highlighter.highlight(text, query_string, WhooshSearchQueryCompiler.analyzer,
                                   MIN_PREFIX_LENGTH, max_chars)
