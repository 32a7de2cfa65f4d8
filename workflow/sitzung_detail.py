"""The agenda of a Sitzung as the admin detail view shows it: per TOP what is decided and how.

For each TOP standing for a Vorgang: the link to the review view of the decided object (R10,
R11, R19); while the Sitzung is held and not closed, for its body's Schriftführung, one
"Beschluss erfassen" link per step the Vorgang can take now that the body decides (the
transition form with the TOP preselected); and the steps already recorded under the TOP.

The rows cost a fixed number of queries, however long the agenda: TOPs with their Vorgänge,
the entries of the Sitzung, and one permission check per kind of permission (the bodies'
permissions depend on the user only, so they are asked once, not once per TOP).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from workflow.choices import Gremium
from workflow.sitzung import Sitzung, SitzungState, Tagesordnungspunkt
from workflow.steps import step_of
from workflow.vorgang import Eintrag, Vorgang


@dataclass(frozen=True)
class StepLink:
    """A link to the transition form of one step, with the TOP preselected."""

    name: str
    label: str
    url: str


@dataclass
class AgendaRow:
    top: Tagesordnungspunkt
    review_url: str = ""
    steps: list[StepLink] = field(default_factory=list)
    entries: list[Eintrag] = field(default_factory=list)


def may_record(sitzung: Sitzung, runs_it: bool) -> bool:
    """Decisions are recorded in a held Sitzung, not a closed one, by whoever runs it."""
    return runs_it and sitzung.state == SitzungState.GEHALTEN and sitzung.has_taken_place


def _permitted(transition, vorgang: Vorgang, user, memo: dict) -> bool:
    """The transition's permission; a body's permission (it ignores the Vorgang) asked once."""
    permission = transition.permission
    gremium = getattr(permission, "gremium", None)
    if gremium is None or gremium == Gremium.FACHGRUPPE:
        return transition.has_perm(vorgang, user)
    if permission not in memo:
        memo[permission] = transition.has_perm(vorgang, user)
    return memo[permission]


def decision_steps(vorgang: Vorgang, top: Tagesordnungspunkt, gremium: str, user,
                   memo: dict) -> list[StepLink]:
    """The steps the body ``gremium`` can take on ``vorgang`` now, as links (R1, R10, R11)."""
    if vorgang.awaiting != gremium or vorgang.page_id is None:
        return []  # decided already, or not this body's turn
    links = []
    machine = type(vorgang)
    for candidate in machine.transitions():
        transition = getattr(machine, candidate.name)._django_fsm.get_transition(vorgang.state)
        if transition is None:
            continue
        step = step_of(transition)
        if step.actor != gremium or not _permitted(transition, vorgang, user, memo):
            continue
        url = reverse("workflow_transition", args=(vorgang.page_id, transition.name))
        links.append(StepLink(transition.name, step.label, f"{url}?{urlencode({'top': top.pk})}"))
    return links


def agenda_rows(sitzung: Sitzung, user, runs_it: bool) -> list[AgendaRow]:
    """Every TOP of the Sitzung in order, with its review link, its steps and its record."""
    tops = list(sitzung.tops.select_related("vorgang").order_by("sort_order", "pk"))
    entries = defaultdict(list)
    for entry in (Eintrag.objects.filter(tagesordnungspunkt__sitzung_id=sitzung.pk)
                  .order_by("created_at", "pk")):
        entries[entry.tagesordnungspunkt_id].append(entry)
    recording = may_record(sitzung, runs_it)
    memo: dict = {}
    rows = []
    for top in tops:
        row = AgendaRow(top=top, entries=entries.get(top.pk, []))
        if top.vorgang_id:
            if top.vorgang.page_id:  # the review view reads the page's pinned revision
                row.review_url = reverse("workflow_review", args=(top.vorgang_id,))
            if recording:
                row.steps = decision_steps(top.vorgang, top, sitzung.gremium, user, memo)
        rows.append(row)
    return rows
