"""modelsearch query objects compiled to Whoosh queries over the index's field paths."""

from __future__ import annotations

from functools import cache

from modelsearch.backends.base import BaseSearchQueryCompiler
from modelsearch.index import AutocompleteField, RelatedFields, SearchField, get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq

from search.backends.analysis import german_analyzer, unstemmed_analyzer
from search.backends.whoosh.schema import AUTOCOMPLETE_PREFIX, CATCH_ALL_FIELD, SEARCH_PREFIX

BACKEND_NAME = "Whoosh-Suchbackend (search.backends.whoosh)"

#: Stems at least this long also match longer words starting with them (compounds:
#: "gefahrd" finds "gefahrdungsbeurteil", "larm" finds "larmschutz"); such hits score below
#: exact ones. Four letters, so that "Lärm" finds "Lärmschutz".
MIN_PREFIX_LENGTH = 4
PREFIX_BOOST = 0.3


@cache
def _field_paths(model, kind) -> tuple[str, ...]:
    """Index field names of ``kind`` (SearchField/AutocompleteField) of the model and its subclasses."""
    prefix = SEARCH_PREFIX if kind is SearchField else AUTOCOMPLETE_PREFIX
    paths: list[str] = []

    def walk(fields, path_prefix):
        for field in fields:
            if isinstance(field, kind):
                name = prefix + path_prefix + field.field_name
                if name not in paths:
                    paths.append(name)
            elif isinstance(field, RelatedFields):
                walk(field.fields, f"{path_prefix}{field.field_name}__")

    for indexed in [model] + [m for m in get_indexed_models() if m is not model and issubclass(m, model)]:
        walk(indexed.get_search_fields(), "")
    return tuple(paths)


class StemQuery(wq.Prefix):
    """A stem and the indexed words that begin with it, as one union of terms.

    Scores as ``Or([Term(stem), Prefix(stem, boost=PREFIX_BOOST)])`` did — the stem itself
    weighs ``1 + PREFIX_BOOST``, longer words (compounds) ``PREFIX_BOOST`` — but visits each
    document once instead of twice: the prefix expansion contains the stem itself, so the
    old pair matched every exact hit in two sub-matchers (issue 18: half the matching time
    of a broad word).
    """

    def __init__(self, fieldname, text, boost=1.0, prefix_boost=PREFIX_BOOST):
        super().__init__(fieldname, text, boost=boost)
        self.prefix_boost = prefix_boost

    def __eq__(self, other):
        return super().__eq__(other) and self.prefix_boost == other.prefix_boost

    def __hash__(self):
        return super().__hash__() ^ hash(self.prefix_boost)

    def __repr__(self):
        return f"StemQuery({self.fieldname!r}, {self.text!r}, {self.boost!r}, {self.prefix_boost!r})"

    def matcher(self, searcher, context=None):
        from whoosh import matching

        exact = self.text.encode("utf-8")
        queries = [
            wq.Term(self.fieldname, word,
                    boost=self.boost * ((1 + self.prefix_boost) if word == exact else self.prefix_boost))
            for word in self._btexts(searcher.reader())
        ]
        if not queries:
            return matching.NullMatcher()
        if len(queries) == 1:
            return queries[0].matcher(searcher, context)
        return wq.Or(queries).matcher(searcher, context)


def _boost_leaves(q: wq.Query, factor: float) -> wq.Query:
    """Multiply the boost of every leaf (Whoosh applies boosts at the leaves)."""
    if factor == 1:
        return q
    if q.is_leaf():
        if hasattr(q, "boost"):
            q.boost *= factor
    else:
        for child in q.children():
            _boost_leaves(child, factor)
    return q


def _is_exclusion(q: wq.Query) -> bool:
    """``-wort`` as ``_compile`` builds it: every document but those of the word."""
    return isinstance(q, wq.AndNot) and isinstance(q.a, wq.Every)


