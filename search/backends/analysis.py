"""German text analysis for the Whoosh backend (DESIGN.md "Search").

One pipeline for index and query time, so that whatever a user types meets what the
minutes say:

* lower case, ``ß`` → ``ss``;
* the transcriptions ``ae``/``oe``/``ue`` are read as umlauts (``ue`` not after ``q``), as
  Snowball's "german2" variant does;
* German stop words are dropped;
* the Snowball German stemmer runs;
* what umlauts are left are folded to plain vowels.

So "Gefährdung", "Gefaehrdung" and "Gefahrdung" all become ``gefahrd``. Compound hits
("Gefährdung" finds "Gefährdungsbeurteilung") are made at query time by prefix expansion of
the stem (see ``search.backends.whoosh``).

For "Meinten Sie …?" a second unstemmed pipeline keeps each word as written next to its
folded form (``written_forms_analyzer``), so a correction found among folded words can be
shown as the pages spell it ("larmschutz" → "Lärmschutz").
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language

#: Tokens: runs of letters and digits (hyphens split compounds such as "Arbeits-Schutz").
TOKEN_PATTERN = r"\w+"

_UMLAUT_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_DIGRAPHS = re.compile(r"ae|oe|(?<!q)ue")
_DIGRAPH_TO_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü"}


def fold(word: str) -> str:
    """Fold umlauts, ß and their transcriptions to plain letters ("Gefaehrdung" → "gefahrdung")."""
    word = word.lower().replace("ß", "ss")
    word = _DIGRAPHS.sub(lambda m: _DIGRAPH_TO_UMLAUT[m.group(0)], word)
    return word.translate(_UMLAUT_FOLD)


def _stop_words() -> frozenset[str]:
    words = set(stopwords_for_language("de"))
    return frozenset(words | {fold(w) for w in words})


GERMAN_STOP_WORDS = _stop_words()
_german_stem = stemmer_for_language("de")


def stem(word: str) -> str:
    """The index form of one lower-cased German word (digraphs read as umlauts, stemmed, folded)."""
    word = word.replace("ß", "ss")
    word = _DIGRAPHS.sub(lambda m: _DIGRAPH_TO_UMLAUT[m.group(0)], word)
    return _german_stem(word).translate(_UMLAUT_FOLD)


#: Word → index form caches, at module level so they are not pickled into the index's
#: schema (Whoosh stores the analyzers in every table of contents it writes).
CACHE_SIZE = 50_000
_stem_cache: dict[str, str] = {}
_fold_cache: dict[str, str] = {}
_form_cache: dict[str, str] = {}

#: Between the folded word and the word as written in a ``written_forms_analyzer`` term;
#: tokens are ``\w+`` runs, so it never occurs inside a word.
FORM_SEPARATOR = " "


def written_form_term(word: str) -> str:
    """``"larmschutz Lärmschutz"``: the folded word, then the word as written (case kept)."""
    return fold(word) + FORM_SEPARATOR + word


class _CachedWordFilter(Filter):
    """Replace each (not stopped) token's text by ``transform(text)``, remembering results."""

    transform = staticmethod(str)
    cache: dict[str, str] = {}

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        cache, transform = self.cache, self.transform
        for t in tokens:
            if not t.stopped:
                text = t.text
                new = cache.get(text)
                if new is None:
                    new = transform(text)
                    if len(cache) < CACHE_SIZE:
                        cache[text] = new
                t.text = new
            yield t


class GermanStemFilter(_CachedWordFilter):
    """Stem every token with :func:`stem` (minutes repeat their words, hence the cache)."""

    transform = staticmethod(stem)
    cache = _stem_cache


class FoldFilter(_CachedWordFilter):
    """Fold umlauts and transcriptions without stemming (autocomplete, spelling)."""

    transform = staticmethod(fold)
    cache = _fold_cache


class WrittenFormFilter(_CachedWordFilter):
    """Turn each token into :func:`written_form_term` (folded key, then the original word)."""

    transform = staticmethod(written_form_term)
    cache = _form_cache


_TOKEN = re.compile(TOKEN_PATTERN)


def _cached(cache: dict[str, str], transform, word: str) -> str:
    new = cache.get(word)
    if new is None:
        new = transform(word)
        if len(cache) < CACHE_SIZE:
            cache[word] = new
    return new


