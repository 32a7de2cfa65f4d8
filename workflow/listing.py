"""The Vorgänge listing and panel say whose item it is and how long it has waited.

Columns and filters of ``VorgangViewSet``: the Fachgruppe, the submission date, the waiting
time, who acts next (naming the group when it is the group's turn), all in local time
(Europe/Berlin). The Fachgruppe filter offers only groups whose Vorgänge the user may read,
so no applicant's draft name reaches another group (R19).
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn

from om_pages.models import FachgruppePage
from workflow.models import Kind, State, Vorgang
from workflow.permissions import Gremium
from workflow.review import readable_vorgaenge


def waited(vorgang: Vorgang, now=None) -> str:
    """How long the Vorgang has been waiting for its current step, in days."""
    if vorgang.waiting_since is None or vorgang.state in (State.VEROEFFENTLICHT, State.ZURUECKGEZOGEN,
                                                         State.ABGELEHNT, State.ABERKANNT,
                                                         State.AUFGELOEST):
        return ""
    days = ((now or timezone.now()) - vorgang.waiting_since).days
    return "seit heute" if days < 1 else ("1 Tag" if days == 1 else f"{days} Tage")


def readable_groups(request):
    """Filter choices: the Fachgruppen of Vorgänge the user may read."""
    if request is None:
        return FachgruppePage.objects.none()
    ids = readable_vorgaenge(request.user, Vorgang.objects.all()).values("group_page_id")
    return FachgruppePage.objects.filter(pk__in=ids).order_by("title")


class VorgangFilterSet(WagtailFilterSet):
    group_page = django_filters.ModelChoiceFilter(
        label="Fachgruppe", queryset=readable_groups, empty_label="Alle Fachgruppen")
    state = django_filters.ChoiceFilter(label="Stand", choices=State.choices)
    awaiting = django_filters.ChoiceFilter(label="Wartet auf", choices=Gremium.choices)
    kind = django_filters.ChoiceFilter(label="Art", choices=Kind.choices)

    class Meta:
        model = Vorgang
        fields = []


LIST_COLUMNS = [
    TitleColumn("page_title", label="Vorgang",
                get_url=lambda v: f"/admin/vorgaenge/inspect/{v.pk}/"),
    Column("group_page", label="Fachgruppe",
           accessor=lambda v: v.group_page.title if v.group_page_id else ""),
    Column("kind", label="Art", accessor="get_kind_display"),
    Column("state", label="Stand", accessor="get_state_display"),
    Column("awaiting", label="Wartet auf", accessor="awaiting_label"),
    Column("submitted_at", label="Eingereicht am", accessor="submitted_at_local"),
    Column("waiting_since", label="Wartet seit", accessor=waited),
    # issue 16: set by ``workflow.deadlines.annotate_due`` for the shown page, in one query
    Column("due", label="Fällig", accessor=lambda v: str(getattr(v, "due", ""))),
]
