"""The OM's criteria as pure functions: one check per rule, each returning findings.

Written once and used twice (DESIGN.md): the approval chains run the application checks
as transition conditions (a failing ``error`` blocks, and the editor sees every reason at
once), and the Kriterien-Check report shows every check per Fachgruppe as a coloured cell.

Every check reads a ``FachgruppePage`` — a live page or the object of a revision under
review (``revision.as_object()``), so related inlines are read with ``.all()`` and filtered
in Python, which works for both. No check writes anything; the checks receive what they
check. The one lookup of Vorgänge, the groups holding a topic for R17, is the queryset's
(``VorgangQuerySet.fachgruppen_holding_topics``) and is only asked when the caller passes no
``others``; likewise R24's held Sitzungen with published minutes (``held_meeting_dates``)
when the caller passes no ``meetings``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from om_pages.models import FachgruppePage


class Severity(StrEnum):
    """How a finding counts: an error blocks a transition (red); a warning informs (amber)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One reason a rule is not (fully) met, in German, with its rule number."""

    rule: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


Check = Callable[[FachgruppePage], list[Finding]]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NAME_NOISE = {"fachgruppe", "fachgruppen", "offensive", "mittelstand", "der", "die", "das", "und",
               "im", "in", "fuer", "fur", "von", "zur", "zum", "om", "des", "den", "mit"}
#: Two words name the same topic when they share at least this many leading letters
#: ("Gesundheit" / "Gesundheitsmanagement"); shorter words must match as a whole prefix.
_SHARED_STEM = 6


def normalise(text: str) -> str:
    """Casefold and fold umlauts, so 'Fachkräfte' and 'Fachkraefte' compare equal."""
    return (text or "").casefold().translate(_UMLAUTS).strip()


def significant_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", normalise(text)) if len(w) >= 4 and w not in _NAME_NOISE]


def _words_match(a: str, b: str) -> bool:
    if a.startswith(b) or b.startswith(a):
        return True
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= _SHARED_STEM


# --- Application rules (R1 submission runs these) -------------------------------------------


def check_r2_topic_in_name(fachgruppe: FachgruppePage) -> list[Finding]:
    """R2: the topic must be recognisable in the group's name."""
    topic_words = significant_words(fachgruppe.topic_area)
    if not topic_words:
        return [Finding("R2", "Es ist kein Themenbereich angegeben.")]
    name_words = significant_words(fachgruppe.title)
    if any(_words_match(t, n) for t in topic_words for n in name_words):
        return []
    return [Finding("R2", f"Das Thema „{fachgruppe.topic_area}“ ist im Namen "
                          f"„{fachgruppe.title}“ nicht erkennbar.")]


def check_r3_open_no_fees(fachgruppe: FachgruppePage) -> list[Finding]:
    """R3: open to all partners; no mandatory membership fees."""
    findings = []
    if not fachgruppe.open_to_all_partners:
        findings.append(Finding("R3", "Die Fachgruppe ist nicht für alle Partner offen."))
    if fachgruppe.mandatory_fee:
        findings.append(Finding("R3", "Die Fachgruppe erhebt einen verpflichtenden Mitgliedsbeitrag."))
    return findings


MIN_INTERMEDIARIES = 3


def member_organisations(fachgruppe: FachgruppePage) -> list:
    return [member.organisation for member in fachgruppe.members.all() if member.organisation_id]


def check_r4_three_intermediaries(fachgruppe: FachgruppePage) -> list[Finding]:
    """R4: at least three intermediary organisations (D1) take part."""
    count = sum(1 for org in member_organisations(fachgruppe) if org.is_intermediary)
    if count >= MIN_INTERMEDIARIES:
        return []
    return [Finding("R4", f"Nur {count} intermediäre Organisation(en) beteiligt; "
                          f"mindestens {MIN_INTERMEDIARIES} sind erforderlich.")]


def check_r5_two_contacts(fachgruppe: FachgruppePage) -> list[Finding]:
    """R5: Koordination and Moderation named, two people, at least one from an intermediary."""
    koordination, moderation = fachgruppe.koordination, fachgruppe.moderation
    missing = [label for label, person in (("Koordination", koordination), ("Moderation", moderation))
               if person is None]
    if missing:
        return [Finding("R5", f"Es fehlt die Ansprechperson für: {', '.join(missing)}.")]
    if koordination.pk == moderation.pk:
        return [Finding("R5", "Koordination und Moderation müssen zwei verschiedene Personen sein.")]
    if not any(p.organisation is not None and p.organisation.is_intermediary
               for p in (koordination, moderation)):
        return [Finding("R5", "Mindestens eine Ansprechperson muss einer intermediären "
                              "Organisation angehören.")]
    return []


def check_r17_one_group_per_topic(fachgruppe: FachgruppePage,
                                  others: Iterable[FachgruppePage]) -> list[Finding]:
    """R17: only one Fachgruppe per topic area; an overlapping topic is worth a look (amber).
    ``others``: the groups that hold a topic (``rule_inputs.active_fachgruppen``)."""
    topic = normalise(fachgruppe.topic_area)
    findings = []
    for other in others:
        if other.pk == fachgruppe.pk:
            continue
        other_topic = normalise(other.topic_area)
        if other_topic == topic:
            findings.append(Finding("R17", f"Für den Themenbereich „{other.topic_area}“ gibt es "
                                           f"bereits die {other.title}."))
        elif topic and other_topic and (topic in other_topic or other_topic in topic):
            findings.append(Finding("R17", f"Der Themenbereich überschneidet sich mit "
                                           f"„{other.topic_area}“ ({other.title}).", Severity.WARNING))
    return findings


