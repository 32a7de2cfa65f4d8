"""Who may act: membership in a body's Django group or in a Fachgruppe (R1, R10, R11, R19, R22).

Every transition names one of these callables as its ``permission``; django-fsm-2 calls it as
``permission(vorgang, user)``. The service ``perform_transition`` checks it on every path.
"""

from __future__ import annotations

from workflow.choices import Gremium
from workflow.querysets import own_fachgruppen

#: The Django group of each body (created by migration 0002_body_groups).
BODY_GROUP_NAMES: dict[str, str] = {
    Gremium.LEITUNGSKREIS: "Leitungskreis",
    Gremium.AG_TRANSFER: "AG Transfer",
    Gremium.PLENUM: "Plenum",
    Gremium.REDAKTION: "Redaktion",
}


#: The Schriftführung of each body that meets (migration 0006_sitzungen): it plans the Sitzungen,
#: sends the invitation, records each TOP's decision and completes the minutes. Its members
#: belong to the body's group too.
SCHRIFTFUEHRUNG_GROUP_NAMES: dict[str, str] = {
    Gremium.LEITUNGSKREIS: "Schriftführung Leitungskreis",
    Gremium.AG_TRANSFER: "Schriftführung AG Transfer",
    Gremium.PLENUM: "Schriftführung Plenum",
}


#: Contact persons of applicant groups: admin login only (migration 0002_body_groups).
APPLICANTS_GROUP_NAME = "Antragstellende"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_body_member(user, gremium: str) -> bool:
    """True for members of the body's Django group (superusers act for every body)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=BODY_GROUP_NAMES[gremium]).exists()


def is_schriftfuehrung(user, gremium: str) -> bool:
    """True for the body's Schriftführung who also belong to the body (superusers: always)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if gremium not in SCHRIFTFUEHRUNG_GROUP_NAMES:
        return False
    names = set(user.groups.filter(
        name__in=(BODY_GROUP_NAMES[gremium], SCHRIFTFUEHRUNG_GROUP_NAMES[gremium]))
        .values_list("name", flat=True))
    return len(names) == 2


def user_bodies(user) -> list[str]:
    """The bodies a user belongs to (all of them for a superuser)."""
    if not _active(user):
        return []
    if user.is_superuser:
        return list(BODY_GROUP_NAMES)
    names = set(user.groups.values_list("name", flat=True))
    return [g for g, name in BODY_GROUP_NAMES.items() if name in names]


def is_fachgruppe_member(user, fachgruppe) -> bool:
    """R19: members of the group's Wagtail group, or its two contact persons (R5) before it has one.

    The same rule as ``querysets.own_fachgruppen`` (one query for all of a user's groups),
    asked for one group.
    """
    if not _active(user) or fachgruppe is None:
        return False
    if user.is_superuser:
        return True
    return own_fachgruppen(user).filter(pk=fachgruppe.pk).exists()


def may_run_sitzung(sitzung, user) -> bool:
    """Who plans, invites to and records a Sitzung: the body's Schriftführung; for a Fachgruppe's
    own Sitzung its members (R19, R24)."""
    if sitzung.gremium == Gremium.FACHGRUPPE:
        return is_fachgruppe_member(user, sitzung.fachgruppe)
    return is_schriftfuehrung(user, sitzung.gremium)


def fachgruppe_permission(vorgang, user) -> bool:
    """Fachgruppe members submit and withdraw their own items (R1, R10, R11)."""
    return is_fachgruppe_member(user, vorgang.fachgruppe)


def _body_permission(gremium: str):
    def permission(vorgang, user) -> bool:
        return is_body_member(user, gremium)

    permission.__name__ = f"{gremium}_permission"
    permission.__doc__ = f"Only members of the {BODY_GROUP_NAMES[gremium]} record this step."
    permission.gremium = gremium
    return permission


def _schriftfuehrung_permission(gremium: str):
    """The body decides in its Sitzung; its Schriftführung records the decision (R10, R11)."""
    def permission(vorgang, user) -> bool:
        return is_schriftfuehrung(user, gremium)

    permission.__name__ = f"{gremium}_schriftfuehrung_permission"
    permission.__doc__ = (f"Only the {SCHRIFTFUEHRUNG_GROUP_NAMES[gremium]} records the decisions "
                          f"of the {BODY_GROUP_NAMES[gremium]}.")
    permission.gremium = gremium
    return permission


leitungskreis_permission = _body_permission(Gremium.LEITUNGSKREIS)
ag_transfer_permission = _schriftfuehrung_permission(Gremium.AG_TRANSFER)
plenum_permission = _schriftfuehrung_permission(Gremium.PLENUM)
redaktion_permission = _body_permission(Gremium.REDAKTION)
fachgruppe_permission.gremium = Gremium.FACHGRUPPE


def may_mediate_konflikt(konflikt, user) -> bool:
    """R20: the involved groups' members and the AG Transfer record attempts at agreement and
    that agreement was reached (R18: groups coordinate among themselves and in the AG Transfer)."""
    if is_body_member(user, Gremium.AG_TRANSFER):
        return True
    if konflikt.pk is None:
        return False
    return any(is_fachgruppe_member(user, group) for group in konflikt.fachgruppen.all())


def may_decide_konflikt(konflikt, user) -> bool:
    """R20: without agreement the Leitungskreis decides; only its members record the decision."""
    return is_body_member(user, Gremium.LEITUNGSKREIS)
