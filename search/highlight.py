"""Snippets with the matched words in ``<mark>``, always HTML-escaped (issue #4).

The text around the first match is cut out here; the marking is the backend's when it
offers ``highlight(text, query) -> str`` (the Whoosh backend, which knows its stemming),
else a small word-start matcher. Whatever the backend returns is checked: only ``<mark>``
tags may be markup, everything else must be escaped text, or our own highlighter is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

SNIPPET_BEFORE = 80
SNIPPET_LENGTH = 240
_MARK = re.compile(r"</?mark>")


@dataclass
class TextPart:
    """A piece of a page's searchable text: the page itself or one attachment."""

    source: str  # "seite" or "anhang"
    text: str
    document_title: str = ""
    document_url: str = ""


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


def word_pattern(words: list[str]) -> re.Pattern | None:
    """Matches any of ``words`` at the start of a word (so stems and prefixes match too)."""
    words = [word for word in words if word]
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def find_first(text: str, words: list[str]) -> int | None:
    pattern = word_pattern(words)
    match = pattern.search(text) if pattern else None
    return match.start() if match else None


def window(text: str, position: int | None) -> str:
    """About SNIPPET_LENGTH characters around ``position``, cut at word boundaries."""
    if len(text) <= SNIPPET_LENGTH:
        return text
    start = 0 if position is None else max(0, position - SNIPPET_BEFORE)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (position or start) else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    snippet = text[start:end].strip()
    return ("… " if start else "") + snippet + (" …" if end < len(text) else "")


def mark_words(text: str, words: list[str]) -> SafeString:
    """Our own highlighter: escape everything, wrap word-start matches in <mark>."""
    pattern = word_pattern(words)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped above
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped


def backend_marked(backend, text: str, words: list[str]) -> SafeString | None:
    """The backend's highlighting, if it has one and its output is safe to show."""
    highlight = getattr(backend, "highlight", None)
    if highlight is None:
        return None
    try:
        result = highlight(text, " ".join(words))
    except Exception:  # a backend's highlighter must never break the page
        return None
    if not isinstance(result, str) or "<mark>" not in result:
        return None
    bare = _MARK.sub("", result)
    if bare == str(escape(text)):
        return mark_safe(result)  # noqa: S308 - only <mark> around escaped text
    if bare == text:  # marked but not escaped: escape between the tags ourselves
        parts = re.split(r"(</?mark>)", result)
        return mark_safe("".join(p if _MARK.fullmatch(p) else str(escape(p)) for p in parts))  # noqa: S308
    return None


def first_position(text: str, words: list[str], backend=None) -> int | None:
    """Where the first match starts: in any form the backend matched (inflections, compounds),
    else where a query word begins a word of the text."""
    first_match = getattr(backend, "first_match", None)
    if first_match is not None:
        try:
            position = first_match(text, " ".join(words))
        except Exception:  # the backend's analysis must never break the page
            position = None
        if position is not None:
            return position
    return find_first(text, words)


def snippet(parts: list[TextPart], words: list[str], backend=None) -> tuple[SafeString, TextPart | None]:
    """The snippet for one hit and the part it came from (page text first, then attachments)."""
    chosen, position = None, None
    for part in parts:
        position = first_position(part.text, words, backend)
        if position is not None:
            chosen = part
            break
    if chosen is None:
        first = next((part for part in parts if part.text), None)
        if first is None:
            return mark_safe(""), None
        return mark_safe(escape(window(first.text, None))), None  # noqa: S308
    cut = window(chosen.text, position)
    marked = backend_marked(backend, cut, words) if backend is not None else None
    return (marked or mark_words(cut, words)), chosen
