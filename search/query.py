"""The user's query syntax, parsed into django-modelsearch query objects.

Syntax (shown on the search page as "Suchtipps"):

- ``wort wort``: all words must occur (AND);
- ``"genaue Phrase"``: the words in this order;
- ``-wort`` / ``-"Phrase"``: exclude pages that contain it;
- ``präfix*``: words beginning with it (at least two characters); without ``*`` the Whoosh
  backend already finds compounds that begin with a word whose stem has five letters or
  more ("Gefährdung" → "Gefährdungsbeurteilung"), the tips on the page say so;
- ``wort ODER wort`` (or ``OR``): either of the two.

Any input parses: stray quotes are closed, a lone minus or star is dropped, control
characters are removed and long input is cut; what was changed is reported in German
``notices``. Words are reduced to letters and digits before they reach a backend, so no
backend query syntax (FTS5, tsquery, Whoosh) can be injected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from modelsearch.query import And, Not, Or, Phrase, PlainText, SearchQuery

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 10
MAX_WORD_LENGTH = 60
MIN_PREFIX_LENGTH = 2
OR_WORDS = {"or", "oder"}
AND_WORDS = {"and", "und"}

_WORD = re.compile(r"[^\W_]+")

MSG_EMPTY = "Bitte geben Sie einen Suchbegriff ein."
MSG_NO_WORDS = (
    "Ihre Anfrage enthält kein Wort, nach dem gesucht werden kann. Bitte verwenden Sie "
    "Wörter aus Buchstaben oder Ziffern."
)
MSG_ONLY_NEGATIVE = (
    "Bitte geben Sie mindestens einen Suchbegriff ohne Minuszeichen an – mit „-wort“ "
    "schließen Sie nur Treffer aus."
)


@dataclass(frozen=True)
class Term:
    word: str

    def to_query(self) -> SearchQuery:
        return PlainText(self.word)

    def words(self) -> list[str]:
        return [self.word]

    def __str__(self) -> str:
        return self.word


@dataclass(frozen=True)
class PhraseTerm:
    phrase_words: tuple[str, ...]

    def to_query(self) -> SearchQuery:
        return Phrase(" ".join(self.phrase_words))

    def words(self) -> list[str]:
        return list(self.phrase_words)

    def __str__(self) -> str:
        return '"' + " ".join(self.phrase_words) + '"'


@dataclass(frozen=True)
class Prefix:
    stem: str

    def to_query(self) -> SearchQuery:  # pragma: no cover - prefixes go through autocomplete
        return PlainText(self.stem)

    def words(self) -> list[str]:
        return [self.stem]

    def __str__(self) -> str:
        return self.stem + "*"


Atom = Term | PhraseTerm | Prefix


@dataclass
class Clause:
    """Atoms joined by ODER; the whole clause may be excluded with a minus."""

    atoms: list[Atom]
    negated: bool = False

    @property
    def has_prefix(self) -> bool:
        return any(isinstance(atom, Prefix) for atom in self.atoms)

    def to_query(self) -> SearchQuery:
        query = (self.atoms[0].to_query() if len(self.atoms) == 1
                 else Or([atom.to_query() for atom in self.atoms]))
        return Not(query) if self.negated else query

    def __str__(self) -> str:
        text = " ODER ".join(str(atom) for atom in self.atoms)
        return f"-{text}" if self.negated else text


@dataclass
class ParsedQuery:
    raw: str
    clauses: list[Clause] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def positive_words(self) -> list[str]:
        """Words to highlight: those of every clause that is not excluded."""
        words: list[str] = []
        for clause in self.clauses:
            if not clause.negated:
                for atom in clause.atoms:
                    words.extend(atom.words())
        return list(dict.fromkeys(words))

    def fulltext_query(self) -> SearchQuery | None:
        """The clauses without prefixes as one modelsearch query, if any is positive."""
        clauses = [clause for clause in self.clauses if not clause.has_prefix]
        if not any(not clause.negated for clause in clauses):
            return None
        queries = [clause.to_query() for clause in clauses]
        return queries[0] if len(queries) == 1 else And(queries)

    def normalized(self) -> str:
        return " ".join(str(clause) for clause in self.clauses)


def clean_input(raw: str) -> str:
    """Remove control and format characters, fold compatibility forms, collapse spaces."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return [word[:MAX_WORD_LENGTH] for word in _WORD.findall(text)]


