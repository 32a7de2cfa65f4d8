"""The admin of conflicts between Fachgruppen: /admin/konflikte/ (R19, R20).

A ``ModelViewSet`` without edit, copy or delete views — the record is append-only. The list
and every lookup are limited to what ``konflikt_rights`` lets the user see (others: "not
found"); opening, recording an attempt, stating agreement and deciding are POSTs that run
``workflow.konflikt_services``, which checks the user again on the server.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from om_pages.models import FachgruppePage
from workflow.konflikt import Einigungsversuch, Konflikt, KonfliktState
from workflow.konflikt_access import KonfliktPermissionPolicy, konflikt_rights
from workflow.konflikt_services import AG_TRANSFER, add_versuch, close_konflikt, open_konflikt

register_permission_policy(Konflikt, KonfliktPermissionPolicy(Konflikt))


def inspect_url(konflikt: Konflikt) -> str:
    return reverse("konflikte:inspect", args=(konflikt.pk,))


def _refusal(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# --- forms -------------------------------------------------------------------------------------


class KonfliktOpenForm(forms.Form):
    opened_for = forms.ChoiceField(label="Eröffnet durch")
    fachgruppen = forms.ModelMultipleChoiceField(
        label="Beteiligte Fachgruppen", queryset=FachgruppePage.objects.order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Mindestens zwei Fachgruppen, zum Beispiel bei sich überschneidenden Themen (R17).")
    subject = forms.CharField(label="Gegenstand", max_length=255)
    description = forms.CharField(label="Beschreibung", widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        rights = konflikt_rights(user)
        choices = [(AG_TRANSFER, "AG Transfer")] if rights.everything or rights.ag_transfer else []
        own = FachgruppePage.objects.order_by("title")
        if not rights.everything:
            own = own.filter(pk__in=rights.groups)
        choices += [(str(group.pk), group.title) for group in own]
        self.fields["opened_for"].choices = choices

    def clean(self):
        data = super().clean()
        groups = data.get("fachgruppen") or []
        if len(groups) < 2:
            self.add_error("fachgruppen", "Ein Konflikt besteht zwischen mindestens zwei Fachgruppen.")
        opener = data.get("opened_for")
        if opener and opener != AG_TRANSFER and opener not in {str(g.pk) for g in groups}:
            self.add_error("opened_for", "Die eröffnende Fachgruppe muss selbst beteiligt sein.")
        return data


class VersuchForm(forms.ModelForm):
    class Meta:
        model = Einigungsversuch
        fields = ["date", "participants", "text", "result"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label="Ergebnis", widget=forms.Textarea(attrs={"rows": 4}))


# --- views -------------------------------------------------------------------------------------


def open_view(request):
    """„Konflikt eröffnen“: a group's member or the AG Transfer (R20)."""
    if not konflikt_rights(request.user).may_open:
        raise PermissionDenied
    form = KonfliktOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            konflikt = open_konflikt(request.user, list(form.cleaned_data["fachgruppen"]),
                                     form.cleaned_data["subject"],
                                     form.cleaned_data["description"],
                                     form.cleaned_data["opened_for"])
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, f"Konflikt „{konflikt}“ eröffnet; er steht im Verlauf der "
                                      "beteiligten Fachgruppen.")
            return redirect(inspect_url(konflikt))
    return TemplateResponse(request, "workflow/konflikt/open.html", {"form": form})


def _visible_konflikt(request, pk: int) -> Konflikt:
    return get_object_or_404(konflikt_rights(request.user).visible(Konflikt.objects.all()), pk=pk)


