"""One writer at a time for the Whoosh index (DESIGN.md "Search": lock timeout and retry).

Whoosh allows a single writer per index; a second one fails with ``LockError`` at once.
Every write in om-records (a page published in a web request, ``update_index``, a test)
goes through :func:`locked_writer`, which

* serialises the threads of this process with a ``threading.Lock``;
* waits for the index's ``WRITELOCK`` (an ``fcntl.flock`` held by another process) with a
  timeout, retrying every ``delay`` seconds — the OS drops a flock when its process dies,
  so a crashed writer never leaves a stale lock;
* commits on success and cancels on error, so the lock is always released;
* raises :class:`IndexLockTimeout` when the lock stays taken longer than the timeout —
  the update is never dropped silently (no fire-and-forget ``AsyncWriter`` thread).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh.index import FileIndex, LockError
from whoosh.writing import SegmentWriter

DEFAULT_LOCK_TIMEOUT = 60.0
DEFAULT_LOCK_DELAY = 0.05

_process_lock = threading.RLock()


class IndexLockTimeout(RuntimeError):
    """The index stayed locked by another writer for longer than the timeout."""


@contextmanager
def locked_writer(
    ix: FileIndex,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    delay: float = DEFAULT_LOCK_DELAY,
    **commit_kwargs,
) -> Iterator[SegmentWriter]:
    """Yield the index's only writer; commit when the block ends, cancel if it raises."""
    with _process_lock:
        try:
            writer = ix.writer(timeout=timeout, delay=delay)
        except LockError as exc:
            raise IndexLockTimeout(
                f"Der Suchindex in {ix.storage.folder} war länger als {timeout:g} s "
                "von einem anderen Schreibvorgang gesperrt; die Änderung wurde nicht gespeichert."
            ) from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit(**commit_kwargs)
