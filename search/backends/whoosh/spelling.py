""""Meinten Sie …?": unknown words of a query replaced by the closest indexed word.

Works on the syntax of ``search.query``: minus signs, quotes and ``ODER`` stay as they are,
prefixes (``arbeit*``) are not corrected. A word is known when its folded form is indexed
("Laermschutz" and "larmschutz" are known through "Lärmschutz"); an unknown one is replaced
by the indexed word at the smallest edit distance (then the most frequent), written as most
pages write it. Only words of live documents are candidates.
"""

from __future__ import annotations

from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance as edit_distance

from search.backends.analysis import FORM_SEPARATOR, corrected_query, fold
from search.backends.whoosh.schema import SPELL_FIELD, SPELL_FORMS_FIELD

#: Words shorter than this are not corrected (too many neighbours to guess from).
SUGGEST_MIN_LENGTH = 3


def _in_live_document(reader, fieldname: str, text: str) -> bool:
    """Whether a document that is not deleted has the term.

    Whoosh keeps the terms of replaced and deleted documents in the segment's word list
    until the next merge: the words of a page unpublished a moment ago are still "in" the
    reader, but only in deleted documents.
    """
    try:
        return reader.postings(fieldname, text).is_active()
    except TermNotFound:
        return False



def suggest(reader, query_string: str) -> str | None:
    """The query with unknown words replaced, or ``None`` if nothing changes."""
    return corrected_query(query_string, lambda word: correction(reader, word))


def correction(reader, word: str) -> str | None:
    key = fold(word)
    if len(key) < SUGGEST_MIN_LENGTH or key.isdigit() or _in_live_document(reader, SPELL_FIELD, key):
        return None
    maxdist = 1 if len(key) <= 5 else 2
    # Whoosh's corrector ranks by frequency only; rank by distance first.
    candidates = [
        (edit_distance(key, term), -reader.doc_frequency(SPELL_FIELD, term), term)
        for term in reader.terms_within(SPELL_FIELD, key, maxdist)
        if term != key and _in_live_document(reader, SPELL_FIELD, term)
    ]
    if not candidates:
        return None
    best = min(candidates)[2]
    return written_form(reader, best) or best


def written_form(reader, key: str) -> str | None:
    """The spelling of the folded word ``key`` found in most documents, or ``None``
    (an index built before ``SPELL_FORMS_FIELD`` until ``update_index`` ran).

    Ties go to the spelling with umlauts or ß ("Lärmschutz" before "Laermschutz").
    """
    if SPELL_FORMS_FIELD not in reader.schema:
        return None
    prefix = key + FORM_SEPARATOR
    forms = []
    for term in reader.expand_prefix(SPELL_FORMS_FIELD, prefix):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        if not _in_live_document(reader, SPELL_FORMS_FIELD, text):
            continue
        form = text[len(prefix):]
        forms.append((-reader.doc_frequency(SPELL_FORMS_FIELD, text), form.isascii(), form))
    return min(forms)[2] if forms else None

