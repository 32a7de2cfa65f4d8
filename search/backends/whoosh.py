"""Whoosh search backend for django-modelsearch (DESIGN.md "Search", issue 4).

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

Extras for the public search page (call them through ``getattr`` on the backend):

* ``backend.suggest(query_string) -> str | None``: "Meinten Sie …?" — the query with each
  unknown word replaced by the closest indexed word as the pages write it ("Lärmschutz",
  not the folded "larmschutz"), or ``None`` if nothing changes. Only words of live objects
  are candidates; the search page still checks that a proposed word finds a page the
  public may see (``search.service.suggestion``), since a live page may be private.
* ``backend.highlight(text, query_string, max_chars=240) -> str``: an HTML-escaped snippet
  of ``text`` around the first hit with every matching word wrapped in ``<mark>``.

Not supported (``NotImplementedError`` naming this backend): query classes other than
``PlainText``, ``Phrase``, ``Fuzzy``, ``Boost``, ``And``, ``Or``, ``Not``, ``MatchAll``.
"""

from __future__ import annotations

import html
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Manager
from django.utils.encoding import force_str
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.index import AutocompleteField, RelatedFields, SearchField, get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance as edit_distance
from whoosh.util.filelock import try_for
from whoosh.writing import CLEAR

from search.backends.analysis import (
    FORM_SEPARATOR,
    fold,
    german_analyzer,
    unstemmed_analyzer,
    written_forms_analyzer,
)
from search.backends.writer import DEFAULT_LOCK_TIMEOUT, locked_writer

BACKEND_NAME = "Whoosh-Suchbackend (search.backends.whoosh)"

#: Stems at least this long also match longer words starting with them (compounds:
#: "gefahrd" finds "gefahrdungsbeurteil", "larm" finds "larmschutz"); such hits score below
#: exact ones. Four letters (issue 15: "Lärm" found nothing of "Lärmschutz").
MIN_PREFIX_LENGTH = 4
PREFIX_BOOST = 0.3
#: Up to this many hits the database filters with ``pk IN (…)``; above, it lists the
#: allowed primary keys of the queryset and Python intersects (no huge parameter lists).
PK_IN_LIMIT = 500
FETCH_CHUNK = 500

#: Recent (query, model) -> hits per process and index generation (see ``HitCache``).
HIT_CACHE_SIZE = 64

SEARCH_PREFIX = "f_"
AUTOCOMPLETE_PREFIX = "a_"
SPELL_FIELD = "spell"
#: The same words as written ("larmschutz Lärmschutz"), to show a correction the way the
#: pages spell it (``search.backends.analysis.written_forms_analyzer``).
SPELL_FORMS_FIELD = "spellforms"

#: Words shorter than this are not corrected (too many neighbours to guess from).
SUGGEST_MIN_LENGTH = 3
#: Operators of the search syntax (``search.query``): no words to correct.
SUGGEST_SKIP_WORDS = frozenset({"oder", "or", "und", "and"})
_SUGGEST_WORD = re.compile(r"[^\W_]+")


def build_schema() -> Schema:
    """Fixed bookkeeping fields plus one dynamic field per search field path."""
    schema = Schema(
        key=ID(unique=True, stored=True),  # "<root model label>:<pk>"
        pk=ID(stored=True, sortable=True),
        root=ID,  # root model label, to find stale entries per model
        ct=KEYWORD,  # labels of the object's class and its indexed ancestors
        spell=TEXT(analyzer=unstemmed_analyzer(), phrase=False),  # words for suggest()
    )
    for name, field in added_fields().items():
        schema.add(name, field)
    schema.add(SEARCH_PREFIX + "*", TEXT(analyzer=german_analyzer()), glob=True)
    schema.add(AUTOCOMPLETE_PREFIX + "*", TEXT(analyzer=unstemmed_analyzer(), phrase=False), glob=True)
    return schema


def added_fields() -> dict:
    """Fields added after indexes were first deployed; ``open_index`` adds them to an old index."""
    return {SPELL_FORMS_FIELD: TEXT(analyzer=written_forms_analyzer(), phrase=False)}


# --- index storage: one FileIndex per directory, one searcher per thread -------------------

_indexes: dict[str, whoosh_index.FileIndex] = {}
_indexes_lock = threading.Lock()
_searchers = threading.local()


