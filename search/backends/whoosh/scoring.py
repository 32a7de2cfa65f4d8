"""BM25 as Whoosh computes it, with the documents' field lengths read from lists.

Whoosh's scorer asks the segment for the length of the scored document's field on every
score, each a read through its column file: a fifth of a broad query's time (issue 18).
The lists hold the same lengths, read once per segment and field and kept while the segment
is part of the index (segments never change; writes add new ones), so scores are exactly
Whoosh's.
"""

from __future__ import annotations

import threading

from whoosh.scoring import BM25F, BM25FScorer

_lengths: dict[tuple[str, str], list] = {}
_lock = threading.Lock()


def field_lengths(reader, fieldname: str) -> list | None:
    """Length of ``fieldname`` per document number of the segment ``reader`` (``None`` if it
    is not a single segment)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return None
    key = (segment.segment_id(), fieldname)
    lengths = _lengths.get(key)
    if lengths is None:
        read = reader.doc_field_length
        lengths = [read(docnum, fieldname, 1) for docnum in range(reader.doc_count_all())]
        with _lock:
            if len(_lengths) > 256:  # bounded: forget the older half (gone segments first)
                for old in list(_lengths)[: len(_lengths) // 2]:
                    del _lengths[old]
            _lengths[key] = lengths
    return lengths


class _Scorer(BM25FScorer):
    def setup(self, searcher, fieldname, text):
        super().setup(searcher, fieldname, text)
        lengths = field_lengths(searcher.reader(), fieldname)
        if lengths is not None:
            self.dfl = lengths.__getitem__


class OmBM25F(BM25F):
    """Whoosh's BM25F (same parameters, same scores) with list-based field lengths."""

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        B = self._field_B.get(fieldname, self.B)
        return _Scorer(searcher, fieldname, text, B, self.K1, qf=qf)
