"""Lazy results: Whoosh finds and scores, the database filters, orders and loads."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterator

from modelsearch.backends.base import BaseSearchResults, FilterFieldError

#: Up to this many hits the database filters with ``pk IN (…)``; above, it lists the
#: allowed primary keys of the queryset and Python intersects (no huge parameter lists).
PK_IN_LIMIT = 500
FETCH_CHUNK = 500


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _matches(self) -> list[tuple[object, float]] | None:
        """All matching (pk, score) pairs in result order; ``None`` for MATCH_ALL (database only).

        Cached on the query compiler, which every slice of these results shares.
        """
        compiler = self.query_compiler
        if compiler.is_match_all:
            return None
        cached = getattr(compiler, "_om_matches", None)
        if cached is not None:
            return cached
        queryset = compiler.queryset
        hits = self.backend.hits(compiler.whoosh_query(), queryset.model)
        matches: list[tuple[object, float]] = []
        if hits:
            scores = dict(hits)
            base = queryset if len(scores) > PK_IN_LIMIT else queryset.filter(pk__in=list(scores))
            if compiler.order_by_relevance:
                allowed = set(base.order_by().values_list("pk", flat=True))
                matches = [(pk, score) for pk, score in hits if pk in allowed]
            else:
                if not base.query.order_by:
                    base = base.order_by("-pk")
                seen: set = set()
                for pk in base.values_list("pk", flat=True):
                    if pk in scores and pk not in seen:
                        seen.add(pk)
                        matches.append((pk, scores[pk]))
        compiler._om_matches = matches
        return matches

    def ranked(self, limit: int) -> list[tuple[object, float]]:
        """The first ``limit`` (pk, score) pairs without loading any object.

        For callers that need only ids and scores (facets and visibility checks of the
        search page); ``None`` scores for MATCH_ALL, in queryset order.
        """
        matches = self._matches()
        if matches is None:
            return [(pk, None) for pk in self._database_queryset().values_list("pk", flat=True)[:limit]]
        return matches[:limit]

    def _database_queryset(self):
        queryset = self.query_compiler.queryset
        if not self.query_compiler.order_by_relevance and not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        return queryset

    def _do_search(self):
        matches = self._matches()
        if matches is None:
            objects = list(self._database_queryset()[self.start : self.stop])
            if self._score_field:
                for obj in objects:
                    setattr(obj, self._score_field, 0.0)
            return objects
        page = matches[self.start : self.stop]
        queryset = self.query_compiler.queryset
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        by_pk = {}
        for chunk in _chunks([pk for pk, _ in page], FETCH_CHUNK):
            by_pk.update((obj.pk, obj) for obj in queryset.filter(pk__in=chunk))
        results = []
        for pk, score in page:
            obj = by_pk.get(pk)
            if obj is None:  # deleted since the search ran
                continue
            if self._score_field:
                setattr(obj, self._score_field, float(score))
            results.append(obj)
        return results

    def _do_count(self):
        matches = self._matches()
        if matches is None:
            return self._database_queryset()[self.start : self.stop].count()
        return len(matches[self.start : self.stop])

    def facet(self, field_name):
        compiler = self.query_compiler
        if compiler._get_filterable_field(field_name) is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {compiler.queryset.model.__name__}.search_fields.',
                field_name=field_name,
            )
        matches = self._matches()
        queryset = compiler.queryset.order_by()
        counts: Counter = Counter()
        if matches is None:
            counts.update(queryset.values_list(field_name, flat=True))
        else:
            for chunk in _chunks([pk for pk, _ in matches], FETCH_CHUNK):
                counts.update(queryset.filter(pk__in=chunk).values_list(field_name, flat=True))
        return OrderedDict(sorted(counts.items(), key=lambda item: -item[1]))


