"""Who sees, opens, mediates and decides conflicts in the admin, once per request (R19, R20).

* superusers see and do everything;
* the AG Transfer sees every conflict, opens and mediates them (R18, R20);
* the Leitungskreis sees every conflict and decides those without agreement (R20);
* a Fachgruppe's members see the conflicts their group is involved in, open them and record
  attempts; every other user — a third group, the Redaktion, the Plenum — sees nothing (R19).

``KonfliktRights`` answers from the two queries of ``sitzung_rights`` (the user's group
names and own Fachgruppen), shared with the Sitzungen;
``KonfliktPermissionPolicy`` hands it to Wagtail's views.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from workflow.choices import Gremium
from workflow.konflikt import Konflikt, KonfliktState
from workflow.permissions import BODY_GROUP_NAMES
from workflow.sitzung_access import sitzung_rights
from workflow.vorgang import FachgruppeZugang


@dataclass(frozen=True)
class KonfliktRights:
    everything: bool = False
    ag_transfer: bool = False
    leitungskreis: bool = False
    groups: frozenset[int] = frozenset()  # the user's own Fachgruppen (page ids)

    @property
    def sees_all(self) -> bool:
        return self.everything or self.ag_transfer or self.leitungskreis

    @property
    def may_open(self) -> bool:
        return self.everything or self.ag_transfer or bool(self.groups)

    def involved(self, konflikt: Konflikt) -> bool:
        return bool(self.groups & {group.pk for group in konflikt.fachgruppen.all()})

    def may_view(self, konflikt: Konflikt) -> bool:
        return self.sees_all or self.involved(konflikt)

    def may_mediate(self, konflikt: Konflikt) -> bool:
        """Attempts and agreement: the involved groups and the AG Transfer, while open."""
        return (konflikt.state == KonfliktState.OFFEN
                and (self.everything or self.ag_transfer or self.involved(konflikt)))

    def may_decide(self, konflikt: Konflikt) -> bool:
        return konflikt.state == KonfliktState.OFFEN and (self.everything or self.leitungskreis)

    def visible(self, queryset: QuerySet) -> QuerySet:
        if self.sees_all:
            return queryset
        return queryset.filter(pk__in=Konflikt.objects.filter(fachgruppen__in=self.groups)
                               .values("pk"))


NOBODY = KonfliktRights()


def konflikt_rights(user) -> KonfliktRights:
    """The user's rights, remembered on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_om_konflikt_rights", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        rights = KonfliktRights(everything=True)
    else:
        # The same two lookups as the Sitzungen' rights, shared: no extra query per request.
        sitzung = sitzung_rights(user)
        rights = KonfliktRights(
            ag_transfer=Gremium.AG_TRANSFER in sitzung.bodies,
            leitungskreis=Gremium.LEITUNGSKREIS in sitzung.bodies,
            groups=sitzung.groups,
        )
    user._om_konflikt_rights = rights
    return rights


class KonfliktPermissionPolicy(BasePermissionPolicy):
    """"view" for the readers, "add" for who may open a conflict; nothing is edited or
    deleted (the record is append-only); never Django's model permissions."""

    def user_has_permission(self, user, action) -> bool:
        rights = konflikt_rights(user)
        if action == "view":
            return rights.sees_all or bool(rights.groups)
        if action == "add":
            return rights.may_open
        return False

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return action == "view" and konflikt_rights(user).may_view(instance)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if "view" in actions:
            return konflikt_rights(user).visible(Konflikt.objects.all())
        return Konflikt.objects.none()

    def users_with_any_permission(self, actions) -> QuerySet:
        names = [BODY_GROUP_NAMES[Gremium.AG_TRANSFER]]
        if "view" in actions:
            names.append(BODY_GROUP_NAMES[Gremium.LEITUNGSKREIS])
        group_ids = FachgruppeZugang.objects.exclude(group=None).values("group_id")
        return get_user_model().objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(groups__name__in=names) | Q(groups__in=group_ids)).distinct()
