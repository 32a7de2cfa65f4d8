"""The public status of Fachgruppen, answered for om_pages' hook point (R1, R21, R22, R26).

Registered from ``WorkflowConfig.ready`` with ``om_pages.extension.register_group_status``:
om_pages lists and shows groups, the workflow knows their Anerkennung. For any number of
groups it costs two queries: the Anerkennungen of all of them (the newest decides), and the
record entries that ended the ended ones (their date: the day of the deciding Sitzung).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from om_pages.extension import GroupStatus
from workflow.choices import RECOGNISED_STATES, Kind, State
from workflow.vorgang import Eintrag, Vorgang

#: Latest Anerkennung state → public status of a group that was recognised once.
ENDED = {State.ABERKANNT: GroupStatus.WITHDRAWN, State.AUFGELOEST: GroupStatus.DISSOLVED}


def public_group_statuses(fachgruppen: Iterable) -> dict[int, GroupStatus]:
    """R26: recognised while the latest Anerkennung is recognised; R22 withdrawn and R21 dissolved
    with the date of the decision; otherwise (no Anerkennung, pending, refused) never recognised."""
    ids = [group.pk for group in fachgruppen]
    latest: dict[int, tuple[int, str]] = {}
    rows = (Vorgang.objects.filter(kind=Kind.ANERKENNUNG, page_id__in=ids).newest_first()
            .values_list("page_id", "pk", "state"))
    for page_id, pk, state in rows:
        latest.setdefault(page_id, (pk, state))
    ended = {pk: state for pk, state in latest.values() if state in ENDED}
    dates: dict[int, datetime.date] = {}
    entries = (Eintrag.objects.filter(vorgang_id__in=ended, target__in=list(ENDED))
               .select_related("sitzung").order_by("created_at", "pk"))
    for entry in entries:
        if entry.target == ended[entry.vorgang_id]:
            dates[entry.vorgang_id] = decision_date(entry)
    statuses = {}
    for page_id in ids:
        pk, state = latest.get(page_id, (None, None))
        if state in RECOGNISED_STATES:
            statuses[page_id] = GroupStatus(GroupStatus.RECOGNISED)
        elif state in ENDED:
            statuses[page_id] = GroupStatus(ENDED[state], dates.get(pk))
        else:
            statuses[page_id] = GroupStatus(GroupStatus.NEVER)
    return statuses


def decision_date(entry: Eintrag) -> datetime.date:
    """The day of the Sitzung that decided (R22: the Plenum's), else the day it was recorded."""
    moment = entry.sitzung.starts_at if entry.sitzung_id else entry.created_at
    return timezone.localtime(moment).date()
