"""The index's fields: bookkeeping, one dynamic field per search field path, spelling."""

from __future__ import annotations

from modelsearch.backends.base import get_model_root
from whoosh.fields import ID, KEYWORD, Schema

from search.backends.analysis import (
    catch_all_analyzer,
    german_analyzer,
    unstemmed_analyzer,
    written_forms_analyzer,
)
from search.backends.fast_fields import OmText

SEARCH_PREFIX = "f_"
AUTOCOMPLETE_PREFIX = "a_"
SPELL_FIELD = "spell"
#: The same words as written ("larmschutz Lärmschutz"), to show a correction the way the
#: pages spell it (``search.backends.analysis.written_forms_analyzer``).
SPELL_FORMS_FIELD = "spellforms"
#: Every search field of a document in one, with the fields' boosts given at index time
#: (``search.backends.analysis.BoostedText``): a query without ``fields=`` matches one
#: field per word instead of a union over all of them (issue 18). Indexes written before
#: lack it; they are searched field by field until ``update_index`` rebuilds them.
CATCH_ALL_FIELD = "text"


def catch_all_field() -> OmText:
    return OmText(analyzer=catch_all_analyzer())


def build_schema() -> Schema:
    """Fixed bookkeeping fields plus one dynamic field per search field path."""
    schema = Schema(
        key=ID(unique=True, stored=True),  # "<root model label>:<pk>"
        pk=ID(stored=True, sortable=True),
        root=ID,  # root model label, to find stale entries per model
        ct=KEYWORD,  # labels of the object's class and its indexed ancestors
        spell=OmText(analyzer=unstemmed_analyzer(), phrase=False),  # words for suggest()
    )
    schema.add(CATCH_ALL_FIELD, catch_all_field())
    for name, field in added_fields().items():
        schema.add(name, field)
    schema.add(SEARCH_PREFIX + "*", OmText(analyzer=german_analyzer()), glob=True)
    schema.add(AUTOCOMPLETE_PREFIX + "*", OmText(analyzer=unstemmed_analyzer(), phrase=False), glob=True)
    return schema


def added_fields() -> dict:
    """Fields added after indexes were first deployed; ``open_index`` adds them to an old index."""
    return {SPELL_FORMS_FIELD: OmText(analyzer=written_forms_analyzer(), phrase=False)}



def add_missing_fields(writer) -> None:
    """Add the fields of :func:`added_fields` that an index of an older release lacks.

    Called by every writer that adds documents, before the first one (Whoosh allows schema
    changes only then); readers cope with the field missing. Documents written before stay
    as they are until ``manage.py update_index`` rewrites them: until then "Meinten Sie"
    shows their words folded ("larmschutz"), as the previous release did.
    """
    for name, field in added_fields().items():
        if name not in writer.schema:
            writer.add_field(name, field)



def model_label(model) -> str:
    return model._meta.label_lower


def document_key(obj) -> str:
    return f"{model_label(get_model_root(type(obj)))}:{obj.pk}"
