"""The admin forms of a Sitzung and its agenda: only what the user may run, only what awaits.

* ``SitzungForm``: the body or group is chosen from those the user runs (the Schriftführung
  of a body, the members of a Fachgruppe, R19) and checked again in ``clean``; after creation
  it is fixed, so a forged POST cannot move a Sitzung to another body or group.
* ``TopForm``/``TopFormSet`` (the agenda as an inline panel): a TOP's Vorgang is one that
  awaits this body, or the one already on the TOP; a TOP under which a decision has been
  recorded keeps its Vorgang and cannot be removed (the record names it, R10, R11), with a
  German message instead of the database's PROTECT error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from workflow.agenda import vorgang_title
from workflow.choices import Gremium
from workflow.sitzung import Sitzung, TopKind
from workflow.sitzung_access import sitzung_rights
from workflow.vorgang import Eintrag, Vorgang


def choosable_vorgaenge(sitzung: Sitzung, also: int | None = None):
    """Vorgänge that may stand on the Sitzung's agenda: those awaiting its body (a Fachgruppe
    decides no Vorgang in its own Sitzung), and ``also`` (the one already on a TOP)."""
    condition = Q(pk=also) if also else Q(pk__in=[])
    if sitzung.gremium and sitzung.gremium != Gremium.FACHGRUPPE:
        condition |= Q(awaiting=sitzung.gremium, page__isnull=False)
    return (Vorgang.objects.filter(condition).select_related("group_page")
            .order_by("waiting_since", "submitted_at", "pk"))


class SitzungForm(WagtailAdminModelForm):
    """The Sitzung's own fields; the body or group only from those the user runs."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rights = sitzung_rights(self.for_user)
        if self.instance.pk:
            for name in ("gremium", "fachgruppe"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Nach dem Anlegen nicht mehr änderbar."
            return
        if "gremium" in self.fields:
            self.fields["gremium"].choices = [("", "---------"), *rights.gremium_choices()]
            self.fields["gremium"].error_messages["invalid_choice"] = (
                "Sie können nur Sitzungen der Gremien planen, deren Schriftführung Sie sind.")
        if "fachgruppe" in self.fields:
            self.fields["fachgruppe"].queryset = rights.fachgruppen()
            self.fields["fachgruppe"].error_messages["invalid_choice"] = (
                "Sie können nur Sitzungen Ihrer eigenen Fachgruppe planen.")

    def clean(self) -> dict:
        data = super().clean()
        gremium = data.get("gremium")
        if gremium == Gremium.FACHGRUPPE:
            if data.get("fachgruppe") is None and "fachgruppe" not in self.errors:
                self.add_error("fachgruppe", "Bitte die Fachgruppe wählen, deren Sitzung das ist.")
        elif gremium:
            data["fachgruppe"] = None  # only a Fachgruppe's Sitzung names a group
        if gremium and not self.errors.get("fachgruppe"):
            planned = Sitzung(gremium=gremium, fachgruppe=data.get("fachgruppe"))
            if not sitzung_rights(self.for_user).may_run(planned):
                self.add_error("gremium", f"Sie dürfen keine Sitzungen {planned.body_name} planen.")
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", "Das Ende liegt vor dem Beginn.")
        return data


class TopForm(WagtailAdminModelForm):
    """One TOP: its Vorgang from those awaiting the body; a decided TOP keeps its Vorgang."""

    def __init__(self, *args, sitzung: Sitzung | None = None, decided: frozenset = frozenset(),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decided = decided
        field = self.fields.get("vorgang")
        if field is not None:
            field.queryset = choosable_vorgaenge(sitzung or Sitzung(), also=self.instance.vorgang_id)
            field.label_from_instance = vorgang_title
            field.error_messages["invalid_choice"] = (
                "Diese Vorlage wartet nicht auf dieses Gremium und kann hier nicht beraten werden.")
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = "Leer lassen: der Titel der Vorlage."

    @property
    def is_decided(self) -> bool:
        return self.instance.pk is not None and self.instance.pk in self.decided

    def clean(self) -> dict:
        data = super().clean()
        vorgang = data.get("vorgang")
        top = self.instance
        if self.is_decided and "vorgang" not in self.errors and (
                vorgang is None or vorgang.pk != top.vorgang_id):
            self.add_error("vorgang", f"Unter TOP {top.number} „{top.title}“ ist bereits ein "
                                      "Beschluss erfasst; die Vorlage kann nicht mehr gewechselt "
                                      "werden.")
        if vorgang is not None:
            data["kind"] = TopKind.VORGANG
            if not data.get("title"):
                data["title"] = vorgang_title(vorgang)
        elif data.get("kind") == TopKind.VORGANG and "vorgang" not in self.errors:
            self.add_error("vorgang", "Bitte die Vorlage wählen, die unter diesem TOP beraten wird.")
        if not data.get("title") and "title" not in self.errors:
            self.add_error("title", "Bitte einen Titel angeben.")
        return data


class TopFormSet(BaseChildFormSet):
    """The agenda: each Vorgang once; a TOP with a recorded decision stays (R10, R11)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decided = frozenset(
            Eintrag.objects.filter(tagesordnungspunkt__sitzung_id=self.instance.pk)
            .values_list("tagesordnungspunkt_id", flat=True)) if self.instance.pk else frozenset()

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "sitzung": self.instance, "decided": self.decided}

    def save(self, commit: bool = True):
        """Every kept TOP takes its place in the new order, not only the changed ones (the TOP's
        number is its place, and the record cites it): modelcluster saves the changed forms
        only, which would leave the others at their old ``sort_order``."""
        saved = super().save(commit=False)
        manager = getattr(self.instance, self.rel_name)
        manager.add(*(form.instance for form in self.ordered_forms))
        if commit:
            manager.commit()
        return saved

    def clean(self) -> None:
        super().clean()
        problems, seen = [], {}
        for form in self.forms:
            top = form.instance
            if self.can_delete and self._should_delete_form(form):
                if top.pk is not None and top.pk in self.decided:
                    problems.append(f"TOP {top.number} „{top.title}“ kann nicht entfernt werden: "
                                    "unter ihm ist ein Beschluss erfasst.")
                continue
            vorgang = getattr(form, "cleaned_data", {}).get("vorgang")
            if vorgang is not None:
                if vorgang.pk in seen:
                    problems.append(f"„{vorgang_title(vorgang)}“ steht zweimal auf der "
                                    "Tagesordnung; bitte einen der beiden TOPs entfernen.")
                seen[vorgang.pk] = form
        if problems:
            raise ValidationError(problems)


class TopsInlinePanel(InlinePanel):
    """The agenda panel with ``TopForm`` and ``TopFormSet``."""

    def get_form_options(self) -> dict:
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(form=TopForm, formset=TopFormSet)
        return options

