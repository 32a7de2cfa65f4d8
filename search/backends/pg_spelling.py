""""Meinten Sie …?" on the PostgreSQL search backend: the word table (issue 18).

``SpellingWord`` (migration ``om_search`` 0005) holds every word of live pages as written,
its folded form and the number of live pages having it; a trigram index on the folded form
finds the words like a typed one in one index scan, whatever the number of pages. Before, the
pages with a similar word were found and their whole text split into words per query (p50
614 ms at 2,000 pages against 10 ms on Whoosh, docs/search.md).

Kept in the transaction of each index write of the backend (``search.backends.postgres``):

- ``index_objects`` after modelsearch wrote the index rows: a live page counts its words, a
  draft or unpublished page counts none (R19). ``SpellingDocument`` remembers what each page
  added, and the counts change by the difference (a page re-indexed after ``unpublish``
  takes its words back).
- ``remove_objects`` when an object leaves the index (deleted page).
- ``recount`` at the end of ``update_index``: objects no longer in the index lose their
  words, every count is computed again from ``SpellingDocument``.

Rows are locked in a fixed order (documents by id, words by word), so two hosts indexing at
once wait for each other instead of deadlocking. The correction follows the Whoosh backend's
rules (search/backends/whoosh/spelling.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from whoosh.support.levenshtein import distance as edit_distance

from search.backends.analysis import FORM_SEPARATOR, corrected_query, fold, spelling_terms
from search.models import SpellingDocument, SpellingWord

#: Words shorter than this are not corrected (as the Whoosh backend).
SUGGEST_MIN_LENGTH = 3
#: Longer words are not kept (``SpellingWord.word``); no one misspells a 65-letter word.
MAX_WORD_LENGTH = 64
#: pg_trgm ``similarity`` between the folded words that makes a word a candidate; the edit
#: distance then decides. Low, so that nearly every word within the Whoosh rules' distance
#: is found: over bench/corpus.py's vocabulary with random edits (1 up to 5 letters, else 2)
#: 6 of 2,987 fell below 0.2, 143 below pg_trgm's default 0.3.
TRIGRAM_THRESHOLD = 0.2
#: At most this many candidates, the most similar first, are ranked by edit distance.
CANDIDATES = 200

_SEP = "\n"


def _tables() -> tuple[str, str]:
    return SpellingWord._meta.db_table, SpellingDocument._meta.db_table


def page_forms(obj, text: str) -> set[str]:
    """The ``written_form_term``s ``obj`` adds: those of ``text`` if ``obj`` is a live page,
    none for drafts, unpublished pages and objects that are no pages (documents, snippets)."""
    from wagtail.models import Page

    if not (isinstance(obj, Page) and obj.live):
        return set()
    forms = set()
    for form in spelling_terms(text)[1]:
        key, _, written = form.partition(FORM_SEPARATOR)
        if not key.isdigit() and max(len(key), len(written)) <= MAX_WORD_LENGTH:
            forms.add(form)
    return forms


def index_objects(connection, content_type_id: int, forms: dict[str, set[str]]) -> None:
    """Make the words of the objects ``forms`` (object id → forms) count, replacing what
    each counted before."""
    if not forms:
        return
    word_table, doc_table = _tables()
    ids = sorted(forms)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        adding = [pk for pk in ids if forms[pk]]
        if adding:
            cursor.execute(
                f"INSERT INTO {doc_table} (content_type_id, object_id, forms) "
                "SELECT %s, unnest(%s::text[]), '' ORDER BY 2 ON CONFLICT DO NOTHING",
                [content_type_id, adding])
        old = _lock_documents(cursor, content_type_id, ids)
        delta: Counter = Counter()
        changed = []
        for pk in ids:
            before, after = old.get(pk, set()), forms[pk]
            if before == after:
                continue
            delta.update(dict.fromkeys(after - before, 1))
            delta.subtract(dict.fromkeys(before - after, 1))
            changed.append(pk)
        _apply(cursor, delta)
        keep = [pk for pk in changed if forms[pk]]
        if keep:
            cursor.execute(
                f"UPDATE {doc_table} d SET forms = v.forms "
                "FROM unnest(%s::text[], %s::text[]) AS v(object_id, forms) "
                "WHERE d.content_type_id = %s AND d.object_id = v.object_id",
                [keep, [_SEP.join(sorted(forms[pk])) for pk in keep], content_type_id])
        gone = [pk for pk in ids if not forms[pk] and pk in old]
        if gone:
            cursor.execute(f"DELETE FROM {doc_table} WHERE content_type_id = %s AND object_id = ANY(%s)",
                           [content_type_id, gone])


def remove_objects(connection, keys: Iterable[tuple[int, str]]) -> None:
    """Take back the words of the objects ``keys`` ((content type id, object id)) added."""
    by_type: dict[int, dict[str, set[str]]] = defaultdict(dict)
    for content_type_id, object_id in keys:
        by_type[content_type_id][str(object_id)] = set()
    for content_type_id, forms in sorted(by_type.items()):
        index_objects(connection, content_type_id, forms)


def _lock_documents(cursor, content_type_id: int, ids: list[str]) -> dict[str, set[str]]:
    _, doc_table = _tables()
    cursor.execute(
        f"SELECT object_id, forms FROM {doc_table} WHERE content_type_id = %s AND object_id = ANY(%s) "
        "ORDER BY object_id FOR UPDATE",
        [content_type_id, ids])
    return {pk: set(text.split(_SEP)) if text else set() for pk, text in cursor.fetchall()}


def _apply(cursor, delta: Counter) -> None:
    """Add ``delta`` (form → change of pages) to the word table; words no page has go."""
    changes = sorted((form, change) for form, change in delta.items() if change)
    if not changes:
        return
    word_table, _ = _tables()
    words, folded, counts = [], [], []
    for form, change in changes:
        key, _, written = form.partition(FORM_SEPARATOR)
        words.append(written)
        folded.append(key)
        counts.append(change)
    cursor.execute(
        f"INSERT INTO {word_table} AS w (word, folded, pages) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) ORDER BY 1 "
        "ON CONFLICT (word) DO UPDATE SET pages = w.pages + EXCLUDED.pages",
        [words, folded, counts])
    fewer = [word for word, change in zip(words, counts, strict=True) if change < 0]
    if fewer:
        cursor.execute(f"DELETE FROM {word_table} WHERE word = ANY(%s) AND pages <= 0", [fewer])


def recount(connection, index_table: str) -> None:
    """Forget the words of objects no longer in ``index_table`` and count every word again
    (end of ``update_index``)."""
    word_table, doc_table = _tables()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {doc_table} d WHERE NOT EXISTS (SELECT 1 FROM {index_table} e "
            "WHERE e.content_type_id = d.content_type_id AND e.object_id = d.object_id)")
        cursor.execute(f"DELETE FROM {word_table}")
        cursor.execute(
            f"INSERT INTO {word_table} (word, folded, pages) "
            f"SELECT split_part(f, %s, 2), split_part(f, %s, 1), count(*) "
            f"FROM {doc_table}, unnest(string_to_array(forms, %s)) AS f WHERE f <> '' GROUP BY f",
            [FORM_SEPARATOR, FORM_SEPARATOR, _SEP])


def reset(connection) -> None:
    """Empty both tables (the index was cleared)."""
    word_table, doc_table = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {word_table}")
        cursor.execute(f"DELETE FROM {doc_table}")


# --- the correction -------------------------------------------------------------------------------


def _words_like(connection, key: str, maxdist: int) -> list[tuple[str, str, int]]:
    """(word, folded, pages) from the word table: ``key`` itself if a live page has it, and
    the words whose folded form is trigram-similar to ``key`` (``TRIGRAM_THRESHOLD``) and
    differs in length by at most ``maxdist``, the most similar first. One statement: the
    function of migration 0005 sets the threshold for its own query only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM om_search_spelling_words(%s, %s, %s, %s)",
                       [key, maxdist, TRIGRAM_THRESHOLD, CANDIDATES])
        return cursor.fetchall()


