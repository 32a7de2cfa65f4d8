"""The one way to move a Vorgang: ``perform_transition`` (admin views, demo, shell, tests).

One pre-check, ``check_step``, answers for the form (GET, and the answer to an invalid POST)
and for the transition alike, always on the server: the step exists in the current state,
the user may take it (the transition's ``permission``), the rule guards hold (every reason at
once). ``decision_problems`` says what the record still lacks (the TOP of a held Sitzung,
votes, checklist, reasons). Then the transition runs with the one ``Decision`` and is saved inside one
``transaction.atomic()``; ``ConcurrentTransitionMixin`` makes a lost race fail cleanly
(``TransitionConflict``). The ``post_transition`` receivers (``workflow.records``) write the
record and the group's access in that transaction and hand the entry back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from workflow.choices import CHECKLIST
from workflow.notifications import notify_transition
from workflow.querysets import KIND_FOR_PAGE, kind_for_page
from workflow.sitzung import Tagesordnungspunkt
from workflow.sitzung_rules import sitzung_problems
from workflow.steps import Decision, Step, step_of
from workflow.vorgang import Eintrag, Vorgang

__all__ = [
    "KIND_FOR_PAGE", "Decision", "DecisionProblem", "StepCheck", "TransitionConflict",
    "TransitionError", "check_step", "current_vorgang", "decision_problems", "guard_findings",
    "kind_for_page", "perform_transition", "possible_transitions", "validate_decision",
]

CONFLICT = ("Der Vorgang wurde inzwischen von jemand anderem weitergeführt. "
            "Bitte die Seite neu laden und den aktuellen Stand prüfen.")


class TransitionError(Exception):
    """A step that cannot be taken now; ``messages`` lists every reason in German."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class TransitionConflict(TransitionError):
    """Someone else moved the Vorgang first (a lost race); the view answers 409."""


class UnknownStep(TransitionError):
    """The machine has no step of that name (the view answers 404)."""


def current_vorgang(page) -> Vorgang | None:
    """The page's open Vorgang, or a new unsaved one in 'entwurf' (None for other page types)."""
    return Vorgang.objects.current_for(page)


def possible_transitions(vorgang: Vorgang, user) -> list:
    """Steps of the current state that ``user`` may take (guards are checked on submit)."""
    result = []
    for t in type(vorgang).transitions():
        meta = getattr(type(vorgang), t.name)._django_fsm
        if meta.has_transition(vorgang.state) and meta.has_transition_perm(vorgang, vorgang.state, user):
            result.append(meta.get_transition(vorgang.state))
    return result


def guard_findings(vorgang: Vorgang, name: str) -> list:
    """Every blocking finding of the step's guards (R-number and German message)."""
    meta = getattr(type(vorgang), name)._django_fsm
    transition = meta.get_transition(vorgang.state)
    if transition is None:
        return []
    return [f for condition in transition.conditions
            for f in (condition.findings(vorgang) if hasattr(condition, "findings")
                      else ([] if condition(vorgang) else ["Bedingung nicht erfüllt."]))]


@dataclass(frozen=True)
class StepCheck:
    """The pre-check of one step for one user, computed once per request.

    ``findings`` are only looked for when the step is possible now and the user may take it:
    nobody else is told why it would fail.
    """

    name: str
    step: Step
    in_state: bool
    permitted: bool
    state_label: str
    findings: tuple = ()

    @property
    def not_in_state(self) -> str:
        return f"„{self.step.label}“ ist im Stand „{self.state_label}“ nicht möglich."

    @property
    def denied(self) -> str:
        return f"Sie dürfen den Schritt „{self.step.label}“ nicht ausführen."

    @property
    def errors(self) -> list[str]:
        """Why the step cannot be taken now (state, then every guard's reason)."""
        if not self.in_state:
            return [self.not_in_state]
        return [str(f) for f in self.findings]


def check_step(vorgang: Vorgang, name: str, user) -> StepCheck:
    """The step's state, permission and guards for ``user``; UnknownStep if there is no such step."""
    transition = type(vorgang).transition_meta(name)
    if transition is None:
        raise UnknownStep([f"Unbekannter Schritt „{name}“."])
    in_state = getattr(type(vorgang), name)._django_fsm.has_transition(vorgang.state)
    permitted = transition.has_perm(vorgang, user)
    findings = tuple(guard_findings(vorgang, name)) if in_state and permitted else ()
    return StepCheck(name=name, step=step_of(transition), in_state=in_state, permitted=permitted,
                     state_label=vorgang.get_state_display(), findings=findings)


