"""Opening, mediating and closing a conflict (R20), with its record in the groups' histories.

Every function checks on the server who acts (``workflow.permissions``) and raises
``PermissionDenied`` or ``ValidationError`` with a German message otherwise. Each step is
written as a Wagtail log entry (``om.konflikt``) on the page of every involved Fachgruppe, so
the outcome stands in both groups' records (their page history, the site history report).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django_fsm import can_proceed, has_transition_perm
from wagtail.log_actions import log

from om_pages.models import FachgruppePage
from workflow.choices import Gremium
from workflow.konflikt import Einigungsversuch, Konflikt, KonfliktState, has_failed_attempt
from workflow.permissions import (
    is_body_member,
    is_fachgruppe_member,
    may_decide_konflikt,
    may_mediate_konflikt,
)

LOG_ACTION = "om.konflikt"
#: Who opens a conflict on behalf of the AG Transfer (``open_konflikt``'s ``opened_for``).
AG_TRANSFER = "ag_transfer"
MIN_GROUPS = 2


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def record(konflikt: Konflikt, user, event: str, text: str = "") -> None:
    """The step in the page history of every involved group (the groups' record, R20)."""
    data = {"konflikt": konflikt.pk, "subject": konflikt.subject, "event": event,
            "groups": konflikt.group_titles(), "state": konflikt.get_state_display(),
            "text": text, "url": reverse("konflikte:inspect", args=(konflikt.pk,))}
    for group in konflikt.fachgruppen.all():
        # Own uuid per page: Wagtail's history keeps only the latest entry per request uuid
        # and action, across all pages, so a shared one would hide it in all but one group.
        log(instance=group, action=LOG_ACTION, user=user, data=data, uuid=uuid.uuid4())


def may_open_for(user, opened_for: str, fachgruppen) -> bool:
    """The AG Transfer opens a conflict between any groups; a group's member only for an
    involved group of their own."""
    if opened_for == AG_TRANSFER:
        return is_body_member(user, Gremium.AG_TRANSFER)
    return any(str(group.pk) == opened_for and is_fachgruppe_member(user, group)
               for group in fachgruppen)


@transaction.atomic
def open_konflikt(user, fachgruppen: list[FachgruppePage], subject: str, description: str,
                  opened_for: str) -> Konflikt:
    """R20: a group (``opened_for``: its page id) or the AG Transfer (``"ag_transfer"``) opens
    a conflict between two or more groups."""
    fachgruppen = list({group.pk: group for group in fachgruppen}.values())
    if len(fachgruppen) < MIN_GROUPS:
        raise ValidationError("Ein Konflikt besteht zwischen mindestens zwei Fachgruppen.")
    if not may_open_for(user, opened_for, fachgruppen):
        raise PermissionDenied("Einen Konflikt eröffnen nur die AG Transfer oder eine beteiligte "
                               "Fachgruppe (R20).")
    label = ("AG Transfer" if opened_for == AG_TRANSFER
             else next(g.title for g in fachgruppen if str(g.pk) == opened_for))
    konflikt = Konflikt.objects.create(subject=subject, description=description,
                                       opened_for=label, opened_by=user, opened_by_name=_name(user))
    konflikt.fachgruppen.set(fachgruppen)
    record(konflikt, user, "eröffnet", description)
    return konflikt


@transaction.atomic
def add_versuch(konflikt: Konflikt, user, date: datetime.date, participants: str, text: str,
                result: str) -> Einigungsversuch:
    """R20: the involved groups or the AG Transfer append an attempt at agreement."""
    if not may_mediate_konflikt(konflikt, user):
        raise PermissionDenied("Einigungsversuche erfassen nur die beteiligten Fachgruppen und "
                               "die AG Transfer (R20).")
    if konflikt.state != KonfliktState.OFFEN:
        raise ValidationError("Der Konflikt ist abgeschlossen; es werden keine Einigungsversuche "
                              "mehr erfasst.")
    versuch = Einigungsversuch.objects.create(
        konflikt=konflikt, date=date, user=user, user_name=_name(user),
        participants=participants, text=text, result=result)
    record(konflikt, user, f"Einigungsversuch vom {date:%d.%m.%Y}: {versuch.get_result_display()}",
           text)
    return versuch


@transaction.atomic
def close_konflikt(konflikt: Konflikt, user, decide: bool, outcome: str) -> Konflikt:
    """End the conflict: ``decide`` — the Leitungskreis' decision after a failed attempt;
    otherwise the agreement the groups or the AG Transfer reached (R20)."""
    konflikt = Konflikt.objects.select_for_update().get(pk=konflikt.pk)
    method = konflikt.entscheiden if decide else konflikt.einigung_feststellen
    if not outcome.strip():
        raise ValidationError("Bitte das Ergebnis angeben; es steht danach im Verlauf aller "
                              "beteiligten Fachgruppen.")
    if konflikt.state != KonfliktState.OFFEN:
        raise ValidationError("Der Konflikt ist bereits abgeschlossen.")
    allowed = may_decide_konflikt if decide else may_mediate_konflikt
    if not allowed(konflikt, user):
        raise PermissionDenied(
            "Über einen Konflikt ohne Einigung entscheidet nur der Leitungskreis (R20)." if decide
            else "Eine Einigung stellen nur die beteiligten Fachgruppen oder die AG Transfer fest.")
    if not can_proceed(method):
        raise ValidationError(has_failed_attempt.hint)
    if not has_transition_perm(method, user):  # the machine's own permission, to be sure
        raise PermissionDenied("Diesen Schritt dürfen Sie nicht erfassen.")
    method(user=user, outcome=outcome)
    konflikt.save()
    record(konflikt, user, "vom Leitungskreis entschieden" if decide else "Einigung erzielt",
           outcome)
    return konflikt
