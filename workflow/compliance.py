"""The Kriterien-Check: every Fachgruppe against every checkable rule, as coloured cells.

Pure assembly: each cell runs one check of ``workflow/rules.py`` (the rules are written once,
DESIGN.md) and turns its findings into a traffic light — no findings is green („erfüllt“),
only warnings amber, any error red. Nothing here writes to the database; the admin report
(``workflow/compliance_views.py``) and its CSV/XLSX export show what this module builds.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch

from om_pages.extension import GroupStatus
from om_pages.models import FachgruppeMember, FachgruppePage
from workflow import rule_inputs, rules
from workflow.group_status import public_group_statuses
from workflow.rules import Finding, Severity


class Status(StrEnum):
    """A cell's colour; the order of ``SEVERITY_ORDER`` says which one wins in a row."""

    NOT_CHECKED = "none"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {Status.NOT_CHECKED: "—", Status.GREEN: "erfüllt", Status.AMBER: "Hinweis",
                 Status.RED: "nicht erfüllt"}
#: A former group's cells are not checked (R21, R22): they never make a row red.
SEVERITY_ORDER = (Status.NOT_CHECKED, Status.GREEN, Status.AMBER, Status.RED)
#: The colours a check can give (the filter "Ergebnis").
CHECKED = (Status.GREEN, Status.AMBER, Status.RED)


class GroupStanding(StrEnum):
    """Where a group stands (R1, R21, R22): applicants, recognised and former groups apart."""

    APPLICANT = "antragsteller"
    RECOGNISED = "anerkannt"
    FORMER = "ehemalig"

    @property
    def label(self) -> str:
        return STANDING_LABELS[self]


STANDING_LABELS = {GroupStanding.APPLICANT: "Antragsteller", GroupStanding.RECOGNISED: "anerkannt",
                   GroupStanding.FORMER: "ehemalig"}


def standing_of(status: GroupStatus) -> GroupStanding:
    """Withdrawn (R22) and dissolved (R21) groups are former groups; never recognised: applicants."""
    if status.is_recognised:
        return GroupStanding.RECOGNISED
    if status.was_recognised:
        return GroupStanding.FORMER
    return GroupStanding.APPLICANT


def status_of(findings: Iterable[Finding]) -> Status:
    """No findings → green; only warnings → amber; any error → red."""
    findings = list(findings)
    if any(f.severity is Severity.ERROR for f in findings):
        return Status.RED
    if findings:
        return Status.AMBER
    return Status.GREEN


def worst(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=SEVERITY_ORDER.index, default=Status.GREEN)


@dataclass(frozen=True)
class Context:
    """What a check needs besides the group: the reference year, today, the other groups and
    (R24) the dates of each group's held Sitzungen with published minutes and (R12) its
    Jahresberichte, by page id, as ``build_rows`` loaded them for all groups at once
    (``workflow.rule_inputs``)."""

    year: int
    today: datetime.date
    live_groups: tuple[FachgruppePage, ...]
    meetings: Mapping[int, tuple[datetime.date, ...]] = field(default_factory=dict)
    reports: Mapping[int, tuple[tuple[int, bool], ...]] = field(default_factory=dict)

    def meetings_of(self, fachgruppe: FachgruppePage) -> tuple[datetime.date, ...]:
        """R24: the loaded dates, or the group's own lookup when they were not loaded."""
        if fachgruppe.pk in self.meetings:
            return self.meetings[fachgruppe.pk]
        return rule_inputs.held_meeting_dates([fachgruppe])[fachgruppe.pk]

    def reports_of(self, fachgruppe: FachgruppePage) -> tuple[tuple[int, bool], ...]:
        """R12: the loaded Jahresberichte (year, live), or the group's own lookup."""
        if fachgruppe.pk in self.reports:
            return self.reports[fachgruppe.pk]
        return rule_inputs.yearly_reports([fachgruppe])[fachgruppe.pk]


