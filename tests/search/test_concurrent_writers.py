"""Two real processes writing to one index lose nothing; a killed writer leaves no lock.

The children are separate Python interpreters (``subprocess``) with the test settings; they
index unsaved ``Organisation`` objects (plain fields, no database access) one commit each,
so the two fight for Whoosh's single write lock hundreds of times.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from modelsearch.backends import get_search_backend

from om_pages.models.snippets import Organisation

from .tree import indexed_keys

pytestmark = pytest.mark.whoosh_only("Whoosh's write lock and index files; PostgreSQL's index is a "
                                     "table written in transactions")

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, sys, time, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings_test"
    django.setup()
    from search.backends.whoosh import WhooshSearchBackend
    from om_pages.models.snippets import Organisation
    backend = WhooshSearchBackend({"PATH": sys.argv[1], "LOCK_TIMEOUT": 60})
    mode, first, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if mode == "add":
        for pk in range(first, first + count):
            backend.add(Organisation(pk=pk, name=f"Innung Nummer {pk}"))
    else:  # hold the write lock until killed
        with backend.writer():
            print("locked", flush=True)
            time.sleep(600)
    """
)


def run_child(index_dir, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index_dir), *map(str, args)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_two_processes_writing_at_once_lose_nothing(whoosh_dir):
    per_child = 60
    children = [run_child(whoosh_dir, "add", 1, per_child), run_child(whoosh_dir, "add", 1001, per_child)]
    for child in children:
        assert child.wait(timeout=300) == 0
    backend = get_search_backend("default")
    expected = {f"om_pages.organisation:{pk}" for pk in [*range(1, 61), *range(1001, 1061)]}
    assert indexed_keys(backend) == expected
    assert backend.search("Innung", Organisation.objects.none()).count() == 0  # DB decides visibility


def test_killed_writer_leaves_no_stale_lock(whoosh_dir):
    holder = run_child(whoosh_dir, "hold", 0, 0)
    try:
        assert holder.stdout.readline().strip() == "locked"
        backend = get_search_backend("default")
        backend.lock_timeout = 0.3
        from search.backends.writer import IndexLockTimeout

        with pytest.raises(IndexLockTimeout, match="gesperrt"):
            backend.add(Organisation(pk=1, name="Kammer blockiert"))
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    started = time.monotonic()
    backend = get_search_backend("default")
    backend.add(Organisation(pk=2, name="Kammer frei"))
    assert time.monotonic() - started < 10
    assert indexed_keys(backend) == {"om_pages.organisation:2"}


def test_threads_of_one_process_lose_nothing(backend):
    import threading

    def work(first: int) -> None:
        for pk in range(first, first + 25):
            backend.add(Organisation(pk=pk, name=f"Kammer {pk}"))

    threads = [threading.Thread(target=work, args=(first,)) for first in (1, 101, 201)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    expected = {f"om_pages.organisation:{pk}" for first in (1, 101, 201) for pk in range(first, first + 25)}
    assert indexed_keys(backend) == expected


@pytest.mark.parametrize("failing", ["commit", "cancel"])
def test_writer_failing_half_way_releases_the_lock(whoosh_dir, monkeypatch, failing):
    """A commit (or a cancel after an error) that fails half-way must not keep the index lock:
    Whoosh frees it only at the end of both, so later writes of the process would wait out
    the timeout (seen in CI: every page publish then took 60 s)."""
    from whoosh.writing import SegmentWriter

    from search.backends.writer import locked_writer

    backend = get_search_backend("default")
    backend.add(Organisation(pk=1, name="Kammer eins"))

    def broken(self, *args, **kwargs):
        raise OSError("Datenträger voll")

    monkeypatch.setattr(SegmentWriter, failing, broken)
    with pytest.raises(OSError, match="Datenträger voll"):
        with locked_writer(backend.ix, timeout=0.5) as writer:
            writer.update_document(key="om_pages.organisation:2", pk="2", ct="om_pages.organisation")
            if failing == "cancel":
                raise OSError("Datenträger voll")  # the body fails, then the cancel fails too
    monkeypatch.undo()

    started = time.monotonic()
    backend.lock_timeout = 0.5
    backend.add(Organisation(pk=3, name="Kammer drei"))  # would raise IndexLockTimeout
    assert time.monotonic() - started < 5
    assert "om_pages.organisation:3" in indexed_keys(backend)


def test_writer_with_preloaded_lengths_scores_as_whoosh_does(tmp_path):
    """``OmSegmentWriter`` reads field lengths once per field (issue 18); the index it writes
    must score exactly as one written by Whoosh's own writer."""
    from whoosh import index as whoosh_index
    from whoosh import query as wq
    from whoosh.writing import SegmentWriter

    from search.backends.whoosh.schema import build_schema
    from search.backends.writer import OmSegmentWriter

    texts = ["Lärmschutz im Betrieb", "Lärmschutz Lärmschutz Gehörschutz und Beratung",
             "Beratung", "Gehörschutz, Lärmschutz, Atemschutz, Hautschutz und mehr Lärmschutz"]
    scores = []
    for writer_class in (SegmentWriter, OmSegmentWriter):
        path = tmp_path / writer_class.__name__
        path.mkdir()
        ix = whoosh_index.create_in(str(path), build_schema())
        writer = writer_class(ix)
        for i, text in enumerate(texts):
            writer.add_document(key=f"x:{i}", pk=str(i), f_body=text, f_title=text[:12])
        writer.commit()
        with ix.searcher() as searcher:
            scores.append([(hit.docnum, hit.score) for hit in
                           searcher.search(wq.Or([wq.Term("f_body", "larmschutz"),
                                                  wq.Term("f_title", "berat")]))])
    assert scores[0] == scores[1]
    assert len(scores[0]) == 4
