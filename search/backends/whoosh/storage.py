"""Process-wide storage: one FileIndex per directory, one searcher per thread, the hit cache."""

from __future__ import annotations

import mmap
import os
import threading
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.util.filelock import try_for

from search.backends.whoosh.schema import build_schema
from search.backends.whoosh.scoring import OmBM25F
from search.backends.writer import DEFAULT_LOCK_TIMEOUT

#: Recent (query, model) -> hits per process and index generation (see ``HitCache``).
HIT_CACHE_SIZE = 64
#: ... and at most this many hits in all, so a web process stays bounded at 100,000 pages
#: (a broad word's full hit list is as long as the archive): some 30 MB.
HIT_CACHE_ITEMS = 300_000

_indexes: dict[str, whoosh_index.FileIndex] = {}
_indexes_lock = threading.Lock()
_searchers = threading.local()


class MappedFileStorage(FileStorage):
    """Whoosh's file storage with each file read from a read-only memory map.

    A reader looks up terms and posting blocks by position; from a plain file each lookup is
    a seek and a read (system calls), from a map a slice of memory the OS caches anyway. The
    map is used as it is, never copied (Whoosh's own ``BufferFile`` copies a whole file into
    memory, the reason the index is written without compound files, ``writer.OmSegmentWriter``).
    """

    #: Smaller files are read as plain files: mapping costs system calls of its own, and a
    #: small index (tests, a new installation) reads its few lookups faster without.
    min_mapped_bytes = 256 * 1024

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as file:
            if os.fstat(file.fileno()).st_size < max(1, self.min_mapped_bytes):
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


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
            lock = MappedFileStorage(key).lock("MAIN_WRITELOCK")
            if not try_for(lock.acquire, timeout=DEFAULT_LOCK_TIMEOUT, delay=0.05):
                raise RuntimeError(f"Der Suchindex in {key} konnte nicht angelegt werden (gesperrt).")
            try:
                if not whoosh_index.exists_in(key):
                    MappedFileStorage(key).create_index(build_schema())
            finally:
                lock.release()
        ix = MappedFileStorage(key).open_index()
        _indexes[key] = ix
        return ix


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
        searcher = ix.searcher(weighting=OmBM25F())
    cache_[key] = searcher
    return searcher


class HitCache:
    """Recent Whoosh hit lists of this process, valid for one index generation only.

    Scoring every match of a broad word ("Sitzung" is in every Protokoll) costs Whoosh
    a few hundred milliseconds at 10,000 pages, and popular words are asked again and
    again. A committed write starts a new generation, which empties the cache, so a hit
    list is never older than the index. Visibility is not cached: the database checks
    every hit on every request (``search.backends.whoosh``, step 2).
    """

    def __init__(self, size: int = HIT_CACHE_SIZE, items: int = HIT_CACHE_ITEMS):
        self.size = size
        self.items = items
        self._lock = threading.Lock()
        self._generation: tuple | None = None
        self._entries: OrderedDict[tuple, list] = OrderedDict()
        self._weights: dict[tuple, int] = {}

    @staticmethod
    def _weight(hits) -> int:
        if isinstance(hits, tuple):  # (hits, complete) of ``top_hits``
            hits = hits[0]
        return len(hits) + 1

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
                self._weights.clear()
            weight = self._weight(hits)
            if weight > self.items:
                return
            self._entries[key] = hits
            self._weights[key] = weight
            while len(self._entries) > self.size or sum(self._weights.values()) > self.items:
                old, _ = self._entries.popitem(last=False)
                del self._weights[old]

    def clear(self) -> None:
        with self._lock:
            self._generation = None
            self._entries.clear()
            self._weights.clear()


hit_cache = HitCache()


_pk_lists: dict[str, list[str]] = {}
_pk_joined: dict[tuple, list[str]] = {}
_pk_lock = threading.Lock()


def docnum_pks(reader) -> list[str]:
    """The stored ``pk`` of every document number of ``reader`` (deleted ones included).

    Read once per segment and kept while the segment is part of the index (segments never
    change, a write adds new ones): turning 15,000 matches into primary keys is then a list
    lookup each, not a column read (issue 18).
    """
    leaves = [(leaf, leaf.segment()) for leaf, _ in reader.leaf_readers()]
    key = tuple(segment.segment_id() for _, segment in leaves if segment is not None)
    with _pk_lock:
        joined = _pk_joined.get(key)
        if joined is not None:
            return joined
        lists = []
        for leaf, segment in leaves:
            if segment is None:
                continue
            pks = _pk_lists.get(segment.segment_id())
            if pks is None:
                pks = list(leaf.column_reader("pk")) if leaf.has_column("pk") else []
                pks += [None] * (leaf.doc_count_all() - len(pks))
            lists.append((segment.segment_id(), pks))
        # only the segments of the newest reader stay cached
        _pk_lists.clear()
        _pk_lists.update(lists)
        _pk_joined.clear()
        joined = _pk_joined[key] = [pk for _, pks in lists for pk in pks]
        return joined


def index_version(reader) -> tuple:
    """What a reader sees: its generation and the ids of its segments.

    Segment ids are random, so an index deleted and created again at the same path (whose
    generations start again at 0) still gets a version of its own.
    """
    segments = tuple(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()
                     if leaf.segment() is not None)
    return reader.generation(), segments

