"""The proposed agenda of a body's next Sitzung: what awaits it, plus the standing items (R18).

One TOP for every Vorgang awaiting the body, the one waiting longest first; a Vorgang not
decided in a Sitzung still awaits the body and is proposed again for the next one. Standing
items: approval of the last minutes, the reports and coordination of the Fachgruppen (AG
Transfer only, R18), any other business. The Schriftführung then reorders, adds and removes.
"""

from __future__ import annotations

from workflow.choices import Gremium
from workflow.sitzung import Sitzung, Tagesordnungspunkt, TopKind
from workflow.vorgang import Vorgang


def vorgang_title(vorgang: Vorgang) -> str:
    """„Produktfreigabe: Leitfaden … (Fachgruppe Gefährdungsbeurteilung)“."""
    group = vorgang.group_page.title if vorgang.group_page_id else ""
    title = f"{vorgang.get_kind_display()}: {vorgang.page_title}"
    if group and group != vorgang.page_title:
        title += f" ({group})"
    return title[:255]


def proposed_items(sitzung: Sitzung) -> list[Tagesordnungspunkt]:
    """The unsaved TOPs proposed for ``sitzung``, in order."""
    items = []
    if sitzung.previous() is not None:
        items.append(Tagesordnungspunkt(kind=TopKind.PROTOKOLL, title=TopKind.PROTOKOLL.label))
    if sitzung.gremium == Gremium.AG_TRANSFER:
        items.append(Tagesordnungspunkt(kind=TopKind.BERICHTE, title=TopKind.BERICHTE.label))
    if sitzung.gremium != Gremium.FACHGRUPPE:
        for vorgang in Vorgang.objects.awaiting_body(sitzung.gremium).select_related("group_page"):
            items.append(Tagesordnungspunkt(kind=TopKind.VORGANG, vorgang=vorgang,
                                            title=vorgang_title(vorgang)))
    items.append(Tagesordnungspunkt(kind=TopKind.VERSCHIEDENES, title=TopKind.VERSCHIEDENES.label))
    return items


def propose_agenda(sitzung: Sitzung) -> list[Tagesordnungspunkt]:
    """Store the proposed agenda on a Sitzung that has none yet; returns its TOPs."""
    if sitzung.tops.exists():
        return list(sitzung.agenda())
    items = proposed_items(sitzung)
    for number, item in enumerate(items):
        item.sitzung = sitzung
        item.sort_order = number
    Tagesordnungspunkt.objects.bulk_create(items)
    return list(sitzung.agenda())
