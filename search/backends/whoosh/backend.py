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
from search.backends.whoosh.results import WhooshSearchResults
from search.backends.whoosh.schema import model_label
from search.backends.whoosh.storage import current_searcher, hit_cache, index_version, open_index
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
        # Modelsearch builds a new backend object per ``get_search_backend()``: the cache
        # lives with the process, like the open indexes, and its key names the index path.
        self.hit_cache = hit_cache

    @property
    def ix(self) -> whoosh_index.FileIndex:
        return open_index(self.path)

    def writer(self, writer_kwargs: dict | None = None, **commit_kwargs):
        return locked_writer(self.ix, timeout=self.lock_timeout, writer_kwargs=writer_kwargs,
                             **commit_kwargs)

    def hits(self, query: wq.Query, model) -> list[tuple[object, float]]:
        """(pk, score) of the documents of ``model`` (or a subclass) matching ``query``, best first."""
        if query is wq.NullQuery:
            return []
        searcher = current_searcher(self.ix)
        generation = (str(self.path), *index_version(searcher.reader()))
        key = (repr(query), model_label(model))
        cached = self.hit_cache.get(generation, key)
        if cached is not None:
            return cached
        results = searcher.search(query, filter=wq.Term("ct", model_label(model)), limit=None)
        hits = []
        if results.scored_length():
            to_python = model._meta.pk.to_python
            pk_column = searcher.reader().column_reader("pk")
            hits = [(to_python(pk_column[docnum]), score) for score, docnum in results.top_n]
        self.hit_cache.put(generation, key, hits)
        return hits

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
