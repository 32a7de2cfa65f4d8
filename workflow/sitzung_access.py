"""Who sees and who runs which Sitzungen in the admin, computed once per request (R18, R19, R24).

* The Redaktion and superusers see every Sitzung;
* the members of a body (Leitungskreis, AG Transfer, Plenum) see their body's Sitzungen;
* the body's Schriftführung plans, edits and records them (``permissions.may_run_sitzung``);
* the members of a Fachgruppe plan, see and edit their own group's Sitzungen and nothing of
  other groups (R19).

``SitzungRights`` answers these questions for one user from two queries (the user's group
names and own Fachgruppen), as a filter for querysets and as a test for one Sitzung, so a
listing or an agenda with many rows costs no query per row. It says the same as
``permissions.may_run_sitzung``; ``SitzungPermissionPolicy`` hands it to Wagtail's views.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from om_pages.models import FachgruppePage, Person
from workflow.choices import Gremium
from workflow.permissions import BODY_GROUP_NAMES, SCHRIFTFUEHRUNG_GROUP_NAMES
from workflow.querysets import own_fachgruppen
from workflow.sitzung import MEETING_BODIES, Sitzung, SitzungState
from workflow.vorgang import FachgruppeZugang

#: Where a Sitzung may still be deleted: nothing was decided or minuted under it yet.
DELETABLE_STATES = (SitzungState.GEPLANT, SitzungState.EINGELADEN)


@dataclass(frozen=True)
class SitzungRights:
    """One user's rights on Sitzungen."""

    everything: bool = False  # superuser: sees and runs all
    sees_all: bool = False  # Redaktion: sees all, runs none of it
    bodies: frozenset[str] = frozenset()  # bodies whose Sitzungen the user sees
    runs: frozenset[str] = frozenset()  # bodies whose Schriftführung the user is
    groups: frozenset[int] = frozenset()  # the user's own Fachgruppen (page ids)

    # --- one Sitzung ------------------------------------------------------------------------

    def may_view(self, sitzung: Sitzung) -> bool:
        if self.everything or self.sees_all:
            return True
        if sitzung.gremium == Gremium.FACHGRUPPE:
            return sitzung.fachgruppe_id in self.groups
        return sitzung.gremium in self.bodies

    def may_run(self, sitzung: Sitzung) -> bool:
        """``permissions.may_run_sitzung``: the body's Schriftführung, the group's members."""
        if self.everything:
            return True
        if sitzung.gremium == Gremium.FACHGRUPPE:
            return sitzung.fachgruppe_id is not None and sitzung.fachgruppe_id in self.groups
        return sitzung.gremium in self.runs

    def may_edit(self, sitzung: Sitzung) -> bool:
        """A closed Sitzung (minutes published) is part of the record: no more edits."""
        return self.may_run(sitzung) and sitzung.state != SitzungState.ABGESCHLOSSEN

    def may_delete(self, sitzung: Sitzung) -> bool:
        """Only a Sitzung not yet held; the model refuses one with decisions or minutes too."""
        return self.may_run(sitzung) and sitzung.state in DELETABLE_STATES

    # --- as querysets -----------------------------------------------------------------------

    @property
    def may_plan(self) -> bool:
        """Runs the Sitzungen of at least one body or group."""
        return self.everything or bool(self.runs) or bool(self.groups)

    @property
    def may_view_any(self) -> bool:
        return self.everything or self.sees_all or bool(self.bodies) or bool(self.groups)

    def visible(self, queryset: QuerySet) -> QuerySet:
        if self.everything or self.sees_all:
            return queryset
        return queryset.filter(Q(gremium__in=self.bodies)
                               | Q(gremium=Gremium.FACHGRUPPE, fachgruppe_id__in=self.groups))

    def runnable(self, queryset: QuerySet) -> QuerySet:
        if self.everything:
            return queryset
        return queryset.filter(Q(gremium__in=self.runs)
                               | Q(gremium=Gremium.FACHGRUPPE, fachgruppe_id__in=self.groups))

    def gremium_choices(self) -> list[tuple[str, str]]:
        """The bodies (and "Fachgruppe") whose Sitzungen the user may plan."""
        return [(g.value, g.label) for g in MEETING_BODIES
                if self.everything or g in self.runs
                or (g == Gremium.FACHGRUPPE and self.groups)]

    def fachgruppen(self) -> QuerySet:
        """The Fachgruppen whose Sitzungen the user may plan."""
        queryset = FachgruppePage.objects.order_by("title")
        return queryset if self.everything else queryset.filter(pk__in=self.groups)


NOBODY = SitzungRights()


def sitzung_rights(user) -> SitzungRights:
    """The user's rights, remembered on the user object (two queries per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_om_sitzung_rights", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        rights = SitzungRights(everything=True)
    else:
        names = set(user.groups.values_list("name", flat=True))
        bodies = {g for g, name in BODY_GROUP_NAMES.items() if name in names}
        rights = SitzungRights(
            sees_all=Gremium.REDAKTION in bodies,
            bodies=frozenset(bodies - {Gremium.REDAKTION}),
            runs=frozenset(g for g, name in SCHRIFTFUEHRUNG_GROUP_NAMES.items()
                           if name in names and g in bodies),
            groups=frozenset(own_fachgruppen(user).values_list("pk", flat=True)),
        )
    user._om_sitzung_rights = rights
    return rights


class SitzungPermissionPolicy(BasePermissionPolicy):
    """Wagtail's views ask here: "view" for readers, "add"/"change"/"delete" for planners;
    per Sitzung the body or group decides (never Django's model permissions)."""

    def user_has_permission(self, user, action) -> bool:
        rights = sitzung_rights(user)
        if action == "view":
            return rights.may_view_any
        if action in ("add", "change", "delete"):
            return rights.may_plan
        return False

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        rights = sitzung_rights(user)
        if action == "view":
            return rights.may_view(instance)
        if action == "change":
            return rights.may_edit(instance)
        if action == "delete":
            return rights.may_delete(instance)
        return False

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        rights = sitzung_rights(user)
        queryset = Sitzung.objects.all()
        if "view" in actions:
            return rights.visible(queryset)
        if {"change", "delete"} & set(actions):
            return rights.runnable(queryset).exclude(state=SitzungState.ABGESCHLOSSEN)
        return queryset.none()

    def users_with_any_permission(self, actions) -> QuerySet:
        """Superusers, the Schriftführungen, the Fachgruppen's members (and the bodies' members
        and the Redaktion for "view"); a Schriftführung outside its body is listed, not allowed."""
        names = list(SCHRIFTFUEHRUNG_GROUP_NAMES.values())
        if "view" in actions:
            names += list(BODY_GROUP_NAMES.values())
        group_ids = FachgruppeZugang.objects.exclude(group=None).values("group_id")
        groups = FachgruppePage.objects.all()
        contact_ids = (Person.objects.filter(Q(pk__in=groups.values("koordination_id"))
                                             | Q(pk__in=groups.values("moderation_id")))
                       .exclude(user=None).values("user_id"))
        return get_user_model().objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(groups__name__in=names) | Q(groups__in=group_ids)
            | Q(pk__in=contact_ids)).distinct()
