"""What a search backend may offer the public search page beyond modelsearch's contract.

The search page checks for each protocol with ``isinstance`` and otherwise does without:
without :class:`Suggests` there is no "Meinten Sie …?"; without :class:`Highlights` the
snippets are marked by :mod:`search.highlight` with its plain analyser. The Whoosh backend
implements both (:class:`SearchExtras`); its result sets also rank without loading pages
(:class:`RanksWithoutPages`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Suggests(Protocol):
    def suggest(self, query_string: str) -> str | None:
        """The query with each unknown word replaced by the closest indexed word as the
        pages write it, or ``None`` if nothing changes. The caller still checks that a
        proposed word finds a page the public may see."""


@runtime_checkable
class Highlights(Protocol):
    def first_match(self, text: str, query_string: str) -> int | None:
        """Where the first word of ``text`` that the query matches (in any form the index
        matches) begins, or ``None``."""

    def highlight(self, text: str, query_string: str, max_chars: int = 240) -> str:
        """HTML-escaped text around the first match, matching words in ``<mark>``; the
        caller still checks that ``<mark>`` is the only markup."""


@runtime_checkable
class RanksWithoutPages(Protocol):
    def ranked(self, limit: int) -> list[tuple[object, float]]:
        """The first ``limit`` (pk, score) pairs of a result set, without loading the pages
        (spares a broad query 2,000 page objects)."""


@runtime_checkable
class SearchExtras(Suggests, Highlights, Protocol):
    """Everything the search page can use."""
