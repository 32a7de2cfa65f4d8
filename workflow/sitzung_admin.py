"""The admin of Sitzungen: plan, edit the agenda, mark held, record each TOP's decision.

A ``ModelViewSet`` at /admin/sitzungen/ (R1, R10, R11, R18, R19, R24). Every view asks
``SitzungRights`` on the server: the list and every object lookup are limited to the
Sitzungen the user may see (others are "not found"); editing, deleting and "Als gehalten
vermerken" to those the user runs (the body's Schriftführung, the group's members). Creating
a Sitzung proposes its agenda (``workflow.agenda.propose_agenda``) and opens the edit form,
where the Schriftführung reorders, adds and removes TOPs (``workflow.sitzung_forms``). The
detail view lists the agenda with the links to read and to decide each Vorgang
(``workflow.sitzung_detail``); the decision itself is recorded by the transition form.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, ProtectedError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django_fsm import can_proceed, has_transition_perm
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from om_pages.models import FachgruppePage
from workflow.agenda import propose_agenda
from workflow.cancellation import delete_with_cancellation, needs_cancellation
from workflow.choices import Gremium
from workflow.invitation import InvitationNotSent
from workflow.sitzung import MEETING_BODIES, Sitzung, SitzungState
from workflow.sitzung_access import SitzungPermissionPolicy, sitzung_rights
from workflow.sitzung_detail import agenda_rows, may_record
from workflow.sitzung_forms import SitzungForm, TopsInlinePanel

register_permission_policy(Sitzung, SitzungPermissionPolicy(Sitzung))

CLOSED = ("Die Sitzung ist abgeschlossen, ihr Protokoll veröffentlicht; sie kann nicht mehr "
          "bearbeitet werden.")


def body_label(sitzung: Sitzung) -> str:
    """„AG Transfer“, or the Fachgruppe's title."""
    if sitzung.gremium == Gremium.FACHGRUPPE and sitzung.fachgruppe_id:
        return sitzung.fachgruppe.title
    return sitzung.get_gremium_display()


def inspect_url(sitzung: Sitzung) -> str:
    return reverse("sitzungen:inspect", args=(sitzung.pk,))


# --- listing -----------------------------------------------------------------------------------


def visible_groups(request):
    """Filter choices: the Fachgruppen whose Sitzungen the user sees (R19)."""
    if request is None:
        return FachgruppePage.objects.none()
    sitzungen = sitzung_rights(request.user).visible(Sitzung.objects.filter(gremium=Gremium.FACHGRUPPE))
    return FachgruppePage.objects.filter(pk__in=sitzungen.values("fachgruppe_id")).order_by("title")


class SitzungFilterSet(WagtailFilterSet):
    gremium = django_filters.ChoiceFilter(label="Gremium",
                                          choices=[(g.value, g.label) for g in MEETING_BODIES])
    fachgruppe = django_filters.ModelChoiceFilter(label="Fachgruppe", queryset=visible_groups,
                                                  empty_label="Alle Fachgruppen")
    state = django_filters.ChoiceFilter(label="Stand", choices=SitzungState.choices)

    class Meta:
        model = Sitzung
        fields = []


LIST_COLUMNS = [
    TitleColumn("starts_at", label="Datum", accessor="starts_at_local", sort_key="starts_at",
                get_url=inspect_url),
    Column("gremium", label="Gremium / Fachgruppe", accessor=body_label),
    Column("state", label="Stand", accessor="get_state_display", sort_key="state"),
    Column("top_count", label="TOPs", accessor="top_count", sort_key="top_count"),
]