def _without_excluded(clauses: list[wq.Query]) -> wq.Query:
    """``And`` of ``clauses``, with the excluded words (``AndNot(Every(), x)``) taken out of
    the intersection: ``AndNot(And(positive), Or(excluded))``.

    The same documents; but the intersection no longer walks every document of the index
    beside the positive words, and an excluded word no page has costs nothing (Whoosh drops
    an inactive ``AndNot`` side). Before, ``Beschluss -wort`` cost twice ``Beschluss`` at
    10,000 pages (issue 18). Scores lose the constant 1 that each ``Every`` added to every
    hit, so the order of hits is unchanged.
    """
    positive = [c for c in clauses if not _is_exclusion(c)]
    excluded = [c.b for c in clauses if _is_exclusion(c)]
    if not positive or not excluded:
        return clauses[0] if len(clauses) == 1 else wq.And(clauses)
    kept = positive[0] if len(positive) == 1 else wq.And(positive)
    return wq.AndNot(kept, excluded[0] if len(excluded) == 1 else wq.Or(excluded))


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True  # ordering is done by the database
    field_kind = SearchField
    analyzer = staticmethod(german_analyzer())
    last_term_is_prefix = False
    #: Set by the results when the index has the catch-all field (``schema.CATCH_ALL_FIELD``).
    catch_all = False

    def field_names(self) -> tuple[str, ...]:
        prefix = SEARCH_PREFIX if self.field_kind is SearchField else AUTOCOMPLETE_PREFIX
        if self.fields is not None:
            return tuple(prefix + name for name in self.fields)
        if self.catch_all and self.field_kind is SearchField:
            return (CATCH_ALL_FIELD,)
        return _field_paths(self.queryset.model, self.field_kind)

    @property
    def is_match_all(self) -> bool:
        return isinstance(self.query, MatchAll)

    def tokens(self, text: str) -> list[str]:
        seen: dict[str, None] = {}
        for token in self.analyzer(text):
            seen.setdefault(token.text, None)
        return list(seen)

    def whoosh_query(self, catch_all: bool = False) -> wq.Query:
        """The Whoosh query; ``catch_all``: search the catch-all field where no ``fields``
        are given (an index of this release)."""
        cached = getattr(self, "_om_whoosh_query", None)
        if cached is not None and cached[0] == catch_all:
            return cached[1]
        self.catch_all = catch_all
        query = self._compile(self.query)
        self._om_whoosh_query = (catch_all, query)
        return query

    def _term(self, text: str, prefix: bool = False) -> wq.Query:
        names = self.field_names()
        if prefix:
            return wq.Or([wq.Prefix(name, text) for name in names])
        if len(text) >= MIN_PREFIX_LENGTH and self.field_kind is SearchField:
            return wq.Or([StemQuery(name, text) for name in names])
        return wq.Or([wq.Term(name, text) for name in names])

    @staticmethod
    def _combine(clauses: list[wq.Query], operator: str) -> wq.Query:
        """And/Or with MATCH_ALL (``Every``) and MATCH_NONE (``NullQuery``) resolved here:
        Whoosh 2.7's ``normalize()`` turns ``And([q, Every()])`` into ``Every()`` and drops
        ``NullQuery`` from ``And``."""
        if operator == "and":
            if not clauses or any(c is wq.NullQuery for c in clauses):
                return wq.NullQuery
            clauses = [c for c in clauses if not isinstance(c, wq.Every)] or [wq.Every()]
            return _without_excluded(clauses)
        clauses = [c for c in clauses if c is not wq.NullQuery]
        if not clauses:
            return wq.NullQuery
        return clauses[0] if len(clauses) == 1 else wq.Or(clauses)

    def _compile(self, query) -> wq.Query:
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, Not):
            inner = self._compile(query.subquery)
            if inner is wq.NullQuery:
                return wq.Every()
            if isinstance(inner, wq.Every):
                return wq.NullQuery
            return wq.AndNot(wq.Every(), inner)
        if isinstance(query, And):
            return self._combine([self._compile(q) for q in query.subqueries], "and")
        if isinstance(query, Or):
            return self._combine([self._compile(q) for q in query.subqueries], "or")
        if isinstance(query, Boost):
            return _boost_leaves(self._compile(query.subquery), float(query.boost))
        if isinstance(query, PlainText):
            tokens = self.tokens(query.query_string)
            clauses = [
                self._term(tok, prefix=self.last_term_is_prefix and i == len(tokens) - 1)
                for i, tok in enumerate(tokens)
            ]
            return _boost_leaves(self._combine(clauses, query.operator), float(query.boost or 1))
        if isinstance(query, Phrase):
            tokens = self.tokens(query.query_string)
            if len(tokens) < 2:
                return self._combine([self._term(t) for t in tokens], "and")
            phrases = [wq.Phrase(name, tokens) for name in self.field_names()]
            return phrases[0] if len(phrases) == 1 else wq.Or(phrases)
        if isinstance(query, Fuzzy):
            clauses = [
                wq.Or([
                    wq.FuzzyTerm(name, tok, maxdist=1 if len(tok) <= 5 else 2, prefixlength=1)
                    for name in self.field_names()
                ])
                for tok in self.tokens(query.query_string)
            ]
            return self._combine(clauses, query.operator)
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the {BACKEND_NAME}."
        )


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    field_kind = AutocompleteField
    analyzer = staticmethod(unstemmed_analyzer())
    last_term_is_prefix = True


