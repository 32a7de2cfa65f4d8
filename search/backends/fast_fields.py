"""The index's text field, with the German analysis of a whole value done in one loop.

Whoosh indexes a value by passing each word through a chain of generators (tokenizer,
lower case, stop words, stemmer, one ``Token`` object mutated on the way) and then
collecting positions per word: a quarter of a rebuild's time on realistic minutes
(issue 18). :class:`OmText` recognises the analysers of ``search.backends.analysis`` and
computes the same ``(term, frequency, weight, posting value)`` items directly, from the
words' regular-expression matches and the stem caches. Any other analyser, and every use at
query time, goes through Whoosh's own path. ``tests/search/test_fast_fields.py`` proves both
paths give identical items.
"""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.fields import TEXT
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from search.backends import analysis

#: Analyser kinds with a fast path.
GERMAN, CATCH_ALL, UNSTEMMED = "german", "catch_all", "unstemmed"

_WORD = analysis._TOKEN
_ONE = pack_uint(1)
#: Position → Whoosh's encoding of that single position (``Positions.encode([pos])``), for
#: positions below ``SINGLE_POSITION_CACHE``.
SINGLE_POSITION_CACHE = 20_000
_SINGLE_POSITION: dict[int, bytes] = {}


def _stop_words_match(stop: StopFilter) -> bool:
    return (stop.min == 1 and stop.max is None and stop.renumber
            and (stop.stops is analysis.GERMAN_STOP_WORDS or stop.stops == analysis.GERMAN_STOP_WORDS))


def analyzer_kind(analyzer) -> str | None:
    """Which of om-records' analysers ``analyzer`` is (as built, or unpickled from an index's
    table of contents), or ``None`` for any other."""
    if type(analyzer) is not CompositeAnalyzer:
        return None
    types = [type(item) for item in analyzer.items]
    tokenizer = analyzer.items[0]
    if getattr(getattr(tokenizer, "expression", None), "pattern", None) != analysis.TOKEN_PATTERN:
        return None
    if types == [RegexTokenizer, LowercaseFilter, StopFilter, analysis.GermanStemFilter]:
        return GERMAN if _stop_words_match(analyzer.items[2]) else None
    if types == [analysis.PartBoostTokenizer, LowercaseFilter, StopFilter, analysis.PartGapFilter,
                 analysis.GermanStemFilter]:
        return CATCH_ALL if _stop_words_match(analyzer.items[2]) else None
    if types == [RegexTokenizer, LowercaseFilter, analysis.FoldFilter]:
        return UNSTEMMED
    return None


def _stemmed_positions(text: str, poses: dict[str, list[int]], weights: dict[str, float],
                       first: int, pos: int | None, boost: float, gap: int) -> tuple[int, int | None]:
    """Add the stemmed words of ``text`` (token numbers from ``first``) to ``poses``.

    Positions are numbered as Whoosh's ``StopFilter`` renumbers them: the first kept word
    keeps its token number, every later kept word follows the previous one; ``gap`` is added
    after (the catch-all field's ``PartGapFilter``).
    """
    stops, cache, stem = analysis.GERMAN_STOP_WORDS, analysis._stem_cache, analysis.stem
    number = first
    for word in _WORD.findall(text):
        word = word.lower()
        if word not in stops:
            pos = number if pos is None else pos + 1
            term = cache.get(word)
            if term is None:
                term = analysis._cached(cache, stem, word)
            found = poses.get(term)
            if found is None:
                poses[term] = [pos + gap]
                weights[term] = boost
            else:
                found.append(pos + gap)
                weights[term] += boost
        number += 1
    return number, pos


class OmText(TEXT):
    """Whoosh's ``TEXT`` field with a one-loop ``index`` for om-records' analysers."""

    def index(self, value, **kwargs):
        kind = None if kwargs else self._fast_kind(value)
        if kind is None:
            yield from super().index(value, **kwargs)
            return
        if isinstance(value, (list, tuple)):
            yield from self._index_words(value)
        elif kind == UNSTEMMED:
            yield from self._index_unstemmed(value)
        else:
            yield from self._index_stemmed(value, kind)

    def _fast_kind(self, value) -> str | None:
        format_ = self.format
        if not isinstance(value, (str, list, tuple)) or type(format_) not in (Positions, Frequency):
            return None
        if isinstance(value, (list, tuple)):
            return "words" if type(format_) is Frequency else None
        kind = analyzer_kind(self.analyzer)
        if kind == UNSTEMMED:
            return kind if type(format_) is Frequency else None
        return kind if type(format_) is Positions else None

    def _index_words(self, words):
        """Pre-tokenised values (the spelling fields): each word as it is."""
        boost = self.format.field_boost
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        for word, count in counts.items():
            yield word.encode("utf-8"), count, count * boost, pack_uint(count)

    def _index_unstemmed(self, text: str):
        boost = self.format.field_boost
        cache, fold = analysis._fold_cache, analysis.fold
        counts: dict[str, int] = {}
        for word in _WORD.findall(text):
            word = word.lower()
            term = cache.get(word)
            if term is None:
                term = analysis._cached(cache, fold, word)
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            yield term.encode("utf-8"), count, count * boost, _ONE if count == 1 else pack_uint(count)

    def _index_stemmed(self, text: str, kind: str):
        poses: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        parts = getattr(text, "parts", ()) if kind == CATCH_ALL else ()
        if parts:
            start, number, pos = 0, 0, None
            for index, (end, boost) in enumerate(parts):
                number, pos = _stemmed_positions(text[start:end], poses, weights, number, pos,
                                                 float(boost), index * analysis.PART_GAP)
                start = end + 1
        else:
            _stemmed_positions(text, poses, weights, 0, None, 1.0, 0)
        format_ = self.format
        boost = format_.field_boost
        encode = format_.encode
        for term, positions in poses.items():
            if len(positions) == 1:  # most words occur once in a document
                value = _SINGLE_POSITION.get(positions[0])
                if value is None:
                    value = encode(positions)
                    if positions[0] < SINGLE_POSITION_CACHE:
                        _SINGLE_POSITION[positions[0]] = value
            else:
                value = encode(positions)
            yield term.encode("utf-8"), len(positions), weights[term] * boost, value


def upgrade_text_fields(schema) -> None:
    """Make the ``TEXT`` fields of an index's stored schema :class:`OmText` (same data).

    Indexes written before this module keep plain ``TEXT`` in their table of contents; a
    writer upgrades its copy, which is stored at its commit. Nothing about the index changes
    but the class that indexes new documents.
    """
    for field in list(schema._fields.values()) + [field for _, field in schema._dyn_fields.values()]:
        if type(field) is TEXT:
            field.__class__ = OmText
