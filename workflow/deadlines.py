"""When a waiting step is due: one computation for the panel, the list and ``om_notify`` (issue 16).

A Vorgang waits for a body since ``waiting_since``; the step is due after the body's days
for the machine (``OM_DUE_DAYS``), or earlier at the body's next Sitzung after it began to
wait, if the body decides in Sitzungen (``OM_DUE_AT_NEXT_SITZUNG``: AG Transfer, Plenum).
A Fachgruppe's own draft has no due date. Bulk-friendly: ``next_sitzungen`` loads the
Sitzungen of all Vorgänge at once, ``due_date`` then queries nothing.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from workflow.choices import FINAL_STATES, Gremium, Kind
from workflow.sitzung import Sitzung

#: Days until a waiting step is due, per body and machine (overridden by ``OM_DUE_DAYS``).
DEFAULT_DUE_DAYS: dict[str, dict[str, int]] = {
    Gremium.LEITUNGSKREIS: dict.fromkeys(Kind.values, 28),
    Gremium.AG_TRANSFER: dict.fromkeys(Kind.values, 42),
    Gremium.PLENUM: dict.fromkeys(Kind.values, 42),
    Gremium.REDAKTION: dict.fromkeys(Kind.values, 7),
}
#: Bodies whose step is due at their next Sitzung (at most the days above).
DEFAULT_DUE_AT_NEXT_SITZUNG = (Gremium.AG_TRANSFER, Gremium.PLENUM)

NextSitzungen = dict[str, list[datetime.datetime]]


def due_days(gremium: str, kind: str) -> int | None:
    """The setting's days for the body and machine; None: no due date (a group's own draft)."""
    configured = getattr(settings, "OM_DUE_DAYS", None) or DEFAULT_DUE_DAYS
    return (configured.get(gremium) or {}).get(kind)


def due_at_sitzung() -> tuple[str, ...]:
    return tuple(getattr(settings, "OM_DUE_AT_NEXT_SITZUNG", DEFAULT_DUE_AT_NEXT_SITZUNG))


def next_sitzungen(vorgaenge: Iterable | None = None) -> NextSitzungen:
    """Per body, the starts of its Sitzungen (sorted) from the earliest ``waiting_since`` on; one
    query. Held Sitzungen count too: a step the Sitzung after its start did not decide is late."""
    items = list(vorgaenge) if vorgaenge is not None else None
    bodies = due_at_sitzung()
    starts: NextSitzungen = {body: [] for body in bodies}
    queryset = Sitzung.objects.filter(gremium__in=bodies)
    if items is not None:
        since = [v.waiting_since for v in items if v.waiting_since and v.awaiting in bodies]
        if not since:
            return starts
        queryset = queryset.filter(starts_at__gt=min(since))
    for gremium, start in queryset.order_by("starts_at").values_list("gremium", "starts_at"):
        starts[gremium].append(start)
    return starts


def due_date(vorgang, next_sitzungen: NextSitzungen) -> datetime.date | None:
    """The local date the Vorgang's waiting step is due, or None (no step, or no deadline)."""
    if vorgang.state in FINAL_STATES or not vorgang.awaiting or vorgang.waiting_since is None:
        return None
    days = due_days(vorgang.awaiting, vorgang.kind)
    if days is None:
        return None
    latest = vorgang.waiting_since + datetime.timedelta(days=days)
    starts = next_sitzungen.get(vorgang.awaiting) or []
    index = bisect.bisect_right(starts, vorgang.waiting_since)
    if vorgang.awaiting in due_at_sitzung() and index < len(starts) and starts[index] < latest:
        latest = starts[index]
    return timezone.localtime(latest).date()


@dataclass(frozen=True)
class Due:
    """A due date as the lists show it: „fällig am 12.03.2027“ or „überfällig seit 12.03.2027“."""

    date: datetime.date | None
    today: datetime.date

    @property
    def overdue(self) -> bool:
        return self.date is not None and self.date < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.date).days if self.overdue else 0

    def __str__(self) -> str:
        if self.date is None:
            return ""
        shown = self.date.strftime("%d.%m.%Y")
        if self.overdue:
            return f"überfällig seit {shown}"
        return "fällig heute" if self.date == self.today else f"fällig am {shown}"


def annotate_due(vorgaenge: Iterable, today: datetime.date | None = None) -> list:
    """Set ``vorgang.due`` (a ``Due``) on each Vorgang; one query for all of them."""
    items = list(vorgaenge)
    starts = next_sitzungen(items)
    today = today or timezone.localdate()
    for vorgang in items:
        vorgang.due = Due(due_date(vorgang, starts), today)
    return items