@dataclass(frozen=True)
class RuleColumn:
    """One column of the report: a key (filters, export), labels and the check it runs.

    ``heading`` may name ``{year}`` (the reference year) and ``{previous}`` (the year before);
    ``cite`` names what the check counted, shown with the cell whatever its colour (R24: the
    Sitzungen with their dates; R7: the partners won per year). ``running``: a duty of a
    recognised group (R7, R12, R24), not checked for an applicant, which cannot have met it yet.
    """

    key: str
    label: str
    heading: str
    run: Callable[[FachgruppePage, Context], list[Finding]]
    cite: Callable[[FachgruppePage, Context], str] | None = None
    running: bool = False

    def heading_for(self, year: int) -> str:
        return self.heading.format(year=year, previous=year - 1)


RULE_COLUMNS: tuple[RuleColumn, ...] = (
    RuleColumn("R2", "R2 Name zeigt Thema", "R2 Name zeigt Thema",
               lambda g, c: rules.check_r2_topic_in_name(g)),
    RuleColumn("R3", "R3 offen, keine Beiträge", "R3 offen, keine Beiträge",
               lambda g, c: rules.check_r3_open_no_fees(g)),
    RuleColumn("R4", "R4 drei Intermediäre", "R4 drei Intermediäre",
               lambda g, c: rules.check_r4_three_intermediaries(g)),
    RuleColumn("R5", "R5 zwei Ansprechpersonen", "R5 zwei Ansprechpersonen",
               lambda g, c: rules.check_r5_two_contacts(g)),
    RuleColumn("R17", "R17 eine Gruppe je Thema", "R17 eine Gruppe je Thema",
               lambda g, c: rules.check_r17_one_group_per_topic(g, others=c.live_groups)),
    RuleColumn("R12", "R12 Jahresbericht des Vorjahres", "R12 Jahresbericht {previous}",
               lambda g, c: rules.check_r12_yearly_report(g, c.year - 1, c.reports_of(g)),
               running=True),
    RuleColumn("R13", "R13 Partner in der OM", "R13 Partner in der OM",
               lambda g, c: rules.check_r13_partners_join(g)),
    RuleColumn("R7", "R7 neue Partner", "R7 neue Partner {previous}/{year}",
               lambda g, c: rules.check_r7_growth(g, c.year),
               cite=lambda g, c: rules.r7_evidence(g), running=True),
    RuleColumn("R24-vorjahr", "R24 Sitzungen im Vorjahr", "R24 Sitzungen {previous}",
               lambda g, c: rules.check_r24_meets_twice(g, c.year - 1, c.meetings_of(g),
                                                        today=c.today),
               cite=lambda g, c: rules.r24_evidence(c.meetings_of(g), c.year - 1), running=True),
    RuleColumn("R24-jahr", "R24 Sitzungen im Bezugsjahr", "R24 Sitzungen {year}",
               lambda g, c: rules.check_r24_meets_twice(g, c.year, c.meetings_of(g),
                                                        today=c.today),
               cite=lambda g, c: rules.r24_evidence(c.meetings_of(g), c.year), running=True),
)


@dataclass(frozen=True)
class Cell:
    """One rule for one group: its colour and the German reasons behind it."""

    key: str
    heading: str
    status: Status
    findings: tuple[Finding, ...]
    #: What the check counted, cited whatever the colour (R24: the Sitzungen and their dates).
    evidence: str = ""

    @property
    def reason(self) -> str:
        if not self.findings:
            return " ".join(filter(None, [STATUS_LABELS[Status.GREEN], self.evidence]))
        return self.explanation

    @property
    def explanation(self) -> str:
        """The reasons and the evidence, empty where there is nothing to explain (exports)."""
        return " ".join(filter(None, [*(f.message for f in self.findings), self.evidence]))

    @property
    def label(self) -> str:
        return self.status.label