class SitzungIndexView(IndexView):
    default_ordering = "-starts_at"

    def get_base_queryset(self):
        """Only the Sitzungen the user may see; the number of TOPs in the same query."""
        return (sitzung_rights(self.request.user).visible(super().get_base_queryset())
                .select_related("fachgruppe").annotate(top_count=Count("tops")))

    def get_edit_url(self, instance):
        if sitzung_rights(self.request.user).may_edit(instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if sitzung_rights(self.request.user).may_delete(instance):
            return super().get_delete_url(instance)
        return None

    def get_copy_url(self, instance):
        return None


# --- the object views --------------------------------------------------------------------------


class VisibleSitzungMixin:
    """Object lookups among the Sitzungen the user may see; anything else is "not found"."""

    def get_queryset(self):
        return (sitzung_rights(self.request.user).visible(Sitzung.objects.all())
                .select_related("fachgruppe", "protokoll"))


class SitzungCreateView(CreateView):
    """Create the Sitzung, propose its agenda from what awaits the body, open the edit form."""

    success_message = None

    def save_instance(self):
        sitzung = super().save_instance()
        self.proposed = propose_agenda(sitzung)
        return sitzung

    def get_success_url(self):
        return reverse(self.edit_url_name, args=(self.object.pk,))

    def save_action(self):
        response = super().save_action()
        vorlagen = sum(1 for top in self.proposed if top.vorgang_id)
        others = len(self.proposed) - vorlagen
        messages.success(self.request, (
            f"{self.object} angelegt. Tagesordnung vorgeschlagen: {vorlagen} "
            f"{'Vorlage' if vorlagen == 1 else 'Vorlagen'}, die auf die Entscheidung warten, "
            f"und {others} ständige {'Punkt' if others == 1 else 'Punkte'}. Bitte prüfen, ordnen "
            "und ergänzen."))
        return response


class SitzungEditView(VisibleSitzungMixin, EditView):
    """Edit the Sitzung and its agenda; only whoever runs it, never once it is closed."""

    success_message = "„%(object)s“ gespeichert."
    error_message = "Die Sitzung konnte nicht gespeichert werden; bitte die Hinweise beachten."

    def refusal(self) -> str:
        sitzung = self.object
        if sitzung.state == SitzungState.ABGESCHLOSSEN:
            return CLOSED
        if not sitzung_rights(self.request.user).may_run(sitzung):
            return f"Nur die Schriftführung {sitzung.body_name} bearbeitet diese Sitzung."
        return ""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if refusal := self.refusal():
            messages.error(request, refusal)
            return redirect(inspect_url(self.object))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if refusal := self.refusal():
            messages.error(request, refusal)
            return redirect(inspect_url(self.object))
        return super().post(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        return super().get_object(queryset)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:  # a decision was recorded under a removed TOP meanwhile
            form.add_error(None, "Ein TOP, unter dem ein Beschluss erfasst ist, kann nicht "
                                 "entfernt werden.")
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class SitzungDeleteView(VisibleSitzungMixin, DeleteView):
    """Only a Sitzung not yet held, by whoever runs it (the model keeps one with records).

    An invited Sitzung still ahead is called off: its members get an "Absage" that removes the
    entry from their calendars (``workflow.cancellation``), or nothing is deleted.
    """

    def dispatch(self, request, *args, **kwargs):
        if not sitzung_rights(request.user).may_delete(self.object):
            messages.error(request, "Diese Sitzung kann nicht gelöscht werden: nur geplante oder "
                                    "eingeladene Sitzungen, und nur von ihrer Schriftführung.")
            return redirect(inspect_url(self.object))
        return super().dispatch(request, *args, **kwargs)

    @property
    def confirmation_message(self):
        message = super().confirmation_message
        if needs_cancellation(self.object):
            message = (f"{message} Die eingeladenen Mitglieder erhalten eine Absage mit einem "
                       "Kalendereintrag, der den Termin aus ihrem Kalender entfernt.")
        return message

    def delete_action(self):
        if not needs_cancellation(self.object):
            return super().delete_action()
        delete_with_cancellation(self.object, super().delete_action, user=self.request.user)

    def form_valid(self, form):
        pk = self.object.pk  # Django clears it on delete, also when the transaction rolls back
        try:
            return super().form_valid(form)
        except InvitationNotSent:
            messages.error(self.request, "Die Absage konnte nicht versandt werden (Mailserver); "
                                         "die Sitzung bleibt bestehen. Bitte später erneut versuchen.")
            return redirect(inspect_url(Sitzung.objects.get(pk=pk)))


class SitzungInspectView(VisibleSitzungMixin, InspectView):
    """The Sitzung at a glance: date, place, state, attendees, the agenda with its decisions."""

    template_name = "workflow/sitzung/inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.pk)

    def get_fields(self):
        return []  # the template shows the Sitzung

    def get_edit_url(self):
        if sitzung_rights(self.request.user).may_edit(self.object):
            return reverse(self.edit_url_name, args=(self.object.pk,))
        return None

    def get_delete_url(self):
        if sitzung_rights(self.request.user).may_delete(self.object):
            return reverse(self.delete_url_name, args=(self.object.pk,))
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sitzung = self.object
        runs_it = sitzung_rights(self.request.user).may_run(sitzung)
        context.update({
            "sitzung": sitzung,
            "rows": agenda_rows(sitzung, self.request.user, runs_it),
            "runs_it": runs_it,
            "recording": may_record(sitzung, runs_it),
            "open": sitzung.state != SitzungState.ABGESCHLOSSEN,
            "before_held": sitzung.state in (SitzungState.GEPLANT, SitzungState.EINGELADEN),
            "may_mark_held": runs_it and sitzung.state in (SitzungState.GEPLANT,
                                                           SitzungState.EINGELADEN),
            "held_url": reverse("sitzungen:held", args=(sitzung.pk,)),
            "edit_url": self.get_edit_url(),
        })
        return context


def mark_held_view(request, pk: int):
    """POST: "Als gehalten vermerken" (the Sitzung took place; decisions can be recorded)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sitzung = get_object_or_404(
        sitzung_rights(request.user).visible(Sitzung.objects.select_related("fachgruppe")), pk=pk)
    if not sitzung_rights(request.user).may_run(sitzung):
        messages.error(request, f"Nur die Schriftführung {sitzung.body_name} vermerkt die Sitzung "
                                "als gehalten.")
    elif not sitzung.has_taken_place:
        messages.error(request, f"Die Sitzung am {sitzung.starts_at_local} Uhr liegt in der "
                                "Zukunft; sie kann erst nach ihrem Beginn als gehalten vermerkt "
                                "werden.")
    elif not can_proceed(sitzung.als_gehalten_vermerken):
        messages.error(request, f"Im Stand „{sitzung.get_state_display()}“ kann die Sitzung nicht "
                                "als gehalten vermerkt werden.")
    elif not has_transition_perm(sitzung.als_gehalten_vermerken, request.user):
        messages.error(request, "Sie dürfen diese Sitzung nicht als gehalten vermerken.")
    else:
        sitzung.als_gehalten_vermerken(user=request.user)
        sitzung.save()
        messages.success(request, f"{sitzung} ist als gehalten vermerkt; die Beschlüsse können "
                                  "jetzt unter den TOPs erfasst werden.")
    return redirect(inspect_url(sitzung))


# --- the viewset -------------------------------------------------------------------------------

#: The Sitzung's own fields, shared by the create and the edit form.
SITZUNG_PANELS = [
    FieldRowPanel([FieldPanel("gremium"), FieldPanel("fachgruppe", widget=forms.Select)],
                  heading="Gremium"),
    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="Zeit"),
    MultiFieldPanel([FieldPanel("meeting_kind"), FieldPanel("location"), FieldPanel("online_url")],
                    heading="Ort"),
    FieldPanel("attendees"),
    FieldPanel("public_agenda_titles"),
]


class SitzungViewSet(ModelViewSet):
    """Sitzungen of the bodies and the Fachgruppen (R18, R24), with their agendas."""

    model = Sitzung
    icon = "date"
    menu_label = "Sitzungen"
    menu_order = 260
    add_to_admin_menu = True
    name = "sitzungen"
    url_prefix = "sitzungen"
    list_display = LIST_COLUMNS
    filterset_class = SitzungFilterSet
    index_view_class = SitzungIndexView
    add_view_class = SitzungCreateView
    edit_view_class = SitzungEditView
    delete_view_class = SitzungDeleteView
    inspect_view_enabled = True
    inspect_view_class = SitzungInspectView
    copy_view_enabled = False
    edit_handler = ObjectList([
        *SITZUNG_PANELS,
        TopsInlinePanel("tops", heading="Tagesordnung", label="Tagesordnungspunkt", panels=[
            FieldPanel("kind"), FieldPanel("title"), FieldPanel("vorgang"), FieldPanel("notes"),
        ]),
    ], base_form_class=SitzungForm)
    create_handler = ObjectList(SITZUNG_PANELS, base_form_class=SitzungForm)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"history_url_name": None, "usage_url_name": None, **kwargs})

    def get_add_view_kwargs(self, **kwargs):
        """The create form has no agenda yet: it is proposed once the Sitzung exists."""
        handler = self.create_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=handler, form_class=handler.get_form_class(),
                                           **kwargs)

    def get_urlpatterns(self):
        """List, create, edit, delete, inspect and "als gehalten vermerken" (no copy, history
        or usage views: they would not ask who may see the Sitzung)."""
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path(f"edit/<{conv}:pk>/", self.edit_view, name="edit"),
            path(f"delete/<{conv}:pk>/", self.delete_view, name="delete"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"held/<{conv}:pk>/", mark_held_view, name="held"),
        ]
