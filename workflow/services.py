"""The one way to move a Vorgang: ``perform_transition`` (admin views, demo, shell, tests).

It checks, in this order and always on the server: the step exists in the current state,
the user may take it (the transition's ``permission``, via django-fsm-2's
``has_transition_perm``), the rule guards hold (every reason at once), the decision record is
complete (Protokoll, votes, checklist, reasons). Then it runs the transition and saves inside
one ``transaction.atomic()``; ``ConcurrentTransitionMixin`` makes a lost race fail cleanly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from om_pages.models import FachgruppePage, ProduktPage, ProtokollPage, VeranstaltungPage
from workflow.models import CHECKLIST, FINAL_STATES, MACHINES, Eintrag, Kind, Vorgang
from workflow.notifications import notify_transition
from workflow.permissions import BODY_GROUP_NAMES

KIND_FOR_PAGE = {FachgruppePage: Kind.ANERKENNUNG, ProduktPage: Kind.PRODUKT,
                 VeranstaltungPage: Kind.VERANSTALTUNG}

CONFLICT = ("Der Vorgang wurde inzwischen von jemand anderem weitergeführt. "
            "Bitte die Seite neu laden und den aktuellen Stand prüfen.")


class TransitionError(Exception):
    """A step that cannot be taken now; ``messages`` lists every reason in German."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class TransitionConflict(TransitionError):
    """Someone else moved the Vorgang first (a lost race); the view answers 409."""


@dataclass
class Decision:
    """What the record stores beside who/when/from/to."""

    comment: str = ""
    protokoll: ProtokollPage | None = None
    votes: tuple[int, int, int] | None = None
    checklist: dict[str, bool] = field(default_factory=dict)


def kind_for_page(page) -> str | None:
    return KIND_FOR_PAGE.get(type(page.specific))


def current_vorgang(page) -> Vorgang | None:
    """The page's open Vorgang, or a new unsaved one in 'entwurf' (None for other page types)."""
    page = page.specific
    kind = kind_for_page(page)
    if kind is None:
        return None
    latest = Vorgang.objects.filter(kind=kind, page=page).order_by("-created_at", "-pk").first()
    if latest is not None and latest.state not in FINAL_STATES:
        return latest
    if kind == Kind.ANERKENNUNG and latest is not None and latest.state != "abgelehnt":
        return latest  # aberkannt / aufgeloest: the group's record ends here
    # nothing open: a new application (after a refusal) or a new decision (after publishing)
    return MACHINES[kind](page=page, page_title=page.title)


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
class DecisionProblem:
    """A missing or contradictory piece of the record, with the form field it belongs to."""

    field: str  # "comment", "protokoll", "votes_yes", "check_R6", ...
    message: str


def decision_problems(vorgang: Vorgang, name: str, decision: Decision) -> list[DecisionProblem]:
    """Every missing piece of the record at once: reasons, Protokoll, vote, each checklist item."""
    custom = type(vorgang).transition_meta(name).custom
    problems = []
    if custom.get("reasons") and not decision.comment.strip():
        problems.append(DecisionProblem("comment", "Bitte eine Begründung angeben."))
    body = custom.get("protokoll")
    if body:
        body_name = BODY_GROUP_NAMES[body]
        if decision.protokoll is None:
            problems.append(DecisionProblem(
                "protokoll", f"Bitte das Protokoll der Sitzung der {body_name} angeben, in der "
                             "entschieden wurde."))
        else:
            owner = decision.protokoll.get_parent().specific
            if getattr(owner, "kind", None) != body or owner._meta.model_name != "gremiumpage":
                problems.append(DecisionProblem(
                    "protokoll", f"„{decision.protokoll.title}“ ist kein Protokoll der {body_name}."))
    if custom.get("votes"):
        votes = decision.votes
        if votes is None or len(votes) != 3 or any(v is None or v < 0 for v in votes):
            problems.append(DecisionProblem("votes_yes",
                                            "Bitte die Abstimmung angeben (Ja, Nein, Enthaltungen)."))
        else:
            yes, no, _ = votes
            if custom.get("approves") is True and not yes > no:
                problems.append(DecisionProblem(
                    "votes_yes", f"Mit {yes} Ja- und {no} Nein-Stimmen ist der Antrag nicht angenommen."))
            if custom.get("approves") is False and yes > no:
                problems.append(DecisionProblem(
                    "votes_yes", f"Mit {yes} Ja- und {no} Nein-Stimmen ist der Antrag angenommen; "
                                 "bitte den passenden Beschluss wählen."))
    if custom.get("checklist"):
        for rule in CHECKLIST:
            if not decision.checklist.get(rule):
                problems.append(DecisionProblem(
                    f"check_{rule}", f"Vor der Zustimmung muss {rule} bestätigt sein."))
    return problems


def validate_decision(vorgang: Vorgang, name: str, decision: Decision) -> list[str]:
    """The record must be complete (German messages; the checklist items in one sentence)."""
    problems = decision_problems(vorgang, name, decision)
    messages = [p.message for p in problems if not p.field.startswith("check_")]
    missing = [p.field.removeprefix("check_") for p in problems if p.field.startswith("check_")]
    if missing:
        messages.append("Vor der Zustimmung müssen alle Kriterien bestätigt sein; nicht bestätigt: "
                        + ", ".join(missing) + ".")
    return messages


def perform_transition(vorgang: Vorgang, name: str, user, comment: str = "",
                       protokoll: ProtokollPage | None = None,
                       votes: tuple[int, int, int] | None = None,
                       checklist: dict[str, bool] | None = None, notify: bool = True) -> Eintrag:
    """Take step ``name`` for ``user``, or raise PermissionDenied / TransitionError (German)."""
    machine = type(vorgang)
    method = getattr(vorgang, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None or machine.transition_meta(name) is None:
        raise TransitionError([f"Unbekannter Schritt „{name}“."])
    label = machine.transition_meta(name).custom.get("label", name)
    if not meta.has_transition(vorgang.state):
        raise TransitionError([f"„{label}“ ist im Stand „{vorgang.get_state_display()}“ nicht möglich."])
    if not meta.has_transition_perm(vorgang, vorgang.state, user):
        raise PermissionDenied(f"Sie dürfen den Schritt „{label}“ nicht ausführen.")
    findings = guard_findings(vorgang, name)
    if findings:
        raise TransitionError([str(f) for f in findings])
    decision = Decision(comment=comment or "", protokoll=protokoll, votes=votes,
                        checklist=dict(checklist or {}))
    errors = validate_decision(vorgang, name, decision)
    if errors:
        raise TransitionError(errors)
    try:
        with transaction.atomic():
            if vorgang.pk is None:
                vorgang.save()
            if not has_transition_perm(method, user):  # the library's own check, same answer
                raise PermissionDenied(f"Sie dürfen den Schritt „{label}“ nicht ausführen.")
            method(user=user, comment=decision.comment, protokoll=decision.protokoll,
                   votes=decision.votes, checklist=decision.checklist)
            vorgang.save()
            entry = vorgang.eintraege.order_by("-pk").first()
            if notify:
                notify_transition(vorgang, entry, machine.transition_meta(name).custom.get("notify", ()))
    except (ConcurrentTransition, TransitionNotAllowed) as exc:
        raise TransitionConflict([CONFLICT]) from exc
    return entry
