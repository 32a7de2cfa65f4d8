"""``update_index`` with worker processes (issue 18): every object once, old versions
replaced, nothing committed when a worker fails, and the write lock freed in both cases."""

import pytest
from django.core.management import call_command
from wagtail.models import Page

from search.backends.whoosh import indexer, parallel
from search.backends.writer import OmSegmentWriter

from .tree import add_protokoll, index_key, titles

pytestmark = [pytest.mark.django_db,
              pytest.mark.whoosh_only("Whoosh's rebuild writes segments in worker processes")]


@pytest.fixture
def parallel_rebuild(backend, monkeypatch):
    """Worker processes after the first three documents, batches of two, two workers."""
    monkeypatch.setattr(indexer, "PARALLEL_AFTER_DOCS", 3)
    monkeypatch.setattr(parallel, "BATCH_DOCS", 2)
    monkeypatch.setattr(backend, "rebuild_procs", 2)
    return backend


def stored_keys(backend) -> list[str]:
    with backend.ix.searcher() as searcher:  # stored documents; replaced ones are not listed
        return [fields["key"] for fields in searcher.documents()]


def lock_is_free(backend) -> bool:
    lock = backend.ix.lock("WRITELOCK")
    if lock.acquire():
        lock.release()
        return True
    return False


def test_workers_index_every_object_once(parallel_rebuild, fachgruppe, monkeypatch):
    backend = parallel_rebuild
    pages = [add_protokoll(fachgruppe, f"Sitzung {i}", f"Schutzbrille{i} geprüft") for i in range(12)]
    worker_segments = []
    finish = parallel.SegmentWorkers.finish

    def recorded_finish(self):
        segments = finish(self)
        worker_segments.extend(segments)
        return segments

    monkeypatch.setattr(parallel.SegmentWorkers, "finish", recorded_finish)
    Page.objects.filter(pk=pages[5].pk).update(title="Sitzung fünf umbenannt")  # no signal

    call_command("update_index", verbosity=0)

    keys = stored_keys(backend)
    assert sorted(keys) == sorted(set(keys))  # replaced documents are gone
    assert {index_key(backend, page) for page in pages} <= set(keys)
    for i in (0, 4, 11):
        assert titles(Page.objects.live().public().search(f"Schutzbrille{i}")) == [f"Sitzung {i}"]
    assert titles(Page.objects.live().public().search("umbenannt")) == ["Sitzung fünf umbenannt"]
    assert worker_segments  # the pages above were indexed by the workers and are found
    assert lock_is_free(backend)


def test_a_failing_worker_commits_nothing_and_frees_the_lock(parallel_rebuild, fachgruppe, monkeypatch):
    backend = parallel_rebuild
    pages = [add_protokoll(fachgruppe, f"Sitzung {i}", f"Gehörschutz{i} verteilt") for i in range(8)]
    Page.objects.filter(pk=pages[7].pk).update(title="Sitzung sieben neu")  # no signal
    keys_before = sorted(stored_keys(backend))

    def broken(self, **fields):
        raise OSError("Datenträger voll")

    def failing_worker(*args):
        OmSegmentWriter.add_document = broken  # in the worker process only
        work(*args)

    work = parallel._index_batches
    monkeypatch.setattr(parallel, "_index_batches", failing_worker)

    with pytest.raises(parallel.RebuildWorkerError, match="Datenträger voll"):
        call_command("update_index", verbosity=0)

    monkeypatch.undo()
    assert sorted(stored_keys(backend)) == keys_before
    assert titles(Page.objects.live().public().search("Gehörschutz7")) == ["Sitzung sieben neu"]
    assert titles(Page.objects.live().public().search("sieben")) == []  # the old version stays
    assert lock_is_free(backend)
