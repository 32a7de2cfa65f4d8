"""The one highlighter: where the words of a query occur in a text, marked in ``<mark>``.

Both sides go through an analyser, so a text word matches in every form the analyser
gives it. The Whoosh backend feeds its German analyser (inflections and compounds:
"Gefährdungsbeurteilungen" marks "Gefährdungsbeurteilung"); everything else uses
``PLAIN``, which only splits words and lowers case, and lets a query word match the start of
a text word ("Lärm" marks "Lärmschutz"). The output is always HTML-escaped text with
``<mark>`` as the only markup.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from whoosh.analysis import Analyzer, LowercaseFilter, RegexTokenizer

SNIPPET_BEFORE = 80
SNIPPET_LENGTH = 240

#: Words, lower case: the analyser for backends without one of their own.
PLAIN = RegexTokenizer(r"\w+") | LowercaseFilter()


def plain(value: object) -> str:
    """Text of a field value: rich text without tags, whitespace collapsed.

    modelsearch's ``get_value`` may give lists or dicts (rich text, stream fields); they
    are joined like its ``ObjectIndexer.prepare_value`` does.
    """
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return " ".join(filter(None, (plain(item) for item in value)))
    text = strip_tags(str(value or ""))
    text = text.replace("&nbsp;", " ").replace("&amp;", "&")
    return " ".join(text.split())


def _spans(text: str, query: str, analyzer: Analyzer, min_prefix: int) -> Iterator[tuple[int, int]]:
    """The matches of :func:`match_spans` one by one, as the analyser reaches them."""
    wanted = {token.text for token in analyzer(query)}
    if not wanted:
        return
    prefixes = tuple(word for word in wanted if len(word) >= min_prefix)
    for token in analyzer(text, chars=True, mode="index"):
        if token.text in wanted or (prefixes and token.text.startswith(prefixes)):
            yield token.startchar, token.endchar


def match_spans(text: str, query: str, analyzer: Analyzer = PLAIN,
                min_prefix: int = 1) -> list[tuple[int, int]]:
    """(start, end) of every word of ``text`` that a word of ``query`` matches.

    A word matches when the analyser turns both into the same term, or when the query's
    term is at least ``min_prefix`` long and begins the text's term.
    """
    return list(_spans(text, query, analyzer, min_prefix))


def first_match(text: str, query: str, analyzer: Analyzer = PLAIN, min_prefix: int = 1) -> int | None:
    """Where the first word of ``text`` that ``query`` matches begins, or ``None``.

    Stops at that word: the rest of a long attachment text is not analysed (issue 18;
    ``bench/result_page.py`` measures it).
    """
    first = next(_spans(text, query, analyzer, min_prefix), None)
    return first[0] if first else None


def window(text: str, position: int | None, length: int = SNIPPET_LENGTH) -> str:
    """About ``length`` characters around ``position``, cut at word boundaries."""
    if len(text) <= length:
        return text
    start = 0 if position is None else max(0, position - SNIPPET_BEFORE)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (position or start) else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    snippet = text[start:end].strip()
    return ("… " if start else "") + snippet + (" …" if end < len(text) else "")


def mark(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """``text`` escaped, with each span wrapped in ``<mark>``."""
    pieces, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        pieces += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped


def highlight(text: str, query: str, analyzer: Analyzer = PLAIN, min_prefix: int = 1,
              max_chars: int = SNIPPET_LENGTH) -> SafeString:
    """About ``max_chars`` of ``text`` around the first match, the matching words marked."""
    cut = window(text, first_match(text, query, analyzer, min_prefix), max_chars)
    return mark(cut, match_spans(cut, query, analyzer, min_prefix))