APPLICATION_CHECKS: tuple[Check, ...] = (
    check_r2_topic_in_name,
    check_r3_open_no_fees,
    check_r4_three_intermediaries,
    check_r5_two_contacts,
)


def check_application(fachgruppe: FachgruppePage,
                      others: Iterable[FachgruppePage]) -> list[Finding]:
    """All application rules at once, so the applicant sees every reason together (R1);
    ``others``: the groups that hold a topic (R17)."""
    return ([finding for check in APPLICATION_CHECKS for finding in check(fachgruppe)]
            + check_r17_one_group_per_topic(fachgruppe, others))


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.ERROR]


# --- Running a Fachgruppe (the compliance report) -------------------------------------------


def check_r12_yearly_report(fachgruppe: FachgruppePage, year: int,
                            reports: Iterable[tuple[int, bool]]) -> list[Finding]:
    """R12: a yearly report for ``year`` is published under the group. ``reports``: the group's
    Jahresberichte as (year, live) (``rule_inputs.yearly_reports``)."""
    of_year = [live for report_year, live in reports if report_year == year]
    if any(of_year):
        return []
    if of_year:
        return [Finding("R12", f"Der Jahresbericht {year} ist angelegt, aber nicht veröffentlicht.",
                        Severity.WARNING)]
    return [Finding("R12", f"Für {year} liegt kein Jahresbericht an das Plenum vor.")]


def check_r13_partners_join(fachgruppe: FachgruppePage) -> list[Finding]:
    """R13: member organisations should become OM partners (regional units of partners exempt)."""
    outside = [org.name for org in member_organisations(fachgruppe)
               if not org.is_om_partner and not org.is_regional_unit_of_partner]
    if not outside:
        return []
    return [Finding("R13", "Noch keine OM-Partner: " + ", ".join(sorted(outside)) + ".",
                    Severity.WARNING)]


MIN_MEETINGS_PER_YEAR = 2


def meetings_in(meetings: Iterable[datetime.date], year: int) -> list[datetime.date]:
    return sorted(day for day in meetings if day.year == year)


def r24_evidence(meetings: Iterable[datetime.date], year: int) -> str:
    """„Sitzungen mit Protokoll 2026: 12.03.2026, 24.09.2026“ (empty without any)."""
    days = meetings_in(meetings, year)
    if not days:
        return ""
    return f"Sitzungen mit Protokoll {year}: " + ", ".join(f"{day:%d.%m.%Y}" for day in days)


def check_r24_meets_twice(fachgruppe: FachgruppePage, year: int,
                          meetings: Iterable[datetime.date],
                          today: datetime.date | None = None) -> list[Finding]:
    """R24: at least two Sitzungen in the calendar year ``year`` that were held and whose
    Protokoll is published. ``meetings``: their dates (``rule_inputs.held_meeting_dates``)."""
    today = today or datetime.date.today()
    count = len(meetings_in(meetings, year))
    if count >= MIN_MEETINGS_PER_YEAR:
        return []
    message = f"{count} Protokoll(e) für {year}; mindestens {MIN_MEETINGS_PER_YEAR} Sitzungen im Jahr."
    severity = Severity.WARNING if year >= today.year else Severity.ERROR
    return [Finding("R24", message, severity)]


def partners_won_per_year(fachgruppe: FachgruppePage) -> dict[int, int]:
    """R7: how many member organisations joined in each calendar year (``joined_on``), oldest
    first; members without a Beitrittsdatum are not counted (``r7_evidence`` names them)."""
    years: dict[int, int] = {}
    for member in fachgruppe.members.all():
        if member.joined_on is not None:
            years[member.joined_on.year] = years.get(member.joined_on.year, 0) + 1
    return dict(sorted(years.items()))


def r7_evidence(fachgruppe: FachgruppePage) -> str:
    """„Neue Partner je Jahr: 2025: 2, 2026: 1; ohne Beitrittsdatum: 1“ (empty without members)."""
    per_year = partners_won_per_year(fachgruppe)
    undated = sum(1 for member in fachgruppe.members.all() if member.joined_on is None)
    parts = []
    if per_year:
        parts.append("Neue Partner je Jahr: " + ", ".join(f"{y}: {n}" for y, n in per_year.items()))
    if undated:
        parts.append(f"ohne Beitrittsdatum: {undated}")
    return "; ".join(parts)


def check_r7_growth(fachgruppe: FachgruppePage, year: int) -> list[Finding]:
    """R7: winning partners is part of the group's central task, not an admission criterion —
    so never red: a hint (amber) when no organisation joined in the reference year ``year`` or
    the year before (two years, so the check does not turn amber every January)."""
    per_year = partners_won_per_year(fachgruppe)
    if per_year.get(year, 0) or per_year.get(year - 1, 0):
        return []
    return [Finding("R7", f"Keine neuen Partner in {year - 1} und {year}; die Fachgruppe soll "
                          "weitere Organisationen ihres Themenbereichs als Partner gewinnen.",
                    Severity.WARNING)]