def open_index(path: Path) -> whoosh_index.FileIndex:
    """Open the index at ``path``, creating it (under the write lock) on first use."""
    key = str(path)
    with _indexes_lock:
        ix = _indexes.get(key)
        if ix is not None and path.is_dir():
            return ix
        path.mkdir(parents=True, exist_ok=True)
        if not whoosh_index.exists_in(key):
            # Two processes may start on an empty directory at once: create under the lock.
            lock = FileStorage(key).lock("MAIN_WRITELOCK")
            if not try_for(lock.acquire, timeout=DEFAULT_LOCK_TIMEOUT, delay=0.05):
                raise RuntimeError(f"Der Suchindex in {key} konnte nicht angelegt werden (gesperrt).")
            try:
                if not whoosh_index.exists_in(key):
                    whoosh_index.create_in(key, build_schema())
            finally:
                lock.release()
        ix = whoosh_index.open_dir(key)
        _indexes[key] = ix
        return ix


def add_missing_fields(writer) -> None:
    """Add the fields of :func:`added_fields` that an index of an older release lacks.

    Called by every writer that adds documents, before the first one (Whoosh allows schema
    changes only then); readers cope with the field missing. Documents written before stay
    as they are until ``manage.py update_index`` rewrites them: until then "Meinten Sie"
    shows their words folded ("larmschutz"), as the previous release did.
    """
    for name, field in added_fields().items():
        if name not in writer.schema:
            writer.add_field(name, field)


def current_searcher(ix: whoosh_index.FileIndex):
    """This thread's searcher for ``ix``, refreshed if a writer committed since."""
    cache_ = getattr(_searchers, "by_path", None)
    if cache_ is None:
        cache_ = _searchers.by_path = {}
    key = ix.storage.folder
    searcher = cache_.get(key)
    if searcher is None or not searcher.up_to_date():
        # A fresh searcher rather than ``refresh()``: Whoosh 2.7's refresh fails when the
        # previous reader had no segments (an empty index).
        if searcher is not None:
            searcher.close()
        searcher = ix.searcher()
    cache_[key] = searcher
    return searcher


class HitCache:
    """Recent Whoosh hit lists of this process, valid for one index generation only.

    Scoring every match of a broad word ("Sitzung" is in every Protokoll) costs Whoosh
    a few hundred milliseconds at 10,000 pages, and popular words are asked again and
    again. A committed write starts a new generation, which empties the cache, so a hit
    list is never older than the index. Visibility is not cached: the database checks
    every hit on every request (module docstring, step 2).
    """

    def __init__(self, size: int = HIT_CACHE_SIZE):
        self.size = size
        self._lock = threading.Lock()
        self._generation: tuple | None = None
        self._entries: OrderedDict[tuple, list] = OrderedDict()

    def get(self, generation: tuple, key: tuple) -> list | None:
        with self._lock:
            if generation != self._generation:
                return None
            hits = self._entries.get(key)
            if hits is not None:
                self._entries.move_to_end(key)
            return hits

    def put(self, generation: tuple, key: tuple, hits: list) -> None:
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._entries.clear()
            self._entries[key] = hits
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._generation = None
            self._entries.clear()


_hit_cache = HitCache()


def index_version(reader) -> tuple:
    """What a reader sees: its generation and the ids of its segments.

    Segment ids are random, so an index deleted and created again at the same path (whose
    generations start again at 0) still gets a version of its own.
    """
    segments = tuple(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()
                     if leaf.segment() is not None)
    return reader.generation(), segments


# --- what goes into a document ----------------------------------------------------------------


