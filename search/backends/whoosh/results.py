"""Lazy results: Whoosh finds and scores, the database filters, orders and loads.

Only as much is scored as a page needs (issue 18): a slice or ``ranked(limit)`` in relevance
order asks Whoosh for the best few (top-N with block-quality skipping), checks them against
the queryset and asks for more only if the database dropped too many. Counts and facets take
the matching primary keys unscored. Ordering by the database, or a slice without an end,
still scores every match.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterator

from modelsearch.backends.base import BaseSearchResults, FilterFieldError

#: Up to this many hits the database filters with ``pk IN (…)``; above, it lists the
#: allowed primary keys of the queryset and Python intersects (no huge parameter lists).
PK_IN_LIMIT = 500
FETCH_CHUNK = 500
#: A slice ending at ``stop`` asks Whoosh for the best ``max(TOP_MIN, 2 * stop)`` matches
#: first, and four times as many each time the database hides too many of them.
TOP_MIN = 50
TOP_GROWTH = 4


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _whoosh_query(self):
        return self.query_compiler.whoosh_query(catch_all=self.backend.has_catch_all())

    def _allowed(self, pks: list) -> set:
        """Those of ``pks`` that the queryset (its filters) contains."""
        queryset = self.query_compiler.queryset.order_by()
        if len(pks) > PK_IN_LIMIT:
            return set(queryset.values_list("pk", flat=True))
        return set(queryset.filter(pk__in=pks).values_list("pk", flat=True))

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
        if compiler.order_by_relevance:
            hits = self.backend.hits(self._whoosh_query(), queryset.model)
            allowed = self._allowed([pk for pk, _ in hits])
            matches = [(pk, score) for pk, score in hits if pk in allowed]
        else:
            if self._score_field:
                scores = dict(self.backend.hits(self._whoosh_query(), queryset.model))
            else:  # no scores wanted: the matches unscored
                scores = dict.fromkeys(self._matching_pks(), 0.0)
            matches = []
            if scores:
                base = queryset if len(scores) > PK_IN_LIMIT else queryset.filter(pk__in=list(scores))
                if not base.query.order_by:
                    base = base.order_by("-pk")
                seen: set = set()
                for pk in base.values_list("pk", flat=True):
                    if pk in scores and pk not in seen:
                        seen.add(pk)
                        matches.append((pk, scores[pk]))
        compiler._om_matches = matches
        return matches

    def _matching_pks(self) -> list:
        compiler = self.query_compiler
        return self.backend.matching_pks(self._whoosh_query(), compiler.queryset.model)

    def _best(self, need: int) -> list[tuple[object, float]]:
        """At least ``need`` visible (pk, score) pairs in relevance order, or all there are."""
        compiler = self.query_compiler
        cached = getattr(compiler, "_om_matches", None)
        if cached is not None:
            return cached
        best = getattr(compiler, "_om_best", None)
        if best is not None and (best[1] or len(best[0]) >= need):
            return best[0]
        limit = max(TOP_MIN, 2 * need)
        while True:
            hits, complete = self.backend.top_hits(self._whoosh_query(), compiler.queryset.model, limit)
            allowed = self._allowed([pk for pk, _ in hits])
            visible = [(pk, score) for pk, score in hits if pk in allowed]
            if complete or len(visible) >= need:
                compiler._om_best = (visible, complete)
                return visible
            limit *= TOP_GROWTH

    def _by_relevance(self) -> bool:
        return not self.query_compiler.is_match_all and self.query_compiler.order_by_relevance

    def ranked(self, limit: int) -> list[tuple[object, float]]:
        """The first ``limit`` (pk, score) pairs without loading any object.

        For callers that need only ids and scores (facets and visibility checks of the
        search page); ``None`` scores for MATCH_ALL, in queryset order.
        """
        if self._by_relevance():
            return self._best(limit)[:limit]
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
        if self._by_relevance() and self.stop is not None:
            page = self._best(self.stop)[self.start : self.stop]
        else:
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
        compiler = self.query_compiler
        if compiler.is_match_all:
            return self._database_queryset()[self.start : self.stop].count()
        known = getattr(compiler, "_om_matches", None)
        best = getattr(compiler, "_om_best", None)
        if known is not None:
            total = len(known)
        elif best is not None and best[1]:
            total = len(best[0])
        else:  # unscored: which documents match, not how well
            pks = self._matching_pks()
            allowed = self._allowed(pks)
            total = sum(1 for pk in pks if pk in allowed)
        stop = total if self.stop is None else min(total, self.stop)
        return max(0, stop - self.start)

    def facet(self, field_name):
        compiler = self.query_compiler
        if compiler._get_filterable_field(field_name) is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {compiler.queryset.model.__name__}.search_fields.',
                field_name=field_name,
            )
        queryset = compiler.queryset.order_by()
        counts: Counter = Counter()
        if compiler.is_match_all:
            counts.update(queryset.values_list(field_name, flat=True))
        else:
            for chunk in _chunks(self._matching_pks(), FETCH_CHUNK):
                counts.update(queryset.filter(pk__in=chunk).values_list(field_name, flat=True))
        return OrderedDict(sorted(counts.items(), key=lambda item: -item[1]))
