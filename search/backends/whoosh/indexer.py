"""Writing the index: one document per object, the index's writes, the rebuild."""

from __future__ import annotations

import sys
from collections import defaultdict
from contextlib import ExitStack

from modelsearch.backends.base import BaseIndex, get_model_root
from modelsearch.index import SearchField, get_indexed_models
from whoosh.writing import CLEAR, MERGE_SMALL

from search.backends.analysis import BoostedText, spelling_terms
from search.backends.whoosh.parallel import RebuildWorkerError, SegmentWorkers
from search.backends.whoosh.schema import (
    AUTOCOMPLETE_PREFIX,
    CATCH_ALL_FIELD,
    SEARCH_PREFIX,
    SPELL_FIELD,
    SPELL_FORMS_FIELD,
    add_missing_fields,
    catch_all_field,
    document_key,
    model_label,
)
from search.backends.whoosh.storage import current_searcher
from search.indexed_text import indexed_values, prepare_value


class ObjectIndexer:
    """Turns one object into a Whoosh document: one field per search field path."""

    def __init__(self, obj):
        self.obj = obj
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.boosts: dict[str, float] = {}
        self.parts: list[tuple[str, float]] = []  # the catch-all field's (text, boost)
        for item in indexed_values(obj):
            value = prepare_value(item.value())
            if isinstance(item.field, SearchField):
                name = SEARCH_PREFIX + item.path
                boost = float(item.field.boost or 1)
                if boost != 1:
                    self.boosts[name] = boost
                self.parts.append((value, boost))
            else:
                name = AUTOCOMPLETE_PREFIX + item.path
            self.texts[name].append(value)

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
        if self.parts:
            doc[CATCH_ALL_FIELD] = BoostedText.join(self.parts)
        # Spelling suggestions only come from live objects: Wagtail indexes drafts and
        # unpublished pages too, and their words must not be proposed to the public (R19).
        if getattr(obj, "live", True):
            doc[SPELL_FIELD], doc[SPELL_FORMS_FIELD] = spelling_terms("\n".join(words))
        return doc


#: A rebuild keeps one writer open for this many documents and commits them as one new
#: segment, without merging: the write lock is held for seconds at a time (web requests
#: saving a page wait for it, up to ``LOCK_TIMEOUT``), and 100,000 pages make 10 segments.
BULK_SEGMENT_DOCS = 10_000
#: Memory of the rebuild's writer before it sorts postings on disk (Whoosh's ``limitmb``):
#: a segment's postings are sorted in memory, the rebuild's process stays well below 1 GB.
BULK_LIMIT_MB = 256
#: A section of a rebuild starts worker processes (``parallel``) once it holds this many
#: documents, and hands them all to the workers; smaller sections (tests, the demo) are
#: indexed in the rebuild's own process when they are committed.
PARALLEL_AFTER_DOCS = 2_000


def merge_rebuilt(writer, segments):
    """Merge policy at the end of a rebuild: drop the segments whose documents were all
    replaced, merge only small ones (``MERGE_SMALL``).

    Merging is the expensive part of a Whoosh write (every posting is read back and
    re-sorted); the rebuild's own segments are large and stay as they are, the old ones are
    empty after the upserts and cost nothing to drop.
    """
    return MERGE_SMALL(writer, [seg for seg in segments if seg.doc_count() > 0])


def _for_schema(doc: dict, schema) -> dict:
    """``doc`` without the catch-all field if the index predates it (until ``update_index``)."""
    if CATCH_ALL_FIELD in doc and CATCH_ALL_FIELD not in schema:
        doc = {name: value for name, value in doc.items() if name != CATCH_ALL_FIELD}
    return doc


