"""One writer at a time for the Whoosh index (DESIGN.md "Search": lock timeout and retry).

Whoosh allows a single writer per index; a second one fails with ``LockError`` at once.
Every write in om-records (a page published in a web request, ``update_index``, a test)
goes through :func:`locked_writer`, which

* serialises the threads of this process with a ``threading.Lock``;
* waits for the index's ``WRITELOCK`` (an ``fcntl.flock`` held by another process) with a
  timeout, retrying every ``delay`` seconds — the OS drops a flock when its process dies,
  so a crashed writer never leaves a stale lock;
* commits on success and cancels on error, and releases the lock in any case (it takes the
  lock itself, so a writer that fails half-way cannot keep it);
* raises :class:`IndexLockTimeout` when the lock stays taken longer than the timeout —
  the update is never dropped silently (no fire-and-forget ``AsyncWriter`` thread).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.index import FileIndex
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from search.backends.fast_fields import upgrade_text_fields

DEFAULT_LOCK_TIMEOUT = 60.0
DEFAULT_LOCK_DELAY = 0.05

_process_lock = threading.RLock()


class _PreloadedLengths:
    """Whoosh's per-document reader with ``doc_field_length`` answered from lists.

    When a segment is written, Whoosh asks for the field length of the document of every
    posting, and each answer is a read from the just-written lengths file: a third of a
    rebuild's time (issue 18). The lists hold one byte-sized length per document and field,
    read once.
    """

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._lengths[fieldname] = [
                read(doc, fieldname, 0) for doc in range(self._reader.doc_count_all())]
        return lengths[docnum] if docnum < len(lengths) else default

    def __getattr__(self, name):
        return getattr(self._reader, name)


#: Terms with fewer postings than this keep them in the term table instead of a block of
#: their own in the postings file (Whoosh's ``inlinelimit``). Minutes use tens of thousands
#: of words once or twice (names, numbers, compounds): without inlining each of them cost a
#: pickled, compressed block with a header, a fifth of a rebuild's time (issue 18).
INLINE_LIMIT = 8



def _set_inline(terminfo: W3TermInfo, ids, weights, values) -> None:
    """Keep a term's postings in its term info, one value (``b""`` if none) per posting.

    whoosh-reloaded's postings writer calls ``set_inline``, which its term info lacks (it
    has ``set_inlined``), so any ``inlinelimit`` above the default of 1 (which never
    inlines) fails. And a format without posting values (``ID`` fields) left the values
    empty, which the list matcher reads back as ``""`` instead of bytes: merging such a
    segment failed. Both are mended here; readers of the index are unchanged.
    """
    values = tuple(values) or (b"",) * len(ids)
    terminfo.set_inlined(ids, weights, values)


W3TermInfo.set_inline = _set_inline


def om_codec() -> W3Codec:
    """Whoosh's default codec with rare terms' postings inlined (``INLINE_LIMIT``).

    The codec is stored with each segment; readers need nothing of om-records to read it.
    """
    return W3Codec(inlinelimit=INLINE_LIMIT)


class OmSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, with field lengths preloaded when a segment is written,
    rare terms inlined (:func:`om_codec`) and text indexed in one loop (``fast_fields``)."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", om_codec())
        # Separate files per segment, not one compound file: Whoosh opens a file inside a
        # compound segment by copying it whole into memory (``BufferFile``), so every new
        # searcher after a save copied the index's term and posting files, growing with the
        # archive (issue 18: save-to-searchable, memory of a web process).
        kwargs.setdefault("compound", False)
        super().__init__(ix, **kwargs)
        upgrade_text_fields(self.schema)
        #: Segments written by other processes for this writer (``whoosh.parallel``),
        #: committed with its table of contents.
        self.extra_segments: list = []

    def _commit_toc(self, segments):
        super()._commit_toc(list(segments) + self.extra_segments)

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = _PreloadedLengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


class IndexLockTimeout(RuntimeError):
    """The index stayed locked by another writer for longer than the timeout."""


@contextmanager
def locked_writer(
    ix: FileIndex,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    delay: float = DEFAULT_LOCK_DELAY,
    writer_kwargs: dict | None = None,
    **commit_kwargs,
) -> Iterator[SegmentWriter]:
    """Yield the index's only writer; commit when the block ends, cancel if it raises.

    ``writer_kwargs`` go to Whoosh's writer (``limitmb`` for a rebuild), ``commit_kwargs``
    to its commit (``merge``, ``mergetype``, ``optimize``).
    """
    with _process_lock:
        # The lock is taken and released here, not by Whoosh's writer: Whoosh frees it only
        # at the very end of a successful commit or cancel, so a writer failing half-way
        # (in its constructor, a commit, a cancel) would keep it for the life of the process
        # and make every later write of this process wait out the timeout.
        lock = ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=timeout, delay=delay):
            raise IndexLockTimeout(
                f"Der Suchindex in {ix.storage.folder} war länger als {timeout:g} s "
                "von einem anderen Schreibvorgang gesperrt; die Änderung wurde nicht gespeichert."
            )
        try:
            writer = OmSegmentWriter(ix, _lk=False, **(writer_kwargs or {}))
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit(**commit_kwargs)
        finally:
            lock.release()
