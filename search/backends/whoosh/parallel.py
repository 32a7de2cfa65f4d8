"""Index a rebuild's documents in several processes, each writing a segment of its own.

Whoosh analyses documents and writes postings in pure Python on one core: on realistic
minutes (about 1,700 postings per Protokoll) that is what a rebuild waits for (issue 18).
``update_index`` reads the objects and builds their documents in its own process (it holds
the database connection); the documents go in batches to worker processes forked from it,
and each worker writes one segment with an ``OmSegmentWriter`` of its own. The rebuild's
writer, which holds the index's write lock throughout, deletes the replaced documents and
commits the workers' segments with its table of contents, so a search sees all or none of
them. The workers never touch the database.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback

from search.backends.whoosh.schema import add_missing_fields
from search.backends.writer import OmSegmentWriter

#: Documents per batch sent to a worker (one pickle through a pipe).
BATCH_DOCS = 100


_FAILED = ("Ein Prozess des Index-Neuaufbaus ist fehlgeschlagen; der Suchindex bleibt, wie er "
           "vor diesem Abschnitt war.\n")


class RebuildWorkerError(RuntimeError):
    """A worker process failed; nothing of the batch is committed."""


def default_procs() -> int:
    """Worker processes of a rebuild: the machine's cores, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def _index_batches(ix, jobs, results, limitmb: int) -> None:
    """A worker: add the documents of each batch to one segment, report it at the end."""
    writer = None
    try:
        writer = OmSegmentWriter(ix, _lk=False, limitmb=limitmb)
        add_missing_fields(writer)
        while (batch := jobs.get()) is not None:
            for doc in batch:
                writer.add_document(**doc)
        segment = writer._finalize_segment() if writer.docnum else None
        results.put(("ok", segment))
    except BaseException:
        if writer is not None:
            try:
                writer._close_segment()
            except Exception:  # noqa: BLE001 - the original error is what counts
                pass
        results.put(("error", traceback.format_exc()))


class SegmentWorkers:
    """``procs`` worker processes fed with batches of documents; :meth:`finish` returns the
    segments they wrote."""

    def __init__(self, ix, procs: int, limitmb: int):
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(procs * 2)  # bounded: the reader waits for the writers
        self.results = context.Queue()
        self.workers = [
            context.Process(target=_index_batches, args=(ix, self.jobs, self.results, limitmb),
                            name=f"om-index-{number}", daemon=True)
            for number in range(procs)
        ]
        for worker in self.workers:
            worker.start()
        self.batch: list[dict] = []
        self.outcomes: list[tuple[str, object]] = []

    def add(self, doc: dict) -> None:
        self.batch.append(doc)
        if len(self.batch) >= BATCH_DOCS:
            self._send()

    def _send(self) -> None:
        if self.batch:
            self._put(self.batch)
            self.batch = []

    def _put(self, item) -> None:
        """Queue ``item``, waiting for a free slot while every worker is alive (a dead one
        would leave the queue full forever)."""
        while True:
            try:
                self.jobs.put(item, timeout=1)
                return
            except queue.Full:
                self._check_alive()

    def _check_alive(self) -> None:
        """Raise if a worker reported an error or died (reports are kept for ``finish``)."""
        try:
            while True:
                self.outcomes.append(self.results.get_nowait())
        except queue.Empty:
            pass
        errors = [detail for status, detail in self.outcomes if status != "ok"]
        crashed = [worker for worker in self.workers if worker.exitcode not in (None, 0)]
        if errors or crashed:
            self.cancel()
            raise RebuildWorkerError(_FAILED + (
                errors[0] if errors else f"{crashed[0].name}: Exit-Code {crashed[0].exitcode}"))

    def finish(self) -> list:
        """Wait for every worker; their segments, or :class:`RebuildWorkerError`."""
        self._send()
        for _ in self.workers:
            self._put(None)
        outcomes = self.outcomes
        while len(outcomes) < len(self.workers):
            try:
                outcomes.append(self.results.get(timeout=1))
            except queue.Empty:
                if all(worker.exitcode is not None for worker in self.workers):
                    outcomes += [("error", "Ein Prozess endete ohne Ergebnis.")] * (
                        len(self.workers) - len(outcomes))
        for worker in self.workers:
            worker.join()
        errors = [detail for status, detail in outcomes if status != "ok"]
        if errors:
            raise RebuildWorkerError(_FAILED + errors[0])
        return [segment for _, segment in outcomes if segment is not None]

    def cancel(self) -> None:
        for worker in self.workers:
            if worker.is_alive():
                worker.kill()
        for worker in self.workers:
            worker.join()