@dataclass
class ComplianceRow:
    """A Fachgruppe's line in the report."""

    fachgruppe: FachgruppePage
    cells: list[Cell] = field(default_factory=list)
    standing: GroupStanding = GroupStanding.RECOGNISED
    #: When a former group's recognition ended (R21, R22).
    ended_on: datetime.date | None = None

    @property
    def standing_label(self) -> str:
        """"Antragsteller", "anerkannt" or "ehemalig (aufgelöst am …)"."""
        if self.standing is GroupStanding.FORMER and self.ended_on:
            return f"{self.standing.label} (seit {self.ended_on:%d.%m.%Y})"
        return self.standing.label

    @property
    def pk(self) -> int:
        return self.fachgruppe.pk

    @property
    def title(self) -> str:
        return self.fachgruppe.title

    @property
    def overall(self) -> Status:
        return worst(cell.status for cell in self.cells)

    @property
    def overall_cell(self) -> Cell:
        """The worst colour of the row; its reasons stand in the rule cells."""
        return Cell("gesamt", "Gesamt", self.overall, ())

    @property
    def page_status(self) -> str:
        return "veröffentlicht" if self.fachgruppe.live else "nicht veröffentlicht"

    def cell(self, key: str) -> Cell:
        return next(cell for cell in self.cells if cell.key == key)


def prepare(queryset) -> list[FachgruppePage]:
    """Load what the checks read in a fixed number of queries, however many groups there are."""
    members = FachgruppeMember.objects.select_related("organisation__parent")
    return list(
        queryset.select_related("koordination__organisation", "moderation__organisation")
        .prefetch_related(Prefetch("members", queryset=members))
    )


def version_to_check(fachgruppe: FachgruppePage, draft: bool = False) -> FachgruppePage:
    """The page as published, or its newest revision when asked for (``draft``) or when it was
    never published (an application, R1): Wagtail keeps a draft's edits only in revisions."""
    if (draft or not fachgruppe.live) and fachgruppe.has_unpublished_changes:
        return fachgruppe.get_latest_revision_as_object()
    return fachgruppe


def build_row(fachgruppe: FachgruppePage, context: Context,
              status: GroupStatus | None = None) -> ComplianceRow:
    """A former group's rules are not checked (R21, R22): its cells say "—", never red; an
    applicant is checked on what its application is decided on (R1: R2–R5, R13, R17), not yet
    on the duties of a recognised group (R7, R12, R24)."""
    standing = standing_of(status) if status else GroupStanding.RECOGNISED
    ended_on = status.date if status else None
    if standing is GroupStanding.FORMER:
        return ComplianceRow(fachgruppe, [
            Cell(column.key, column.heading_for(context.year), Status.NOT_CHECKED, ())
            for column in RULE_COLUMNS],
            standing, ended_on)
    cells = []
    for column in RULE_COLUMNS:
        if column.running and standing is GroupStanding.APPLICANT:
            cells.append(Cell(column.key, column.heading_for(context.year), Status.NOT_CHECKED, ()))
            continue
        findings = tuple(column.run(fachgruppe, context))
        evidence = column.cite(fachgruppe, context) if column.cite else ""
        cells.append(Cell(column.key, column.heading_for(context.year), status_of(findings),
                          findings, evidence))
    return ComplianceRow(fachgruppe, cells, standing, ended_on)


def build_rows(fachgruppen: Iterable[FachgruppePage], year: int | None = None,
               today: datetime.date | None = None, draft: bool = False) -> list[ComplianceRow]:
    """One row per group; ``year`` is the current calendar year of the check (default: today's);
    ``draft`` checks the newest revision of every group instead of the published version."""
    today = today or datetime.date.today()
    fachgruppen = list(fachgruppen)
    context = Context(year=year or today.year, today=today,
                      live_groups=tuple(rule_inputs.active_fachgruppen()),
                      meetings=rule_inputs.held_meeting_dates(fachgruppen),
                      reports=rule_inputs.yearly_reports(fachgruppen))
    statuses = public_group_statuses(fachgruppen)
    return [build_row(version_to_check(group, draft), context, statuses[group.pk])
            for group in fachgruppen]


def headings(year: int) -> list[tuple[str, str]]:
    """(key, heading) of every rule column for the reference ``year``."""
    return [(column.key, column.heading_for(year)) for column in RULE_COLUMNS]
