"""Admin views: the transition form, the read-only Vorgänge listing, the dashboard panel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from workflow.deadlines import annotate_due
from workflow.forms import TransitionForm
from workflow.listing import LIST_COLUMNS, VorgangFilterSet
from workflow.models import Vorgang
from workflow.permissions import Gremium, user_bodies
from workflow.querysets import own_fachgruppen
from workflow.review import may_see_record, readable_vorgaenge
from workflow.services import (
    TransitionConflict,
    TransitionError,
    UnknownStep,
    check_step,
    current_vorgang,
    perform_transition,
    possible_transitions,
)


def back_url(page, vorgang: Vorgang, user) -> str:
    """Where the user continues: the page editor if they may edit the page, else the Vorgang.

    Body members (AG Transfer, Plenum) have no page permissions; sending them to the editor
    would greet them with Wagtail's "no access" error right after a successful decision.
    """
    if page.permissions_for_user(user).can_edit():
        return reverse("wagtailadmin_pages:edit", args=(page.pk,))
    if vorgang.pk:
        return reverse("vorgaenge:inspect", args=(vorgang.pk,))
    return reverse("wagtailadmin_home")


def transition_view(request, page_id: int, name: str):
    """GET: the form for step ``name`` of the page's Vorgang; POST: take the step.

    One ``check_step`` per request serves the form and the transition; one ``Decision`` from
    the form reaches the record.
    """
    page = get_object_or_404(Page, pk=page_id).specific
    vorgang = current_vorgang(page)
    if vorgang is None:
        raise Http404("Für diese Seite gibt es kein Freigabeverfahren.")
    try:
        check = check_step(vorgang, name, request.user)
    except UnknownStep:
        raise Http404("Unbekannter Schritt.") from None
    if not check.permitted:  # the step's permission, whatever the state
        raise PermissionDenied(check.denied)
    errors = check.errors
    step = check.step
    initial = {"top": request.GET.get("top")} if request.GET.get("top", "").isdigit() else {}
    form = TransitionForm(request.POST or None, step=step, vorgang=vorgang, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                perform_transition(vorgang, name, request.user, decision=form.decision(),
                                   check=check)
            except TransitionError as exc:
                errors = exc.messages
                status = 409 if isinstance(exc, TransitionConflict) else 400
            else:
                messages.success(request, f"{step.label}: erfasst "
                                          f"({vorgang.get_kind_display()}, jetzt "
                                          f"„{vorgang.get_state_display()}“).")
                return redirect(back_url(page, vorgang, request.user))
        else:
            status = 400
    return TemplateResponse(request, "workflow/transition_form.html", {
        "page": page, "vorgang": vorgang, "name": name, "label": step.label,
        "form": form, "errors": errors, "step": step,
        "back_url": back_url(page, vorgang, request.user),
        "entries": vorgang.entries() if vorgang.pk else [],
    }, status=status)


def admin_urls():
    return [path("freigabe/<int:page_id>/<slug:name>/", transition_view, name="workflow_transition")]


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The record is read-only in every UI: viewing for admin users, no add/change/delete."""

    def user_has_permission(self, user, action) -> bool:
        if action != "view":
            return False
        return bool(user.is_active and (user.is_superuser or user.has_perm("wagtailadmin.access_admin")))

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Vorgang, ReadOnlyPermissionPolicy(Vorgang))


class VorgangIndexView(IndexView):
    def get_base_queryset(self):
        """R19: another group's editor does not see where this group stands."""
        return readable_vorgaenge(self.request.user, super().get_base_queryset()).select_related(
            "group_page")

    def get_table(self, object_list):
        """Due dates of the shown page, the Sitzungen loaded once (issue 16)."""
        return super().get_table(annotate_due(object_list))


class VorgangInspectView(InspectView):
    template_name = "workflow/vorgang_inspect.html"

    def get_object(self, queryset=None):
        vorgang = super().get_object(queryset)
        if not may_see_record(self.request.user, vorgang):  # R19
            raise PermissionDenied("Sie dürfen diesen Vorgang nicht einsehen.")
        return vorgang

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = self.object.entries().select_related(
            "protokoll", "user", "sitzung__protokoll", "tagesordnungspunkt")
        current = current_vorgang(self.object.page) if self.object.page_id else None
        context["steps"] = (possible_transitions(current, self.request.user)
                            if current is not None and current.pk == self.object.pk else [])
        return context


class VorgangViewSet(ModelViewSet):
    """The Vorgänge listing (R1, R10, R11, R21, R22): filter by state and by the body at turn."""

    model = Vorgang
    icon = "tasks"
    menu_label = "Vorgänge"
    menu_order = 250
    add_to_admin_menu = True
    name = "vorgaenge"
    url_prefix = "vorgaenge"
    list_display = LIST_COLUMNS
    filterset_class = VorgangFilterSet
    search_fields = ["page_title"]
    index_view_class = VorgangIndexView
    inspect_view_enabled = True
    inspect_view_class = VorgangInspectView
    inspect_view_fields = ["kind", "page_title", "group_page", "state", "awaiting_label",
                           "submitted_at_local", "waiting_since_local"]
    copy_view_enabled = False

    def get_urlpatterns(self):
        """Only list and inspect: no add, edit, delete, copy, history or usage views."""
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
        ]


def awaiting_for(user):
    """What awaits the user's bodies, and the drafts of the user's own Fachgruppen."""
    bodies = user_bodies(user)
    waiting = Vorgang.objects.exclude(page=None).select_related(
        "page", "group_page", "revision", "revision__user").order_by(
        "waiting_since", "pk")  # the longest waiting first
    items = list(waiting.filter(awaiting__in=bodies)[:50])
    if not user.is_superuser:  # the own groups' drafts, in one query (R19)
        items += list(waiting.filter(awaiting=Gremium.FACHGRUPPE,
                                     group_page__in=own_fachgruppen(user))[:200])
    return items


class ZurEntscheidungPanel(Component):
    """Dashboard panel: each body member sees what awaits their body."""

    name = "zur_entscheidung"
    order = 50
    template_name = "workflow/panel_zur_entscheidung.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context):
        return {"items": annotate_due(awaiting_for(self.request.user)),
                "bodies": user_bodies(self.request.user),
                "request": self.request}  # the review links check the reader (R19)