def correction(connection, word: str) -> str | None:
    """The word of live pages closest to ``word`` by the Whoosh rules, or ``None``.

    Known (its folded form occurs): none. Else the folded word at the smallest edit distance
    (≤ 1 up to 5 letters, else ≤ 2), ties to the one more pages have, in the spelling most
    pages use (ties: the one with umlauts or ß, "Lärmschutz" before "Laermschutz").
    """
    key = fold(word)
    if len(key) < SUGGEST_MIN_LENGTH or key.isdigit():
        return None
    maxdist = 1 if len(key) <= 5 else 2
    forms: dict[str, Counter] = defaultdict(Counter)
    for written, folded, pages in _words_like(connection, key, maxdist):
        if folded == key:
            return None
        forms[folded][written] += pages
    candidates = []
    for folded, spellings in forms.items():
        distance = edit_distance(key, folded)
        if distance <= maxdist:
            candidates.append((distance, -sum(spellings.values()), folded))
    if not candidates:
        return None
    spellings = forms[min(candidates)[2]]
    return min(spellings, key=lambda form: (-spellings[form], form.isascii(), form))


def suggest(connection, query_string: str) -> str | None:
    """The query with unknown words replaced, or ``None`` if nothing changes."""
    return corrected_query(query_string, lambda word: correction(connection, word))
