"""The contract of one step: what it asks for (``Step``) and what was decided (``Decision``).

A ``Step`` is the ``custom`` data of a django-fsm-2 transition. Machines declare it; the form,
the pre-check, the record, the e-mail and the templates read it. django-fsm-2 types
``custom`` as a mapping, so a ``Step`` is also a read-only ``Mapping`` of its fields
(``custom["label"]`` in a template keeps working); code reads attributes via ``step_of``.

A ``Decision`` is made once (by the form, the demo or a caller of ``perform_transition``),
handed to the transition method as ``decision=`` and reaches the record receiver through
django-fsm-2's ``method_kwargs`` unchanged (R10, R11: Sitzung and TOP, votes and checklist
are stored as entered).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

from django.utils import timezone

from workflow.choices import Gremium
from workflow.sitzung import Tagesordnungspunkt


@dataclass(frozen=True)
class Step(Mapping):
    """What a step asks for and whom it concerns.

    ``protokoll``: the body that decides in a Sitzung, under a TOP whose minutes record it
    (R1, R10, R11);
    ``votes``/``approves``: a Plenum vote that must carry (or fail) the motion;
    ``checklist``: the AG Transfer confirms R6, R8, R9, R15, R23; ``reasons``: a comment is
    required; ``notify``: bodies informed besides the one acting next (R21: the Plenum);
    ``final``: the Vorgang ends for good, the form asks for a confirmation;
    ``access``: the group's own access is granted (R1, R19) or revoked (R21, R22);
    ``schedule``: the Redaktion may name a later time of publication instead of now;
    ``minutes``: for a step decided in a Sitzung, the sentence its Protokoll records under the
    TOP (``workflow.minutes``), with the placeholders {subject} (dative: „dem Produkt „…““),
    {object} (accusative), {genitive}, {pronoun} („es“, „sie“), {checklist} („R6, R8, R9,
    R15, R23 bestätigt“), {votes} („Abstimmung: 24 Ja, 2 Nein, 3 Enthaltungen“) and
    {reasons} („Begründung: …“).
    """

    label: str
    actor: str
    protokoll: Gremium | None = None
    votes: bool = False
    approves: bool | None = None
    checklist: bool = False
    reasons: bool = False
    notify: tuple[str, ...] = ()
    final: bool = False
    access: Literal["grant", "revoke"] | None = None
    schedule: bool = False
    minutes: str = ""

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def step_of(transition) -> Step:
    """The ``Step`` of a django-fsm-2 ``Transition`` (every transition of the machines has one)."""
    return transition.custom


@dataclass
class Decision:
    """What the record stores beside who/when/from/to (R1, R10, R11, R22).

    ``go_live_at``: when the Redaktion publishes the decided revision (None: now); the record
    keeps it in its comment.
    """

    comment: str = ""
    top: Tagesordnungspunkt | None = None
    votes: tuple[int, int, int] | None = None
    checklist: dict[str, bool] = field(default_factory=dict)
    go_live_at: datetime | None = None

    def recorded_comment(self) -> str:
        """The comment, with the planned time of publication when there is one."""
        if self.go_live_at is None:
            return self.comment or ""
        when = timezone.localtime(self.go_live_at).strftime("%d.%m.%Y, %H:%M Uhr")
        return " ".join(filter(None, [self.comment, f"Veröffentlichung geplant für den {when}."]))
