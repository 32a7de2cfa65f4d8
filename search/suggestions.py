""""Meinten Sie …?": the backend's proposal, kept only where it finds a visible page.

A backend proposes from everything it indexed, which includes live pages the public may not
see (view restrictions, pages below an unpublished page). So each changed word or phrase is
kept only if, searched on its own, it finds a page the public may see (R19); the others stay
as the user typed them. A proposal the query syntax cannot map onto the user's query is
dropped. Backends without :class:`search.extras.Suggests` propose nothing.
"""

from __future__ import annotations

from wagtail.models import Site

from search.extras import Suggests
from search.query import Clause, ParsedQuery, parse
from search.results import atom_pks, base_queryset, confirmed_pages

#: "Meinten Sie …?" is offered only when the query finds this many hits or fewer, never
#: above a good list of hits.
FEW_HITS = 2


def suggestion(backend, parsed: ParsedQuery, site: Site | None = None) -> str | None:
    """The confirmed proposal of ``backend`` for ``parsed``, or ``None``."""
    if not isinstance(backend, Suggests):
        return None
    query = parsed.normalized()
    proposal = backend.suggest(query)
    if not proposal or not isinstance(proposal, str):
        return None
    confirmed = _confirmed(parsed, parse(" ".join(proposal.split())[:200]), site)
    if confirmed is None or confirmed.casefold() == query.casefold():
        return None
    return confirmed


def _confirmed(parsed: ParsedQuery, proposed: ParsedQuery, site: Site | None) -> str | None:
    """``proposed`` with every changed atom that finds no visible page put back as typed."""
    if not proposed.ok or len(proposed.clauses) != len(parsed.clauses):
        return None
    queryset = base_queryset(site)
    clauses = []
    for old, new in zip(parsed.clauses, proposed.clauses, strict=True):
        if old.negated != new.negated or len(old.atoms) != len(new.atoms):
            return None
        atoms = []
        for old_atom, new_atom in zip(old.atoms, new.atoms, strict=True):
            if type(old_atom) is not type(new_atom):
                return None
            if str(old_atom).casefold() == str(new_atom).casefold():
                atoms.append(old_atom)
            elif confirmed_pages(atom_pks(new_atom, queryset), site).exists():
                atoms.append(new_atom)
            else:
                atoms.append(old_atom)
        clauses.append(Clause(atoms, negated=old.negated))
    return ParsedQuery(raw=parsed.raw, clauses=clauses).normalized()
