"""Admin views of the Kriterien-Check: the overall report and the per-group report.

Both are Wagtail ``ReportView``s, so filters, pagination and the CSV/XLSX export
(``SpreadsheetExportMixin``) are Wagtail's own. The cells come from ``workflow.compliance``,
which runs the checks of ``workflow.rules``; nothing here decides a rule.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict

import django_filters
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from om_pages.models import FachgruppePage
from workflow import compliance
from workflow.compliance import CHECKED, RULE_COLUMNS, Cell, ComplianceRow, GroupStanding
from workflow.spreadsheet import GermanSpreadsheetMixin

#: The bodies that oversee the Fachgruppen (R1, R12, R22) and so see the whole report.
REPORT_GROUPS = ("Leitungskreis", "AG Transfer", "Plenum")
YEARS_BACK = 10


def can_view_compliance_report(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Superusers and members of Leitungskreis, AG Transfer or Plenum see every group."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=REPORT_GROUPS).exists()


def can_view_group_report(user, fachgruppe: FachgruppePage) -> bool:
    """A group's own editors see their group's check too (R19: they maintain their pages)."""
    if can_view_compliance_report(user):
        return True
    return user.is_authenticated and fachgruppe.permissions_for_user(user).can_edit()


def year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, this_year - YEARS_BACK, -1)]


def _keep(queryset, name, value):
    """Filters whose effect needs the computed cells; the view applies them."""
    return queryset


class ComplianceFilterSet(WagtailFilterSet):
    jahr = django_filters.ChoiceFilter(
        label="Bezugsjahr", choices=year_choices, method=_keep, empty_label=None,
        help_text="R24 prüft dieses Jahr und das Vorjahr, R12 den Jahresbericht des Vorjahres.",
    )
    fachgruppe = django_filters.ModelChoiceFilter(
        label="Fachgruppe", empty_label="Alle Fachgruppen",
        queryset=FachgruppePage.objects.order_by("title"),
        method=lambda queryset, name, value: queryset.filter(pk=value.pk),
    )
    regel = django_filters.ChoiceFilter(
        label="Regel", empty_label="Alle Regeln", method=_keep,
        choices=[(column.key, column.label) for column in RULE_COLUMNS],
    )
    ergebnis = django_filters.ChoiceFilter(
        label="Ergebnis", empty_label="Alle Ergebnisse", method=_keep,
        choices=[(status.value, status.label) for status in CHECKED],
        help_text="Ohne gewählte Regel zählt das schlechteste Ergebnis der Zeile.",
    )
    status = django_filters.ChoiceFilter(
        label="Status", empty_label="Alle", method=_keep,
        choices=[(standing.value, standing.label) for standing in GroupStanding],
        help_text="Antragsteller, anerkannte und ehemalige (aberkannte oder aufgelöste) Gruppen.",
    )
    seite = django_filters.ChoiceFilter(
        label="Seite", empty_label="Alle Seiten",
        choices=[("veroeffentlicht", "veröffentlicht"), ("entwurf", "nicht veröffentlicht")],
        method=lambda queryset, name, value: queryset.filter(live=value == "veroeffentlicht"),
    )

    class Meta:
        model = FachgruppePage
        fields = []


class StatusColumn(Column):
    """A traffic-light cell: colour, label and the reasons from the rule check.

    ``compact`` cells (the overview) fold their reasons away, so every rule fits on a
    1280-pixel screen; the group's own report shows them open.
    """

    cell_template_name = "workflow/compliance/status_cell.html"

    def __init__(self, *args, compact: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.compact = compact


def rule_column(key: str, heading: str) -> StatusColumn:
    return StatusColumn(key, label=heading, accessor=lambda row: row.cell(key), compact=True)


class ComplianceReportMixin(GermanSpreadsheetMixin):
    """Shared by both views: the reference year, today, the page template, German exports."""

    header_icon = "tasks"
    template_name = "workflow/compliance/report.html"
    paginate_by = 50

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    @cached_property
    def year(self) -> int:
        value = self.request.GET.get("jahr", "")
        allowed = {int(y) for y, _ in year_choices()}
        return int(value) if value.isdigit() and int(value) in allowed else self.today.year

    def get_filtered_queryset(self):
        # ReportView filters twice (here and in get_queryset); the cells are computed once.
        return self.get_queryset()


class ComplianceReportView(ComplianceReportMixin, ReportView):
    """Every Fachgruppe against every checkable rule, filterable and exportable."""

    page_title = "Kriterien-Check"
    sheet_title = "Kriterien-Check"
    index_url_name = "workflow_compliance:report"
    index_results_url_name = "workflow_compliance:report_results"
    filterset_class = ComplianceFilterSet
    results_template_name = "workflow/compliance/report_results.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_compliance_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return f"kriterien-check-{self.today:%Y-%m-%d}"

    def get_base_queryset(self):
        return FachgruppePage.objects.all().order_by("title")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        self.rows = compliance.build_rows(compliance.prepare(queryset), year=self.year, today=self.today)
        data = self.filters.form.cleaned_data if self.filters and self.filters.is_valid() else {}
        rule, result = data.get("regel"), data.get("ergebnis")
        if data.get("status"):
            self.rows = [row for row in self.rows if row.standing == data["status"]]
        if result:
            self.rows = [row for row in self.rows
                         if (row.cell(rule).status if rule else row.overall) == result]
        return self.rows

    @property
    def columns(self):
        return [
            TitleColumn("title", label="Fachgruppe", classname="om-check-group",
                        get_url=lambda row: reverse("workflow_compliance:group", args=[row.pk])),
            Column("standing", label="Status", classname="om-check-page",
                   accessor=lambda row: row.standing.label),
            Column("page_status", label="Seite", classname="om-check-page"),
            StatusColumn("gesamt", label="Gesamt", accessor=lambda row: row.overall_cell,
                         compact=True),
            *[rule_column(key, heading) for key, heading in compliance.headings(self.year)],
        ]

    # --- export ---------------------------------------------------------------------------

    @property
    def list_export(self) -> list[str]:
        fields = ["fachgruppe", "themenbereich", "seite", "gesamt", "status"]
        for key, _heading in compliance.headings(self.year):
            fields += [key, f"{key}-begruendung"]
        return fields

    @property
    def export_headings(self) -> dict[str, str]:
        headings = {"fachgruppe": "Fachgruppe", "themenbereich": "Themenbereich",
                    "seite": "Seite", "gesamt": "Gesamt", "status": "Status"}
        for key, heading in compliance.headings(self.year):
            headings[key] = heading
            headings[f"{key}-begruendung"] = f"{heading}: Begründung"
        return headings

    def to_row_dict(self, item: ComplianceRow) -> OrderedDict:
        row = OrderedDict(fachgruppe=item.title, themenbereich=item.fachgruppe.topic_area,
                          seite=item.page_status, gesamt=item.overall.label,
                          status=item.standing_label)
        for cell in item.cells:
            row[cell.key] = cell.label
            row[f"{cell.key}-begruendung"] = cell.explanation
        return row


class GroupFilterSet(WagtailFilterSet):
    jahr = ComplianceFilterSet.base_filters["jahr"]
    fassung = django_filters.ChoiceFilter(
        label="Fassung", empty_label=None, method=_keep,
        choices=[("veroeffentlicht", "veröffentlichte Fassung"), ("entwurf", "neuester Entwurf")],
        help_text="Der Entwurf zeigt, was eine Veröffentlichung oder ein Antrag (R1) ergäbe.",
    )

    class Meta:
        model = FachgruppePage
        fields = []


class GroupComplianceView(ComplianceReportMixin, ReportView):
    """One Fachgruppe's Kriterien-Check: one line per rule, linked from its admin page."""

    index_url_name = "workflow_compliance:group"
    index_results_url_name = "workflow_compliance:group_results"
    filterset_class = GroupFilterSet
    results_template_name = "workflow/compliance/group_results.html"
    paginate_by = None

    def dispatch(self, request, *args, **kwargs):
        self.fachgruppe = get_object_or_404(FachgruppePage, pk=kwargs["pk"])
        if not can_view_group_report(request.user, self.fachgruppe):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"Kriterien-Check: {self.fachgruppe.title}"

    @property
    def sheet_title(self) -> str:
        return f"Kriterien-Check {self.fachgruppe.title}"

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if can_view_compliance_report(self.request.user):
            items.append({"url": reverse("workflow_compliance:report"), "label": "Kriterien-Check"})
        return items + [{"url": "", "label": self.get_page_title()}]

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.fachgruppe.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.fachgruppe.pk])

    def get_filename(self) -> str:
        return f"kriterien-check-{self.fachgruppe.slug}-{self.today:%Y-%m-%d}"

    def get_base_queryset(self):
        return FachgruppePage.objects.filter(pk=self.fachgruppe.pk)

    @cached_property
    def draft(self) -> bool:
        return self.request.GET.get("fassung") == "entwurf"

    def filter_queryset(self, queryset):
        rows = compliance.build_rows(compliance.prepare(queryset), year=self.year, today=self.today,
                                     draft=self.draft)
        return rows[0].cells if rows else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fachgruppe"] = self.fachgruppe
        context["edit_url"] = reverse("wagtailadmin_pages:edit", args=[self.fachgruppe.pk])
        return context

    columns = [
        Column("heading", label="Regel"),
        StatusColumn("status", label="Ergebnis", accessor=lambda cell: cell),
    ]

    list_export = ["regel", "ergebnis", "begruendung"]
    export_headings = {"regel": "Regel", "ergebnis": "Ergebnis", "begruendung": "Begründung"}

    def to_row_dict(self, item: Cell) -> OrderedDict:
        return OrderedDict(regel=item.heading, ergebnis=item.label, begruendung=item.explanation)
