"""What the rule checks receive, loaded from the database (R12, R17, R24).

``workflow.rules`` is pure: each check gets the group and the facts it judges and queries
nothing. These lookups load those facts, for one group (a guard, a form) or for many at once
(the Kriterien-Check, ``workflow.compliance``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from om_pages.models import FachgruppePage, JahresberichtPage
from workflow.choices import Gremium
from workflow.sitzung import Sitzung
from workflow.vorgang import Vorgang


def active_fachgruppen() -> Iterable[FachgruppePage]:
    """R17: the groups that hold a topic (``VorgangQuerySet.fachgruppen_holding_topics``)."""
    return Vorgang.objects.fachgruppen_holding_topics()


def held_meeting_dates(fachgruppen: Iterable[FachgruppePage]) -> dict[int, tuple[datetime.date, ...]]:
    """R24: per group (page id), the dates (Europe/Berlin) of its held Sitzungen with a published
    Protokoll, oldest first; one query."""
    ids = [group.pk for group in fachgruppen]
    dates: dict[int, list[datetime.date]] = {pk: [] for pk in ids}
    rows = (Sitzung.objects.filter(gremium=Gremium.FACHGRUPPE, fachgruppe_id__in=ids)
            .held_with_minutes().order_by("starts_at").values_list("fachgruppe_id", "starts_at"))
    for pk, start in rows:
        dates[pk].append(timezone.localtime(start).date())
    return {pk: tuple(days) for pk, days in dates.items()}


def yearly_reports(fachgruppen: Iterable[FachgruppePage]) -> dict[int, tuple[tuple[int, bool], ...]]:
    """R12: per group (page id), its Jahresberichte as (year, live); one query."""
    groups = list(fachgruppen)
    reports: dict[int, list[tuple[int, bool]]] = {group.pk: [] for group in groups}
    if not groups:
        return {}
    condition = Q(pk__in=[])
    for group in groups:
        condition |= Q(path__startswith=group.path, depth=group.depth + 1)
    owners = {group.path: group.pk for group in groups}
    for path, year, live in JahresberichtPage.objects.filter(condition).values_list(
            "path", "year", "live"):
        reports[owners[path[:-JahresberichtPage.steplen]]].append((year, live))
    return {pk: tuple(rows) for pk, rows in reports.items()}