def _prepare_value(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_prepare_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(_prepare_value(item) for item in value.values())
    return force_str(value)


def model_label(model) -> str:
    return model._meta.label_lower


def document_key(obj) -> str:
    return f"{model_label(get_model_root(type(obj)))}:{obj.pk}"


class ObjectIndexer:
    """Turns one object into a Whoosh document: one field per search field path."""

    def __init__(self, obj):
        self.obj = obj
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.boosts: dict[str, float] = {}
        for field in obj.get_search_fields():
            self._collect(obj, field, "")

    def _collect(self, obj, field, prefix: str) -> None:
        if isinstance(field, SearchField):
            name = SEARCH_PREFIX + prefix + field.field_name
            self.texts[name].append(_prepare_value(field.get_value(obj)))
            if field.boost and field.boost != 1:
                self.boosts[name] = float(field.boost)
        elif isinstance(field, AutocompleteField):
            name = AUTOCOMPLETE_PREFIX + prefix + field.field_name
            self.texts[name].append(_prepare_value(field.get_value(obj)))
        elif isinstance(field, RelatedFields):
            sub = field.get_value(obj)
            if sub is None:
                return
            if isinstance(sub, Manager):
                subs = sub.all()
            else:
                subs = [sub() if callable(sub) else sub]
            for sub_obj in subs:
                for sub_field in field.fields:
                    self._collect(sub_obj, sub_field, f"{prefix}{field.field_name}__")

    def document(self) -> dict:
        obj = self.obj
        labels = [model_label(type(obj))] + [model_label(p) for p in obj._meta.get_parent_list()]
        doc = {
            "key": document_key(obj),
            "pk": str(obj.pk),
            "root": model_label(get_model_root(type(obj))),
            "ct": " ".join(labels),
        }
        words = []
        for name, parts in self.texts.items():
            doc[name] = "\n".join(parts)
            if name.startswith(SEARCH_PREFIX):
                words.append(doc[name])
        for name, boost in self.boosts.items():
            doc[f"_{name}_boost"] = boost
        # Spelling suggestions only come from live objects: Wagtail indexes drafts and
        # unpublished pages too, and their words must not be proposed to the public (R19).
        if getattr(obj, "live", True):
            doc[SPELL_FIELD] = doc[SPELL_FORMS_FIELD] = "\n".join(words)
        return doc


@cache
def _field_paths(model, kind) -> tuple[str, ...]:
    """Index field names of ``kind`` (SearchField/AutocompleteField) of the model and its subclasses."""
    prefix = SEARCH_PREFIX if kind is SearchField else AUTOCOMPLETE_PREFIX
    paths: list[str] = []

    def walk(fields, path_prefix):
        for field in fields:
            if isinstance(field, kind):
                name = prefix + path_prefix + field.field_name
                if name not in paths:
                    paths.append(name)
            elif isinstance(field, RelatedFields):
                walk(field.fields, f"{path_prefix}{field.field_name}__")

    for indexed in [model] + [m for m in get_indexed_models() if m is not model and issubclass(m, model)]:
        walk(indexed.get_search_fields(), "")
    return tuple(paths)


# --- query compilation ------------------------------------------------------------------------


def _boost_leaves(q: wq.Query, factor: float) -> wq.Query:
    """Multiply the boost of every leaf (Whoosh applies boosts at the leaves)."""
    if factor == 1:
        return q
    if q.is_leaf():
        if hasattr(q, "boost"):
            q.boost *= factor
    else:
        for child in q.children():
            _boost_leaves(child, factor)
    return q


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True  # ordering is done by the database
    field_kind = SearchField
    analyzer = staticmethod(german_analyzer())
    last_term_is_prefix = False

    def field_names(self) -> tuple[str, ...]:
        prefix = SEARCH_PREFIX if self.field_kind is SearchField else AUTOCOMPLETE_PREFIX
        if self.fields is not None:
            return tuple(prefix + name for name in self.fields)
        return _field_paths(self.queryset.model, self.field_kind)

    @property
    def is_match_all(self) -> bool:
        return isinstance(self.query, MatchAll)

    def tokens(self, text: str) -> list[str]:
        seen: dict[str, None] = {}
        for token in self.analyzer(text):
            seen.setdefault(token.text, None)
        return list(seen)

    def whoosh_query(self) -> wq.Query:
        return self._compile(self.query)

    def _term(self, text: str, prefix: bool = False) -> wq.Query:
        names = self.field_names()
        if prefix:
            return wq.Or([wq.Prefix(name, text) for name in names])
        clauses: list[wq.Query] = [wq.Term(name, text) for name in names]
        if len(text) >= MIN_PREFIX_LENGTH and self.field_kind is SearchField:
            clauses += [wq.Prefix(name, text, boost=PREFIX_BOOST) for name in names]
        return wq.Or(clauses)

    @staticmethod
    def _combine(clauses: list[wq.Query], operator: str) -> wq.Query:
        """And/Or with MATCH_ALL (``Every``) and MATCH_NONE (``NullQuery``) resolved here:
        Whoosh 2.7's ``normalize()`` turns ``And([q, Every()])`` into ``Every()`` and drops
        ``NullQuery`` from ``And``."""
        if operator == "and":
            if not clauses or any(c is wq.NullQuery for c in clauses):
                return wq.NullQuery
            clauses = [c for c in clauses if not isinstance(c, wq.Every)] or [wq.Every()]
            return clauses[0] if len(clauses) == 1 else wq.And(clauses)
        clauses = [c for c in clauses if c is not wq.NullQuery]
        if not clauses:
            return wq.NullQuery
        return clauses[0] if len(clauses) == 1 else wq.Or(clauses)

    def _compile(self, query) -> wq.Query:
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, Not):
            inner = self._compile(query.subquery)
            if inner is wq.NullQuery:
                return wq.Every()
            if isinstance(inner, wq.Every):
                return wq.NullQuery
            return wq.AndNot(wq.Every(), inner)
        if isinstance(query, And):
            return self._combine([self._compile(q) for q in query.subqueries], "and")
        if isinstance(query, Or):
            return self._combine([self._compile(q) for q in query.subqueries], "or")
        if isinstance(query, Boost):
            return _boost_leaves(self._compile(query.subquery), float(query.boost))
        if isinstance(query, PlainText):
            tokens = self.tokens(query.query_string)
            clauses = [
                self._term(tok, prefix=self.last_term_is_prefix and i == len(tokens) - 1)
                for i, tok in enumerate(tokens)
            ]
            return _boost_leaves(self._combine(clauses, query.operator), float(query.boost or 1))
        if isinstance(query, Phrase):
            tokens = self.tokens(query.query_string)
            if len(tokens) < 2:
                return self._combine([self._term(t) for t in tokens], "and")
            return wq.Or([wq.Phrase(name, tokens) for name in self.field_names()])
        if isinstance(query, Fuzzy):
            clauses = [
                wq.Or([
                    wq.FuzzyTerm(name, tok, maxdist=1 if len(tok) <= 5 else 2, prefixlength=1)
                    for name in self.field_names()
                ])
                for tok in self.tokens(query.query_string)
            ]
            return self._combine(clauses, query.operator)
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the {BACKEND_NAME}."
        )


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    field_kind = AutocompleteField
    analyzer = staticmethod(unstemmed_analyzer())
    last_term_is_prefix = True


