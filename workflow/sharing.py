"""Who edits a Fachgruppe's pages: the Koordination shares them, like Plone's "Sharing" tab (R19).

R19: the group maintains its pages itself. Its editors are the members of its Wagtail group
(``FachgruppeZugang.group``, ``workflow.access``); the Koordination (R5) and superusers add
and remove co-editors among the group's persons: contacts with a CMS account whose
organisation takes part in the group, and the group's Koordination and Moderation. Every
change is written to the group page's log (action ``om.fachgruppe.freigabe``), so it shows in
the page history. The Koordination's own account is never removed (it answers for the group,
R5); another Koordination is named on the page first.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from wagtail.log_actions import LogFormatter, log

from om_pages.models import FachgruppePage, Person
from workflow.access import grant_access
from workflow.choices import ENDED_STATES
from workflow.vorgang import FachgruppeZugang, Vorgang

SHARING_ACTION = "om.fachgruppe.freigabe"

NOT_KOORDINATION = ("Nur die Koordination der Fachgruppe (R5) legt fest, wer ihre Seiten "
                    "bearbeitet.")
NO_ACCESS = ("Die Fachgruppe hat keinen Bearbeitungszugang mehr (R21, R22); es können keine "
             "Bearbeitenden hinzugefügt werden.")
KEEP_KOORDINATION = ("Die Koordination bearbeitet die Seiten ihrer Fachgruppe immer (R5). "
                     "Um sie zu entfernen, tragen Sie zuerst eine andere Koordination ein.")
NOT_A_GROUP_PERSON = ("Nur Ansprechpersonen mit CMS-Zugang, deren Organisation an der Fachgruppe "
                      "beteiligt ist, können Bearbeitende werden.")


def _display(user) -> str:
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return f"{person.first_name} {person.last_name}".strip()
    return user.get_full_name() or user.get_username()


def may_share(user, fachgruppe: FachgruppePage) -> bool:
    """The group's Koordination (its linked account) and superusers, nobody else (R5, R19)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return fachgruppe.koordination_id is not None and Person.objects.filter(
        pk=fachgruppe.koordination_id, user=user).exists()


def group_persons(fachgruppe: FachgruppePage) -> QuerySet:
    """Persons with an active CMS account of a member organisation, and the two contacts (R5)."""
    organisations = fachgruppe.members.exclude(organisation=None).values("organisation_id")
    contacts = [pk for pk in (fachgruppe.koordination_id, fachgruppe.moderation_id) if pk]
    return (Person.objects.filter(user__isnull=False, user__is_active=True)
            .filter(Q(organisation_id__in=organisations) | Q(pk__in=contacts))
            .select_related("organisation", "user").order_by("last_name", "first_name"))


def editors(fachgruppe: FachgruppePage) -> QuerySet:
    """The accounts in the group's Wagtail group."""
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    User = get_user_model()
    if zugang is None or zugang.group_id is None:
        return User.objects.none()
    return User.objects.filter(groups=zugang.group_id).order_by("last_name", "first_name", "username")


def koordination_user_id(fachgruppe: FachgruppePage) -> int | None:
    if fachgruppe.koordination_id is None:
        return None
    return Person.objects.filter(pk=fachgruppe.koordination_id).values_list("user_id", flat=True).first()


def _zugang(fachgruppe: FachgruppePage) -> FachgruppeZugang:
    """The group's access; a draft group without one gets the applicants' access (no publish)."""
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    if zugang is not None:
        if not zugang.active or zugang.group_id is None:
            raise PermissionDenied(NO_ACCESS)
        return zugang
    latest = Vorgang.objects.latest_anerkennung(fachgruppe)
    if latest is not None and latest.state in ENDED_STATES:
        raise PermissionDenied(NO_ACCESS)
    return grant_access(fachgruppe, publish=Vorgang.objects.is_recognised(fachgruppe))


def log_change(fachgruppe: FachgruppePage, by, editor, *, added: bool, founding: bool = False) -> None:
    """One entry in the group page's history: who gave or took whose editing."""
    log(instance=fachgruppe, action=SHARING_ACTION, user=by,
        data={"added": added, "editor": _display(editor), "editor_id": editor.pk,
              "founding": founding})


def add_editor(fachgruppe: FachgruppePage, person: Person, by) -> None:
    """Give ``person``'s account editing of the group's pages; refused with a German reason."""
    if not may_share(by, fachgruppe):
        raise PermissionDenied(NOT_KOORDINATION)
    if person.user_id is None or not group_persons(fachgruppe).filter(pk=person.pk).exists():
        raise PermissionDenied(NOT_A_GROUP_PERSON)
    with transaction.atomic():
        zugang = _zugang(fachgruppe)
        if person.user.groups.filter(pk=zugang.group_id).exists():
            return
        person.user.groups.add(zugang.group)
        log_change(fachgruppe, by, person.user, added=True)


def remove_editor(fachgruppe: FachgruppePage, editor, by) -> None:
    """Take the group's editing from ``editor``; never from the Koordination (R5)."""
    if not may_share(by, fachgruppe):
        raise PermissionDenied(NOT_KOORDINATION)
    if editor.pk == koordination_user_id(fachgruppe):
        raise PermissionDenied(KEEP_KOORDINATION)
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    if zugang is None or zugang.group_id is None or not editor.groups.filter(
            pk=zugang.group_id).exists():
        return
    with transaction.atomic():
        editor.groups.remove(zugang.group)
        log_change(fachgruppe, by, editor, added=False)


class SharingLogFormatter(LogFormatter):
    """How a change of the editors reads in the page history."""

    label = "Bearbeitende der Fachgruppe"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        name = data.get("editor", "?")
        if data.get("founding"):
            return f"Fachgruppe gegründet; {name} bearbeitet den Entwurf als Erste·r (R1, R19)"
        if data.get("added"):
            return f"{name} bearbeitet die Seiten der Fachgruppe mit (R19)"
        return f"{name} bearbeitet die Seiten der Fachgruppe nicht mehr (R19)"