def spelling_terms(text: str) -> tuple[list[str], list[str]]:
    """The distinct terms of ``text`` for the two spelling fields, analysed once.

    The same terms as :func:`unstemmed_analyzer` and :func:`written_forms_analyzer` give,
    each once: these fields serve document frequencies only, and the index takes the lists
    as they are (pre-tokenised), which spares two runs of the analysers per document.
    """
    folded: dict[str, None] = {}
    forms: dict[str, None] = {}
    for word in dict.fromkeys(_TOKEN.findall(text)):
        folded[_cached(_fold_cache, fold, word.lower())] = None
        forms[_cached(_form_cache, written_form_term, word)] = None
    return list(folded), list(forms)


def german_analyzer():
    """Analyzer for full-text fields: tokens, lower case, stop words, German stems, folding."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=GERMAN_STOP_WORDS, minsize=1)
        | GermanStemFilter()
    )


def unstemmed_analyzer():
    """Analyzer for autocomplete and spelling: tokens, lower case, folding, no stemming."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | FoldFilter()


def written_forms_analyzer():
    """Analyzer for the written forms of words: tokens only, each as :func:`written_form_term`.

    Looking up the terms that start with ``fold(word) + FORM_SEPARATOR`` gives every
    spelling of a word in the pages ("Lärmschutz", "Laermschutz", "LÄRMSCHUTZ") with its
    document frequency.
    """
    return RegexTokenizer(TOKEN_PATTERN) | WrittenFormFilter()


#: Positions between two parts of a :class:`BoostedText`, so that no phrase spans the end
#: of one field and the start of the next.
PART_GAP = 100


class BoostedText(str):
    """The text of several fields in one, each part with its boost (a catch-all field).

    ``parts`` holds ``(end, boost)`` per part, ``end`` being the offset after its last
    character. :class:`PartBoostTokenizer` gives each token its part's boost; Whoosh adds the
    boosts of a word's occurrences up to its weight, so a title word counts ten times.
    """

    parts: tuple[tuple[int, float], ...] = ()

    @classmethod
    def join(cls, parts: list[tuple[str, float]]) -> BoostedText:
        text = cls("\n".join(part for part, _ in parts))
        ends, end = [], -1
        for part, boost in parts:
            end += len(part) + 1
            ends.append((end, boost))
        text.parts = tuple(ends)
        return text

    def __reduce__(self):  # keeps the parts when pickled
        return _boosted_text, (str(self), self.parts)


def _boosted_text(text: str, parts) -> BoostedText:
    value = BoostedText(text)
    value.parts = parts
    return value


class PartBoostTokenizer(RegexTokenizer):
    """``\\w+`` tokens; in a :class:`BoostedText` with the boost and the index of their part."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        parts = getattr(value, "parts", ())
        if not parts or not tokenize:
            for t in super().__call__(value, positions, chars, keeporiginal, removestops,
                                      start_pos, start_char, tokenize, mode, **kwargs):
                t.part = 0
                yield t
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        part = 0
        end, boost = parts[0]
        for pos, match in enumerate(self.expression.finditer(value)):
            start = match.start()
            while start >= end and part + 1 < len(parts):
                part += 1
                end, boost = parts[part]
            t.text = match.group(0)
            t.boost = boost
            t.part = part
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + match.end()
            yield t


class PartGapFilter(Filter):
    """Leave ``PART_GAP`` positions between the parts (after stop words are renumbered)."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for t in tokens:
            if t.positions:
                t.pos += getattr(t, "part", 0) * PART_GAP
            yield t


def catch_all_analyzer():
    """The German analysis of :func:`german_analyzer` for the catch-all field: per-part
    boosts and position gaps from a :class:`BoostedText`."""
    return (
        PartBoostTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=GERMAN_STOP_WORDS, minsize=1)
        | PartGapFilter()
        | GermanStemFilter()
    )


#: Query words "Meinten Sie …?" never corrects: the operators of the search syntax.
SUGGEST_SKIP_WORDS = frozenset({"oder", "or", "und", "and"})
_SUGGEST_WORD = re.compile(r"[^\W_]+")


def corrected_query(query_string: str, correction) -> str | None:
    """``query_string`` with each word replaced by ``correction(word)`` where that is not None,
    or ``None`` if nothing changes. Syntax is kept: ``-``, quotes, operators, prefixes (``*``).
    One walk for every backend; each brings its own ``correction``."""
    changed = False

    def correct(match: re.Match) -> str:
        nonlocal changed
        better = correction(match.group(0))
        if better is None:
            return match.group(0)
        changed = True
        return better

    tokens = []
    for token in query_string.split():
        if token.endswith("*") or token.casefold() in SUGGEST_SKIP_WORDS:
            tokens.append(token)
        else:
            tokens.append(_SUGGEST_WORD.sub(correct, token))
    return " ".join(tokens) if changed else None