# --- results ----------------------------------------------------------------------------------


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _matches(self) -> list[tuple[object, float]] | None:
        """All matching (pk, score) pairs in result order; ``None`` for MATCH_ALL (database only).

        Cached on the query compiler, which every slice of these results shares.
        """
        compiler = self.query_compiler
        if compiler.is_match_all:
            return None
        cached = getattr(compiler, "_om_matches", None)
        if cached is not None:
            return cached
        queryset = compiler.queryset
        hits = self.backend.hits(compiler.whoosh_query(), queryset.model)
        matches: list[tuple[object, float]] = []
        if hits:
            scores = dict(hits)
            base = queryset if len(scores) > PK_IN_LIMIT else queryset.filter(pk__in=list(scores))
            if compiler.order_by_relevance:
                allowed = set(base.order_by().values_list("pk", flat=True))
                matches = [(pk, score) for pk, score in hits if pk in allowed]
            else:
                if not base.query.order_by:
                    base = base.order_by("-pk")
                seen: set = set()
                for pk in base.values_list("pk", flat=True):
                    if pk in scores and pk not in seen:
                        seen.add(pk)
                        matches.append((pk, scores[pk]))
        compiler._om_matches = matches
        return matches

    def ranked(self, limit: int) -> list[tuple[object, float]]:
        """The first ``limit`` (pk, score) pairs without loading any object.

        For callers that need only ids and scores (facets and visibility checks of the
        search page); ``None`` scores for MATCH_ALL, in queryset order.
        """
        matches = self._matches()
        if matches is None:
            return [(pk, None) for pk in self._database_queryset().values_list("pk", flat=True)[:limit]]
        return matches[:limit]

    def _database_queryset(self):
        queryset = self.query_compiler.queryset
        if not self.query_compiler.order_by_relevance and not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        return queryset

    def _do_search(self):
        matches = self._matches()
        if matches is None:
            objects = list(self._database_queryset()[self.start : self.stop])
            if self._score_field:
                for obj in objects:
                    setattr(obj, self._score_field, 0.0)
            return objects
        page = matches[self.start : self.stop]
        queryset = self.query_compiler.queryset
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        by_pk = {}
        for chunk in _chunks([pk for pk, _ in page], FETCH_CHUNK):
            by_pk.update((obj.pk, obj) for obj in queryset.filter(pk__in=chunk))
        results = []
        for pk, score in page:
            obj = by_pk.get(pk)
            if obj is None:  # deleted since the search ran
                continue
            if self._score_field:
                setattr(obj, self._score_field, float(score))
            results.append(obj)
        return results

    def _do_count(self):
        matches = self._matches()
        if matches is None:
            return self._database_queryset()[self.start : self.stop].count()
        return len(matches[self.start : self.stop])

    def facet(self, field_name):
        compiler = self.query_compiler
        if compiler._get_filterable_field(field_name) is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {compiler.queryset.model.__name__}.search_fields.',
                field_name=field_name,
            )
        matches = self._matches()
        queryset = compiler.queryset.order_by()
        counts: Counter = Counter()
        if matches is None:
            counts.update(queryset.values_list(field_name, flat=True))
        else:
            for chunk in _chunks([pk for pk, _ in matches], FETCH_CHUNK):
                counts.update(queryset.filter(pk__in=chunk).values_list(field_name, flat=True))
        return OrderedDict(sorted(counts.items(), key=lambda item: -item[1]))