def versuch_view(request, pk: int):
    """POST: append an attempt at agreement."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    konflikt = _visible_konflikt(request, pk)
    form = VersuchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Der Einigungsversuch wurde nicht erfasst: "
                       + " ".join(f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields
                                  else " ".join(e) for f, e in form.errors.items()))
        return redirect(inspect_url(konflikt))
    try:
        add_versuch(konflikt, request.user, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, "Einigungsversuch erfasst.")
    return redirect(inspect_url(konflikt))


def close_view(request, pk: int, how: str):
    """POST: „Einigung feststellen“ or „Entscheidung des Leitungskreises erfassen“."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    konflikt = _visible_konflikt(request, pk)
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Bitte das Ergebnis angeben.")
        close_konflikt(konflikt, request.user, decide=how == "entscheiden",
                       outcome=form.cleaned_data["outcome"])
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, "Das Ergebnis steht jetzt im Verlauf aller beteiligten "
                                  "Fachgruppen.")
    return redirect(inspect_url(konflikt))


def visible_groups(request):
    """Filter choices: the Fachgruppen involved in a conflict the user sees (R19)."""
    if request is None:
        return FachgruppePage.objects.none()
    konflikte = konflikt_rights(request.user).visible(Konflikt.objects.all())
    return FachgruppePage.objects.filter(konflikte__in=konflikte).distinct().order_by("title")


class KonfliktFilterSet(WagtailFilterSet):
    """``?fachgruppe=<page id>``: one group's conflicts, its record of them (R20)."""

    fachgruppe = django_filters.ModelChoiceFilter(
        label="Fachgruppe", field_name="fachgruppen", queryset=visible_groups,
        empty_label="Alle Fachgruppen")
    state = django_filters.ChoiceFilter(label="Stand", choices=KonfliktState.choices)

    class Meta:
        model = Konflikt
        fields = []


class KonfliktIndexView(IndexView):
    default_ordering = "-opened_at"

    def get_base_queryset(self):
        return (konflikt_rights(self.request.user).visible(super().get_base_queryset())
                .prefetch_related("fachgruppen"))

    def get_edit_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None


class KonfliktInspectView(InspectView):
    """The conflict, its attempts at agreement and the actions the user may take."""

    template_name = "workflow/konflikt/inspect.html"

    def get_object(self, queryset=None):
        return _visible_konflikt(self.request, self.pk)

    def get_fields(self):
        return []

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        konflikt = self.object
        rights = konflikt_rights(self.request.user)
        context.update({
            "konflikt": konflikt,
            "versuche": konflikt.versuche.all(),
            "may_mediate": rights.may_mediate(konflikt),
            "may_decide": rights.may_decide(konflikt),
            "versuch_form": VersuchForm(initial={"date": datetime.date.today()}),
            "outcome_form": OutcomeForm(),
        })
        return context


class KonfliktViewSet(ModelViewSet):
    """Konflikte between Fachgruppen (R20), visible to those involved (R19)."""

    model = Konflikt
    icon = "warning"
    menu_label = "Konflikte"
    menu_order = 270
    add_to_admin_menu = True
    name = "konflikte"
    url_prefix = "konflikte"
    list_display = [
        TitleColumn("subject", label="Gegenstand", get_url=inspect_url),
        Column("groups", label="Beteiligte Fachgruppen", accessor="group_titles"),
        Column("state", label="Stand", accessor="get_state_display", sort_key="state"),
        Column("opened_at", label="Eröffnet am", sort_key="opened_at"),
    ]
    filterset_class = KonfliktFilterSet
    index_view_class = KonfliktIndexView
    inspect_view_enabled = True
    inspect_view_class = KonfliktInspectView
    copy_view_enabled = False
    form_fields = ["subject", "description"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"history_url_name": None, "usage_url_name": None, **kwargs})

    def get_urlpatterns(self):
        """List, open, inspect, attempt, agreement and decision; no edit or delete (R20)."""
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", open_view, name="add"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"versuch/<{conv}:pk>/", versuch_view, name="versuch"),
            path(f"einigung/<{conv}:pk>/", close_view, {"how": "einigung"}, name="einigung"),
            path(f"entscheiden/<{conv}:pk>/", close_view, {"how": "entscheiden"},
                 name="entscheiden"),
        ]