class WhooshIndex(BaseIndex):
    """The single Whoosh index of a backend; every write goes through ``locked_writer``."""

    #: Set by the rebuilder: documents go to one long-lived writer (``BULK_SEGMENT_DOCS``).
    bulk = False
    _bulk_stack: ExitStack | None = None
    _bulk_writer = None
    _bulk_keys: frozenset | set = frozenset()
    _bulk_workers: SegmentWorkers | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bulk_pending: list[dict] = []
    #: Worker processes of a rebuild (``parallel``); the backend's ``REBUILD_PROCS``.
    procs = 1

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
        if self.bulk:
            self._bulk_add(documents)
            return
        with self.backend.writer() as writer:
            add_missing_fields(writer)
            for doc in documents:
                writer.update_document(**_for_schema(doc, writer.schema))

    def _bulk_add(self, documents: list[dict]) -> None:
        try:
            for doc in documents:
                if doc["key"] in self._bulk_keys:
                    # Whoosh's update_document replaces committed documents only: an object
                    # met twice (a subclass indexed after its parent model) commits first.
                    self.flush_bulk()
                writer = self._open_bulk_writer()
                doc = _for_schema(doc, writer.schema)
                if self.procs <= 1:
                    writer.update_document(**doc)
                elif self._bulk_workers is None:
                    # Held back until the section is large enough to be worth the workers;
                    # a small rebuild (tests, the demo) is indexed in this process at flush.
                    self._bulk_pending.append(doc)
                    if len(self._bulk_pending) >= PARALLEL_AFTER_DOCS:
                        self._bulk_workers = SegmentWorkers(
                            self.backend.ix, self.procs, BULK_LIMIT_MB // self.procs)
                        for pending in self._bulk_pending:
                            self._send_to_workers(writer, pending)
                        self._bulk_pending = []
                else:
                    self._send_to_workers(writer, doc)
                self._bulk_keys.add(doc["key"])
        except BaseException:
            self.flush_bulk(*sys.exc_info())  # cancels the writer, frees the lock
            raise
        if len(self._bulk_keys) >= BULK_SEGMENT_DOCS:
            self.flush_bulk()

    def _send_to_workers(self, writer, doc: dict) -> None:
        writer.delete_by_term("key", doc["key"])  # its old version, from the committed segments
        self._bulk_workers.add(doc)

    def _open_bulk_writer(self):
        if self._bulk_stack is None:
            stack = ExitStack()
            self._bulk_writer = stack.enter_context(
                self.backend.writer(writer_kwargs={"limitmb": BULK_LIMIT_MB}, merge=False))
            self._bulk_stack, self._bulk_keys = stack, set()
            add_missing_fields(self._bulk_writer)
        return self._bulk_writer

    def flush_bulk(self, *exc_info) -> None:
        """Commit the rebuild's open writer (cancel it if ``exc_info`` names an error), with
        the segments its worker processes wrote."""
        stack, self._bulk_stack, writer, self._bulk_writer = (
            self._bulk_stack, None, self._bulk_writer, None)
        workers, self._bulk_workers = self._bulk_workers, None
        pending, self._bulk_pending = self._bulk_pending, []
        self._bulk_keys = set()
        if stack is None:
            return
        if pending and not exc_info:
            try:
                for doc in pending:  # too few for the workers
                    writer.update_document(**doc)
            except BaseException:
                stack.__exit__(*sys.exc_info())  # cancels the writer, frees the lock
                raise
        if workers is not None:
            if exc_info:
                workers.cancel()
            else:
                try:
                    writer.extra_segments = workers.finish()
                except RebuildWorkerError:
                    stack.__exit__(*sys.exc_info())  # cancels the writer, frees the lock
                    raise
        stack.__exit__(*(exc_info or (None, None, None)))

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
    during the rebuild are kept. The documents go to one writer with a large memory limit,
    committed every ``BULK_SEGMENT_DOCS`` documents as a segment of its own; no optimise at
    the end (it read every posting back: more than half of a rebuild's time), only the
    replaced segments are dropped and small ones merged (``merge_rebuilt``).
    """

    def __init__(self, index):
        self.index = index

    def start(self):
        backend = self.index.backend
        if CATCH_ALL_FIELD not in backend.ix.schema:
            # An index of an earlier release: start it afresh with the catch-all field.
            # Searches find only what is re-indexed until the rebuild ends (docs/search.md).
            with backend.writer(mergetype=CLEAR) as writer:
                writer.add_field(CATCH_ALL_FIELD, catch_all_field())
        self.index.delete_stale_entries()
        self.index.bulk = True
        self.index._bulk_pending = []
        self.index.procs = self.index.backend.rebuild_procs
        return self.index

    def finish(self):
        self.index.flush_bulk()
        self.index.bulk = False
        with self.index.backend.writer(mergetype=merge_rebuilt):
            pass


