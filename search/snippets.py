"""The snippet of a hit: its text around the first match, the matched words in ``<mark>``.

A page's text is what it gave the index (:func:`search.indexed_text.indexed_values`, without
the title, which the result shows anyway, and without the attachment text), then each
attached document's stored text (:mod:`search.result_texts` loads both for a whole page of
results; no file is read here). The first part with a match gives the snippet.

Marking is :mod:`search.highlight`'s. A backend with :class:`search.extras.Highlights`
finds and marks matches with its own analysis (inflections, compounds); its output is
checked (only ``<mark>`` may be markup, everything else escaped text), and where it finds
nothing or fails the check the plain analyser is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from modelsearch.index import SearchField

from search import highlight
from search.extras import Highlights
from search.indexed_text import indexed_values

#: Fields not shown in snippets: the title is the result's heading; attachments are parts
#: of their own ("Im Anhang …").
SKIPPED_FIELDS = {"title", "attachment_text"}
_MARK = re.compile(r"</?mark>")


@dataclass
class TextPart:
    """A piece of a page's searchable text: the page itself or one attachment."""

    source: str  # "seite" or "anhang"
    text: str
    document_title: str = ""
    document_url: str = ""


def _field_texts(page) -> list[str]:
    texts = []
    for item in indexed_values(page):
        if not isinstance(item.field, SearchField) or item.field.field_name in SKIPPED_FIELDS:
            continue
        try:
            texts.append(highlight.plain(item.value()))
        except Exception:  # noqa: BLE001 - a broken computed field must not break the result list
            continue
    return [text for text in texts if text]


def text_parts(page, attachments: Iterable[tuple[object, str]] = ()) -> list[TextPart]:
    """The page's own indexed text first, then each attachment's (document, stored text)
    as :func:`search.result_texts.attachment_texts` gives them."""
    parts = [TextPart("seite", " · ".join(_field_texts(page)))]
    if page.search_description:
        parts[0].text = f"{page.search_description} · {parts[0].text}".strip(" ·")
    for document, text in attachments:
        parts.append(TextPart("anhang", text, document.title, document.url))
    return parts


def backend_marked(backend, text: str, words: list[str]) -> SafeString | None:
    """``backend.highlight(text, …)`` if its output is safe to show, else ``None``."""
    result = backend.highlight(text, " ".join(words))
    if not isinstance(result, str) or "<mark>" not in result:
        return None
    bare = _MARK.sub("", result)
    if bare == str(escape(text)):
        return mark_safe(result)  # noqa: S308 - only <mark> around escaped text
    if bare == text:  # marked but not escaped: escape between the tags ourselves
        parts = re.split(r"(</?mark>)", result)
        return mark_safe("".join(p if _MARK.fullmatch(p) else str(escape(p)) for p in parts))  # noqa: S308
    return None


def first_position(text: str, query: str, backend=None) -> int | None:
    """Where the first match starts: in any form the backend matches, else where a query
    word begins a word of the text."""
    if isinstance(backend, Highlights):
        position = backend.first_match(text, query)
        if position is not None:
            return position
    return highlight.first_match(text, query)


def snippet(parts: list[TextPart], words: list[str], backend=None) -> tuple[SafeString, TextPart | None]:
    """The snippet for one hit and the part it came from (page text first, then attachments)."""
    query = " ".join(words)
    chosen, position = None, None
    for part in parts:
        position = first_position(part.text, query, backend)
        if position is not None:
            chosen = part
            break
    if chosen is None:
        first = next((part for part in parts if part.text), None)
        if first is None:
            return mark_safe(""), None
        return mark_safe(escape(highlight.window(first.text, None))), None  # noqa: S308
    cut = highlight.window(chosen.text, position)
    marked = backend_marked(backend, cut, words) if isinstance(backend, Highlights) else None
    return (marked or highlight.mark(cut, highlight.match_spans(cut, query))), chosen