def _tokens(text: str, notices: list[str]):
    """Yield ("atom", Atom, negated) and ("or", None, False) tokens."""
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == " ":
            position += 1
            continue
        negated = False
        if char == "-":
            negated = True
            position += 1
            if position >= length or text[position] == " ":
                continue  # a lone minus excludes nothing
            char = text[position]
        if char == '"':
            end = text.find('"', position + 1)
            if end == -1:
                notices.append("Ein schließendes Anführungszeichen fehlte; es wurde ergänzt.")
                end = length
            words = _words(text[position + 1:end])
            position = end + 1
            if len(words) == 1:
                yield "atom", Term(words[0]), negated
            elif words:
                yield "atom", PhraseTerm(tuple(words)), negated
            continue
        end = position
        while end < length and text[end] not in ' "':
            end += 1
        token = text[position:end]
        position = end
        if not negated and token.lower() in OR_WORDS:
            yield "or", None, False
            continue
        if not negated and token.lower() in AND_WORDS:
            continue
        words = _words(token)
        if not words:
            continue
        if token.endswith("*") and len(words) == 1:
            if len(words[0]) >= MIN_PREFIX_LENGTH:
                yield "atom", Prefix(words[0]), negated
            else:
                notices.append(
                    f"„{token}“: Für die Präfixsuche sind mindestens {MIN_PREFIX_LENGTH} "
                    "Zeichen vor dem * nötig; gesucht wurde nach dem Wort selbst."
                )
                yield "atom", Term(words[0]), negated
        elif len(words) == 1:
            yield "atom", Term(words[0]), negated
        else:  # E-Mail, 17.05.2023: the parts in this order
            yield "atom", PhraseTerm(tuple(words)), negated


def parse(raw: str | None) -> ParsedQuery:
    """Parse what the user typed; never raises."""
    raw = raw or ""
    parsed = ParsedQuery(raw=raw)
    if len(raw) > MAX_QUERY_LENGTH * 5:
        raw = raw[: MAX_QUERY_LENGTH * 5]  # bound the work before cleaning
    text = clean_input(raw)
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        parsed.notices.append(
            f"Ihre Anfrage war sehr lang; es wurden die ersten {MAX_QUERY_LENGTH} Zeichen verwendet."
        )
    if not text:
        parsed.error = MSG_EMPTY
        return parsed
    pending_or = False
    for kind, atom, negated in _tokens(text, parsed.notices):
        if kind == "or":
            pending_or = bool(parsed.clauses) and not parsed.clauses[-1].negated
            continue
        if pending_or and not negated:
            parsed.clauses[-1].atoms.append(atom)
        else:
            parsed.clauses.append(Clause([atom], negated=negated))
        pending_or = False
    if len(parsed.clauses) > MAX_CLAUSES:
        parsed.clauses = parsed.clauses[:MAX_CLAUSES]
        parsed.notices.append(f"Es wurden nur die ersten {MAX_CLAUSES} Suchbegriffe verwendet.")
    if not parsed.clauses:
        parsed.error = MSG_NO_WORDS
    elif all(clause.negated for clause in parsed.clauses):
        parsed.error = MSG_ONLY_NEGATIVE
    return parsed


def describe(parsed: ParsedQuery) -> list[str]:
    """The parsed query in words, so users see how their syntax was read."""
    parts = []
    for clause in parsed.clauses:
        names = []
        for atom in clause.atoms:
            if isinstance(atom, PhraseTerm):
                names.append(f"die Phrase „{' '.join(atom.phrase_words)}“")
            elif isinstance(atom, Prefix):
                names.append(f"Wörter, die mit „{atom.stem}“ beginnen")
            elif isinstance(atom, Term):
                names.append(f"„{atom.word}“")
        text = " oder ".join(names)
        parts.append(f"ohne {text}" if clause.negated else text)
    return parts
