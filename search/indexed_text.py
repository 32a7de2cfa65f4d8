"""What an object gives the search index: the one walk over its ``search_fields``.

The Whoosh indexer stores these values field by field; the search page's snippets show the
same values, so a snippet shows what was indexed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Manager
from django.utils.encoding import force_str
from modelsearch.index import AutocompleteField, RelatedFields, SearchField


@dataclass(frozen=True)
class IndexedValue:
    """One ``SearchField`` or ``AutocompleteField`` of an object (or of a related object)."""

    field: SearchField | AutocompleteField
    path: str  # "body", or "fachgruppe__title" below a RelatedFields
    obj: object  # the object the value is read from

    def value(self):
        return self.field.get_value(self.obj)


def related_objects(field: RelatedFields, obj) -> list:
    sub = field.get_value(obj)
    if sub is None:
        return []
    if isinstance(sub, Manager):
        return list(sub.all())
    return [sub() if callable(sub) else sub]


def indexed_values(obj, fields=None, prefix: str = "") -> Iterator[IndexedValue]:
    """Every indexed field of ``obj`` in ``search_fields`` order, related objects inline."""
    for field in obj.get_search_fields() if fields is None else fields:
        if isinstance(field, SearchField | AutocompleteField):
            yield IndexedValue(field, prefix + field.field_name, obj)
        elif isinstance(field, RelatedFields):
            for sub_obj in related_objects(field, obj):
                yield from indexed_values(sub_obj, field.fields, f"{prefix}{field.field_name}__")


def prepare_value(value) -> str:
    """A field value as the index stores it: lists and dicts joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(prepare_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(prepare_value(item) for item in value.values())
    return force_str(value)
