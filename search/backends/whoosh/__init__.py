"""Whoosh search backend for django-modelsearch (DESIGN.md "Search").

Select it in settings (``WAGTAILSEARCH_BACKENDS`` for Wagtail, ``MODELSEARCH_BACKENDS`` for
plain modelsearch)::

    {"default": {"BACKEND": "search.backends.whoosh", "PATH": "/var/lib/om/whoosh",
                 "LOCK_TIMEOUT": 60}}

``PATH`` falls back to ``settings.OM_SEARCH_INDEX_DIR``. ``manage.py update_index`` rebuilds
the index; Wagtail's signal handlers keep it current on save, publish, unpublish, move and
delete.

How a search runs
-----------------
1. Whoosh finds the matching documents of the searched model (and its subclasses) and
   scores them (BM25F; field boosts of ``SearchField(boost=…)`` are applied at index time).
2. The database applies the queryset — its filters and, without relevance ordering, its
   ``order_by`` — to those primary keys. Filters therefore support every lookup Django
   supports (``exact``, ``in``, ``lt``/``lte``/``gt``/``gte``/``range``, ``isnull``,
   ``startswith``, ``year``, negation, ``Q`` combinations, related fields, tree queries),
   ``check()`` still demands a ``FilterField`` for each, as the modelsearch contract says.
   It also means **visibility is decided by the database at query time**: a stale index
   entry can never make a draft, an unpublished or a view-restricted page appear in
   ``Page.objects.live().public().search()``.
3. Only the requested slice of objects is loaded, in score (or queryset) order.

German analysis is in :mod:`search.backends.analysis`; every write goes through
:func:`search.backends.writer.locked_writer` (one writer, lock timeout and retry).

The package, one job per module: ``schema`` (the index's fields), ``storage`` (open indexes,
searchers and the hit cache of this process), ``indexer`` (documents, writes, rebuild),
``compiler`` (query objects to Whoosh queries), ``results`` (lazy results, facets),
``spelling`` ("Meinten Sie …?"), ``backend`` (the backend class).

The backend also implements :class:`search.extras.SearchExtras` for the public search page:
``suggest`` (the query with unknown words replaced by the closest indexed word as the pages
write it; the search page still checks that the word finds a page the public may see),
``first_match`` and ``highlight`` (:mod:`search.highlight` fed with the German analyser).

Not supported (``NotImplementedError`` naming this backend): query classes other than
``PlainText``, ``Phrase``, ``Fuzzy``, ``Boost``, ``And``, ``Or``, ``Not``, ``MatchAll``.
"""

from search.backends.whoosh.backend import WhooshSearchBackend
from search.backends.whoosh.compiler import MIN_PREFIX_LENGTH
from search.backends.whoosh.schema import (
    AUTOCOMPLETE_PREFIX,
    SEARCH_PREFIX,
    SPELL_FORMS_FIELD,
    document_key,
)
from search.backends.whoosh.storage import HitCache, current_searcher, index_version

#: What ``BACKEND = "search.backends.whoosh"`` loads (modelsearch looks for ``SearchBackend``).
SearchBackend = WhooshSearchBackend

__all__ = [
    "AUTOCOMPLETE_PREFIX",
    "MIN_PREFIX_LENGTH",
    "SEARCH_PREFIX",
    "SPELL_FORMS_FIELD",
    "HitCache",
    "SearchBackend",
    "WhooshSearchBackend",
    "current_searcher",
    "document_key",
    "index_version",
]
