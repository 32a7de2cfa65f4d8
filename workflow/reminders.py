"""What ``om_notify`` sends today (issue 16): reminders of due steps and of a group's duties.

A waiting step (``workflow.deadlines``) earns three mails, each once per step: to the body
``OM_REMIND_DAYS_BEFORE`` days before due („vorher“), to the body when due („faellig“), and
to the Leitungskreis ``OM_ESCALATE_DAYS`` after („eskalation“). A step is one Eintrag: when
the Vorgang moves on, the next step's reminders start afresh. From ``OM_DUTIES_REMIND_FROM``
on, a recognised group's contacts hear of its yearly report (R12) and second meeting (R24),
once per group and year. All lookups are bulk: a handful of queries for any number of items.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from workflow.choices import FINAL_STATES, Gremium
from workflow.deadlines import Due, annotate_due
from workflow.mailing import Mail
from workflow.notifications import body_emails, fachgruppe_emails
from workflow.rule_inputs import yearly_reports
from workflow.rules import MIN_MEETINGS_PER_YEAR
from workflow.sitzung import Sitzung
from workflow.vorgang import Eintrag, Vorgang

PLAN_SITZUNG_PATH = "/admin/sitzungen/new/"


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def waiting_vorgaenge() -> list[Vorgang]:
    """Open Vorgänge waiting for a body, each with the id of the Eintrag that began its step."""
    step = Eintrag.objects.filter(vorgang_id=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    return list(Vorgang.objects.exclude(state__in=FINAL_STATES).exclude(awaiting="")
                .exclude(page=None).annotate(step_entry_id=Subquery(step)).order_by("waiting_since", "pk"))


def step_kinds(due: Due) -> list[str]:
    """Which of the three mails are due today for a step with this due date."""
    if due.date is None:
        return []
    before = due.date - datetime.timedelta(days=settings.OM_REMIND_DAYS_BEFORE)
    if due.today < before:
        return []
    if due.today < due.date:
        return ["vorher"]
    kinds = ["faellig"]
    if due.days_overdue >= settings.OM_ESCALATE_DAYS:
        kinds.append("eskalation")
    return kinds


def step_mail(vorgang: Vorgang, kind: str, to: list[str]) -> Mail:
    due = vorgang.due
    shown = f"{due.date:%d.%m.%Y}"
    body = vorgang.get_awaiting_display()
    title = f"„{vorgang.page_title}“ ({vorgang.get_kind_display()}, {vorgang.get_state_display()})"
    since = f"{timezone.localtime(vorgang.waiting_since):%d.%m.%Y}"
    if kind == "vorher":
        subject = f"[OM] Erinnerung: {vorgang.page_title} – fällig am {shown}"
        text = [f"der Vorgang {title} wartet seit {since} auf {body}. Er ist am {shown} fällig."]
    elif kind == "faellig":
        subject = f"[OM] Fällig: {vorgang.page_title} – {due}"
        text = [f"der Vorgang {title} wartet seit {since} auf {body} und ist {due}.",
                "Bitte setzen Sie ihn auf die Tagesordnung der nächsten Sitzung oder entscheiden Sie."]
    else:
        subject = f"[OM] Überfällig seit {due.days_overdue} Tagen: {vorgang.page_title}"
        text = [f"der Vorgang {title} wartet seit {since} auf {body} und ist {due} "
                f"({due.days_overdue} Tage).",
                "Der Leitungskreis wird hiermit informiert, damit die Entscheidung nicht liegen bleibt."]
    return Mail(key=f"erinnerung:{vorgang.pk}:{vorgang.step_entry_id or 0}:{kind}", kind=kind, to=to,
                subject=subject, paragraphs=text, vorgang_id=vorgang.pk,
                fachgruppe_id=vorgang.group_page_id,
                link=f"{base_url()}/admin/vorgaenge/inspect/{vorgang.pk}/", link_text="Zum Vorgang")


def step_reminders(today: datetime.date | None = None) -> Iterator[Mail]:
    """The reminders of waiting steps due today (before, when due, escalated to the Leitungskreis)."""
    addresses: dict[str, list[str]] = {}

    def of_body(gremium: str) -> list[str]:
        if gremium not in addresses:
            addresses[gremium] = sorted(body_emails(gremium)) if gremium != Gremium.FACHGRUPPE else []
        return addresses[gremium]

    for vorgang in annotate_due(waiting_vorgaenge(), today):
        for kind in step_kinds(vorgang.due):
            to = of_body(Gremium.LEITUNGSKREIS if kind == "eskalation" else vorgang.awaiting)
            if to:
                yield step_mail(vorgang, kind, to)


def duties_due(today: datetime.date) -> bool:
    month, day = settings.OM_DUTIES_REMIND_FROM
    return today >= datetime.date(today.year, month, day)


def meetings_in_year(groups, year: int) -> dict[int, int]:
    """R24: per group, its Sitzungen held or planned in ``year``; one query."""
    rows = (Sitzung.objects.filter(gremium=Gremium.FACHGRUPPE, fachgruppe__in=groups,
                                   starts_at__year=year)
            .values("fachgruppe_id").annotate(n=Count("pk")).values_list("fachgruppe_id", "n"))
    return dict(rows)


def duty_reminders(today: datetime.date | None = None) -> Iterator[Mail]:
    """R12, R24: before the year ends, each recognised group hears what is still missing."""
    today = today or timezone.localdate()
    if not duties_due(today):
        return
    year = today.year
    groups = list(Vorgang.objects.recognised_fachgruppen())
    reports = yearly_reports(groups)
    meetings = meetings_in_year(groups, year)
    for group in groups:
        to = sorted(fachgruppe_emails(group))
        if not to:
            continue
        if not any(live for report_year, live in reports.get(group.pk, ()) if report_year == year):
            yield Mail(
                key=f"pflicht:jahresbericht:{group.pk}:{year}", kind="jahresbericht", to=to,
                subject=f"[OM] Jahresbericht {year} der Fachgruppe {group.title}",
                paragraphs=[f"die Fachgruppe „{group.title}“ berichtet dem Plenum jährlich über ihre "
                            f"Arbeit (R12). Für {year} ist noch kein Jahresbericht veröffentlicht.",
                            "Bitte legen Sie ihn unter der Seite der Fachgruppe an und veröffentlichen "
                            "Sie ihn vor dem Jahresende."],
                link=f"{base_url()}/admin/pages/{group.pk}/", link_text="Zur Seite der Fachgruppe",
                fachgruppe_id=group.pk)
        count = meetings.get(group.pk, 0)
        if count < MIN_MEETINGS_PER_YEAR:
            yield Mail(
                key=f"pflicht:sitzungen:{group.pk}:{year}", kind="sitzungen", to=to,
                subject=f"[OM] Sitzungen {year} der Fachgruppe {group.title}",
                paragraphs=[f"eine Fachgruppe tagt mindestens {MIN_MEETINGS_PER_YEAR}-mal im Jahr (R24). "
                            f"Für „{group.title}“ sind {year} bisher {count} Sitzung(en) gehalten "
                            "oder geplant.",
                            "Bitte planen Sie die nächste Sitzung noch in diesem Jahr."],
                link=f"{base_url()}{PLAN_SITZUNG_PATH}", link_text="Sitzung planen",
                fachgruppe_id=group.pk)


def due_mails(today: datetime.date | None = None) -> list[Mail]:
    """Everything ``om_notify`` would send today, sent or not."""
    return [*step_reminders(today), *duty_reminders(today)]
