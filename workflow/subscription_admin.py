"""The Redaktion's read-only list of subscriptions: /admin/abonnements/ (issue 16, R14, R19).

Addresses are personal data: only superusers and the Redaktion see the list; group editors
and the other bodies see neither menu item nor list (the permission policy answers no).
Nobody adds or edits here: subscribing is the subscriber's own act (double opt-in).
"""

from __future__ import annotations

import django_filters
from django.urls import path
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from workflow.sitzung_access import sitzung_rights
from workflow.subscriptions import Abonnement, Art, Haeufigkeit, Herkunft


def may_see_subscriptions(user) -> bool:
    """Superusers and the Redaktion; read from the user's rights as loaded once per request
    (``sitzung_access.sitzung_rights``), so the admin menu costs no query on every page."""
    rights = sitzung_rights(user)
    return rights.everything or rights.sees_all


class RedaktionReadOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        return action == "view" and may_see_subscriptions(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return "view" in actions and may_see_subscriptions(user)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(actions).none()

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model.objects.all()
        return self.model.objects.none()


register_permission_policy(Abonnement, RedaktionReadOnlyPolicy(Abonnement))


class AbonnementFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label="Art", choices=Art.choices)
    frequency = django_filters.ChoiceFilter(label="Häufigkeit", choices=Haeufigkeit.choices)
    source = django_filters.ChoiceFilter(label="Herkunft", choices=Herkunft.choices)
    status = django_filters.ChoiceFilter(label="Stand", method="by_status", choices=[
        ("aktiv", "aktiv"), ("unbestaetigt", "unbestätigt"), ("abgemeldet", "abgemeldet")])

    class Meta:
        model = Abonnement
        fields = ["kind", "frequency", "source"]

    def by_status(self, queryset, name, value):
        if value == "aktiv":
            return queryset.active()
        if value == "unbestaetigt":
            return queryset.pending()
        return queryset.filter(unsubscribed_at__isnull=False)


class AbonnementIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("fachgruppe")


class AbonnementViewSet(ModelViewSet):
    """List only: address, what, how often, state, since when."""

    model = Abonnement
    icon = "mail"
    menu_label = "Abonnements"
    menu_order = 290
    add_to_admin_menu = True
    name = "abonnements"
    url_prefix = "abonnements"
    permission_policy = RedaktionReadOnlyPolicy(Abonnement)
    list_display = [
        Column("email", label="E-Mail-Adresse", sort_key="email"),
        Column("describe", label="Abonniert", accessor="describe"),
        Column("frequency", label="Häufigkeit", accessor="get_frequency_display", sort_key="frequency"),
        Column("state", label="Stand", accessor="state_label"),
        Column("source", label="Herkunft", accessor="get_source_display", sort_key="source"),
        Column("created_at", label="Angelegt am", sort_key="created_at"),
    ]
    filterset_class = AbonnementFilterSet
    index_view_class = AbonnementIndexView
    search_fields = ["email"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