# --- index ------------------------------------------------------------------------------------


class WhooshIndex(BaseIndex):
    """The single Whoosh index of a backend; every write goes through ``locked_writer``."""

    #: Set by the rebuilder: chunks are committed without merging, one optimise at the end.
    bulk = False

    def get_key(self):
        return f"whoosh:{self.backend.path}"

    def __str__(self):
        return str(self.backend.path)

    def add_items(self, model, items):
        if not model.get_search_fields():
            return
        # Callers pass indexed instances (modelsearch's signal handler calls
        # get_indexed_instance(); update_index indexes subclasses after their parents).
        documents = [ObjectIndexer(item).document() for item in items]
        if not documents:
            return
        with self.backend.writer(merge=not self.bulk) as writer:
            add_missing_fields(writer)
            for doc in documents:
                writer.update_document(**doc)

    def delete_item(self, item):
        with self.backend.writer() as writer:
            writer.delete_by_term("key", document_key(item))

    def reset(self):
        with self.backend.writer(mergetype=CLEAR):
            pass

    def indexed_pks(self, root_model) -> set[str]:
        searcher = current_searcher(self.backend.ix)
        return {
            fields["pk"]
            for fields in searcher.documents(root=model_label(root_model))
        }

    def delete_stale_entries(self) -> int:
        """Remove documents whose object is gone from the database (start of a rebuild)."""
        stale_keys = []
        for model in get_indexed_models():
            if model._meta.parents:
                continue
            existing = {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
            label = model_label(model)
            stale_keys += [f"{label}:{pk}" for pk in self.indexed_pks(model) - existing]
        if stale_keys:
            with self.backend.writer() as writer:
                for key in stale_keys:
                    writer.delete_by_term("key", key)
        return len(stale_keys)


class WhooshRebuilder:
    """``update_index``: drop entries of deleted objects, then re-add everything (upserts).

    Nothing is cleared first, so searches keep working and writes from web requests made
    during the rebuild are kept.
    """

    def __init__(self, index):
        self.index = index

    def start(self):
        self.index.delete_stale_entries()
        self.index.bulk = True
        return self.index

    def finish(self):
        self.index.bulk = False
        with self.index.backend.writer(optimize=True):
            pass


# --- backend ----------------------------------------------------------------------------------


def _in_live_document(reader, fieldname: str, text: str) -> bool:
    """Whether a document that is not deleted has the term.

    Whoosh keeps the terms of replaced and deleted documents in the segment's word list
    until the next merge: the words of a page unpublished a moment ago are still "in" the
    reader, but only in deleted documents.
    """
    try:
        return reader.postings(fieldname, text).is_active()
    except TermNotFound:
        return False


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
        self.hit_cache = _hit_cache

    @property
    def ix(self) -> whoosh_index.FileIndex:
        return open_index(self.path)

    def writer(self, **commit_kwargs):
        return locked_writer(self.ix, timeout=self.lock_timeout, **commit_kwargs)

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

    # -- extras for the search page (see module docstring) --

    def suggest(self, query_string: str) -> str | None:
        """The query with unknown words replaced by the closest indexed word, or ``None``.

        Works on the syntax of ``search.query``: minus signs, quotes and ``ODER`` stay as
        they are, prefixes (``arbeit*``) are not corrected. A word is known when its folded
        form is indexed ("Laermschutz" and "larmschutz" are known through "Lärmschutz");
        an unknown one is replaced by the indexed word at the smallest edit distance (then
        the most frequent), written as most pages write it.
        """
        reader = current_searcher(self.ix).reader()
        changed = False

        def correct(match: re.Match) -> str:
            nonlocal changed
            better = self._correction(reader, match.group(0))
            if better is None:
                return match.group(0)
            changed = True
            return better

        tokens = []
        for token in query_string.split():
            if token.endswith("*") or token.casefold() in SUGGEST_SKIP_WORDS:
                tokens.append(token)
            else:
                tokens.append(_SUGGEST_WORD.sub(correct, token))
        return " ".join(tokens) if changed else None

    @staticmethod
    def _correction(reader, word: str) -> str | None:
        key = fold(word)
        if len(key) < SUGGEST_MIN_LENGTH or key.isdigit() or _in_live_document(reader, SPELL_FIELD, key):
            return None
        maxdist = 1 if len(key) <= 5 else 2
        # Whoosh's corrector ranks by frequency only; rank by distance first.
        candidates = [
            (edit_distance(key, term), -reader.doc_frequency(SPELL_FIELD, term), term)
            for term in reader.terms_within(SPELL_FIELD, key, maxdist)
            if term != key and _in_live_document(reader, SPELL_FIELD, term)
        ]
        if not candidates:
            return None
        best = min(candidates)[2]
        return WhooshSearchBackend.written_form(reader, best) or best

    @staticmethod
    def written_form(reader, key: str) -> str | None:
        """The spelling of the folded word ``key`` found in most documents, or ``None``
        (an index built before ``SPELL_FORMS_FIELD`` until ``update_index`` ran).

        Ties go to the spelling with umlauts or ß ("Lärmschutz" before "Laermschutz").
        """
        if SPELL_FORMS_FIELD not in reader.schema:
            return None
        prefix = key + FORM_SEPARATOR
        forms = []
        for term in reader.expand_prefix(SPELL_FORMS_FIELD, prefix):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            if not _in_live_document(reader, SPELL_FORMS_FIELD, text):
                continue
            form = text[len(prefix):]
            forms.append((-reader.doc_frequency(SPELL_FORMS_FIELD, text), form.isascii(), form))
        return min(forms)[2] if forms else None

    @staticmethod
    def match_spans(text: str, query_string: str) -> list[tuple[int, int]]:
        """Where the words of ``query_string`` occur in ``text``, in every form the index matches.

        Both sides go through the German analyser, so "Gefährdungsbeurteilungen" marks
        "Gefährdungsbeurteilung" and "psychischen" marks "psychische" (issue 15).
        """
        analyzer = WhooshSearchQueryCompiler.analyzer
        wanted = {t.text for t in analyzer(query_string)}
        prefixes = tuple(w for w in wanted if len(w) >= MIN_PREFIX_LENGTH)
        return [
            (t.startchar, t.endchar)
            for t in analyzer(text, chars=True, mode="index")
            if t.text in wanted or (prefixes and t.text.startswith(prefixes))
        ]

    def first_match(self, text: str, query_string: str) -> int | None:
        """Position of the first word of ``text`` that the query matches, or None."""
        spans = self.match_spans(text, query_string)
        return spans[0][0] if spans else None

    def highlight(self, text: str, query_string: str, max_chars: int = 240) -> str:
        """HTML-escaped snippet of ``text`` with the words matching ``query_string`` in ``<mark>``."""
        spans = self.match_spans(text, query_string)
        start = 0
        if spans and spans[0][0] > max_chars // 3:
            start = text.rfind(" ", 0, spans[0][0] - max_chars // 3) + 1
        end = min(len(text), start + max_chars)
        out = ["…" if start else ""]
        pos = start
        for s, e in spans:
            if s < pos or e > end:
                continue
            out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
            pos = e
        out.append(html.escape(text[pos:end]))
        if end < len(text):
            out.append("…")
        return "".join(out)


SearchBackend = WhooshSearchBackend