@dataclass(frozen=True)
class DecisionProblem:
    """A missing or contradictory piece of the record, with the form field it belongs to."""

    field: str  # "comment", "top", "votes_yes", "check_R6", ...
    message: str


def decision_problems(step: Step, decision: Decision, vorgang: Vorgang | None = None
                      ) -> list[DecisionProblem]:
    """Every missing piece of the record at once: reasons, Sitzung and TOP, vote, each checklist item."""
    problems = []
    if step.reasons and not decision.comment.strip():
        problems.append(DecisionProblem("comment", "Bitte eine Begründung angeben."))
    if step.protokoll:
        problems.extend(DecisionProblem("top", message)
                        for message in sitzung_problems(step.protokoll, decision.top, vorgang))
    if step.votes:
        votes = decision.votes
        if votes is None or len(votes) != 3 or any(v is None or v < 0 for v in votes):
            problems.append(DecisionProblem("votes_yes",
                                            "Bitte die Abstimmung angeben (Ja, Nein, Enthaltungen)."))
        else:
            yes, no, _ = votes
            if step.approves is True and not yes > no:
                problems.append(DecisionProblem(
                    "votes_yes", f"Mit {yes} Ja- und {no} Nein-Stimmen ist der Antrag nicht angenommen."))
            if step.approves is False and yes > no:
                problems.append(DecisionProblem(
                    "votes_yes", f"Mit {yes} Ja- und {no} Nein-Stimmen ist der Antrag angenommen; "
                                 "bitte den passenden Beschluss wählen."))
    if step.checklist:
        for rule in CHECKLIST:
            if not decision.checklist.get(rule):
                problems.append(DecisionProblem(
                    f"check_{rule}", f"Vor der Zustimmung muss {rule} bestätigt sein."))
    return problems


def validate_decision(step: Step, decision: Decision, vorgang: Vorgang | None = None) -> list[str]:
    """The record must be complete (German messages; the checklist items in one sentence)."""
    problems = decision_problems(step, decision, vorgang)
    messages = [p.message for p in problems if not p.field.startswith("check_")]
    missing = [p.field.removeprefix("check_") for p in problems if p.field.startswith("check_")]
    if missing:
        messages.append("Vor der Zustimmung müssen alle Kriterien bestätigt sein; nicht bestätigt: "
                        + ", ".join(missing) + ".")
    return messages


def perform_transition(vorgang: Vorgang, name: str, user, comment: str = "",
                       top: Tagesordnungspunkt | None = None,
                       votes: tuple[int, int, int] | None = None,
                       checklist: dict[str, bool] | None = None, notify: bool = True, *,
                       decision: Decision | None = None, check: StepCheck | None = None) -> Eintrag:
    """Take step ``name`` for ``user``, or raise PermissionDenied / TransitionError (German).

    ``decision`` (or the loose ``comment``, ``top``, ``votes``, ``checklist``) is the
    record; ``check`` is the caller's ``check_step`` of this request, not repeated here.
    """
    check = check or check_step(vorgang, name, user)
    if not check.in_state:
        raise TransitionError([check.not_in_state])
    if not check.permitted:
        raise PermissionDenied(check.denied)
    if check.errors:
        raise TransitionError(check.errors)
    if decision is None:
        decision = Decision(comment=comment or "", top=top, votes=votes,
                            checklist=dict(checklist or {}))
    errors = validate_decision(check.step, decision, vorgang)
    if errors:
        raise TransitionError(errors)
    try:
        with transaction.atomic():
            if vorgang.pk is None:
                vorgang.save()
            getattr(vorgang, name)(user=user, decision=decision)
            vorgang.save()
            entry = vorgang.recorded_entry  # written by workflow.records in this transaction
            if notify:
                notify_transition(vorgang, entry, check.step.notify)
    except (ConcurrentTransition, TransitionNotAllowed) as exc:
        raise TransitionConflict([CONFLICT]) from exc
    return entry
