"""Writing the index: one document per object, the index's writes, the rebuild."""

from __future__ import annotations

from collections import defaultdict

from modelsearch.backends.base import BaseIndex, get_model_root
from modelsearch.index import SearchField, get_indexed_models
from whoosh.writing import CLEAR

from search.backends.whoosh.schema import (
    AUTOCOMPLETE_PREFIX,
    SEARCH_PREFIX,
    SPELL_FIELD,
    SPELL_FORMS_FIELD,
    add_missing_fields,
    document_key,
    model_label,
)
from search.backends.whoosh.storage import current_searcher
from search.indexed_text import indexed_values, prepare_value


class ObjectIndexer:
    """Turns one object into a Whoosh document: one field per search field path."""

    def __init__(self, obj):
        self.obj = obj
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.boosts: dict[str, float] = {}
        for item in indexed_values(obj):
            if isinstance(item.field, SearchField):
                name = SEARCH_PREFIX + item.path
                if item.field.boost and item.field.boost != 1:
                    self.boosts[name] = float(item.field.boost)
            else:
                name = AUTOCOMPLETE_PREFIX + item.path
            self.texts[name].append(prepare_value(item.value()))

    def document(self) -> dict:
        obj = self.obj
        labels = [model_label(type(obj))] + [model_label(p) for p in obj._meta.get_parent_list()]
        doc = {
            "key": document_key(obj),
            "pk": str(obj.pk),
            "root": model_label(get_model_root(type(obj))),
            "ct": " ".join(labels),
        }
        words = []
        for name, parts in self.texts.items():
            doc[name] = "\n".join(parts)
            if name.startswith(SEARCH_PREFIX):
                words.append(doc[name])
        for name, boost in self.boosts.items():
            doc[f"_{name}_boost"] = boost
        # Spelling suggestions only come from live objects: Wagtail indexes drafts and
        # unpublished pages too, and their words must not be proposed to the public (R19).
        if getattr(obj, "live", True):
            doc[SPELL_FIELD] = doc[SPELL_FORMS_FIELD] = "\n".join(words)
        return doc


class WhooshIndex(BaseIndex):
    """The single Whoosh index of a backend; every write goes through ``locked_writer``."""

    #: Set by the rebuilder: chunks are committed without merging, one optimise at the end.
    bulk = False

    def get_key(self):
        return f"whoosh:{self.backend.path}"

    def __str__(self):
        return str(self.backend.path)

    def add_items(self, model, items):
        if not model.get_search_fields():
            return
        # Callers pass indexed instances (modelsearch's signal handler calls
        # get_indexed_instance(); update_index indexes subclasses after their parents).
        documents = [ObjectIndexer(item).document() for item in items]
        if not documents:
            return
        with self.backend.writer(merge=not self.bulk) as writer:
            add_missing_fields(writer)
            for doc in documents:
                writer.update_document(**doc)

    def delete_item(self, item):
        with self.backend.writer() as writer:
            writer.delete_by_term("key", document_key(item))

    def reset(self):
        with self.backend.writer(mergetype=CLEAR):
            pass

    def indexed_pks(self, root_model) -> set[str]:
        searcher = current_searcher(self.backend.ix)
        return {
            fields["pk"]
            for fields in searcher.documents(root=model_label(root_model))
        }

    def delete_stale_entries(self) -> int:
        """Remove documents whose object is gone from the database (start of a rebuild)."""
        stale_keys = []
        for model in get_indexed_models():
            if model._meta.parents:
                continue
            existing = {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
            label = model_label(model)
            stale_keys += [f"{label}:{pk}" for pk in self.indexed_pks(model) - existing]
        if stale_keys:
            with self.backend.writer() as writer:
                for key in stale_keys:
                    writer.delete_by_term("key", key)
        return len(stale_keys)


class WhooshRebuilder:
    """``update_index``: drop entries of deleted objects, then re-add everything (upserts).

    Nothing is cleared first, so searches keep working and writes from web requests made
    during the rebuild are kept.
    """

    def __init__(self, index):
        self.index = index

    def start(self):
        self.index.delete_stale_entries()
        self.index.bulk = True
        return self.index

    def finish(self):
        self.index.bulk = False
        with self.index.backend.writer(optimize=True):
            pass


