"""What the public sees of a Sitzung: date, place, public agenda, Protokoll, Beschlüsse (R19).

Public are the Sitzungen of the bodies and of Fachgruppen whose page a visitor may open
(planned and invited ones ahead, held and closed ones behind). Never public: a TOP's notes,
the online link, the attendees before the minutes, the comments, votes and checklist of a
decision, a draft Protokoll.

The title of an item under decision (a ``Vorgang``) is shown when it is public knowledge:
its page is publicly visible, the Sitzung chose ``public_agenda_titles``, or a body already
took a positive decision on it in a Sitzung (that Beschluss names it). Otherwise the public
reads only the kind ("Beratung einer Produktfreigabe") and the group, if the group's page is
public; a refusal or return of such an item names it no more than its agenda did.

``present(sitzungen)`` reads everything for any number of Sitzungen in a fixed number of
queries (the Sitzungen; their TOPs and their Einträge with the decisions on their items,
each only if there are any; the visibility of the pages they name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.models import Page

from om_pages.models import FachgruppePage, GremiumPage, MeetingKind
from om_pages.public import is_publicly_visible, publicly_visible_ids
from workflow.choices import Gremium, Kind, State
from workflow.querysets import PLANNED_STATES
from workflow.sitzung import Sitzung, Tagesordnungspunkt
from workflow.vorgang import Eintrag, Vorgang

#: Sitzungen ahead (``SitzungQuerySet.ahead``): their agenda is public; behind
#: (``held_before``): their Protokoll and Beschlüsse.
#: A step to one of these states refuses or returns the item: it makes no title public.
NEGATIVE_TARGETS = (State.ENTWURF, State.ABGELEHNT)
#: How many past Sitzungen a body's or group's page lists (all Protokolle stay listed there).
PAST_ON_PAGE = 20

#: "Beratung einer Produktfreigabe": the agenda line of an item whose title is not public.
CONSIDERATION = {
    Kind.PRODUKT: "Beratung einer Produktfreigabe",
    Kind.VERANSTALTUNG: "Beratung einer Veranstaltungsfreigabe",
    Kind.ANERKENNUNG: "Beratung eines Antrags auf Anerkennung einer Fachgruppe",
}


@dataclass(frozen=True)
class Subject:
    """The item a TOP or Beschluss is about, as far as the public may know it."""

    kind: str
    title: str = ""  # empty: not public
    page: Page | None = None  # set only when a visitor may open it
    group: str = ""  # "Fachgruppe …", when the group's page is public and it is not the item


@dataclass(frozen=True)
class PublicTop:
    number: int
    title: str
    subject: Subject | None = None  # set for a TOP about a Vorgang


@dataclass(frozen=True)
class Beschluss:
    top_number: int | None
    label: str
    subject: Subject


@dataclass
class PublicSitzung:
    sitzung: Sitzung
    upcoming: bool
    place: str
    agenda: list[PublicTop] = field(default_factory=list)
    beschluesse: list[Beschluss] = field(default_factory=list)
    protokoll: Page | None = None  # only a live, publicly visible Protokoll


def place_of(sitzung: Sitzung) -> str:
    """The place, or "online": the link to an online Sitzung is for the members only."""
    location = sitzung.location.strip()
    if sitzung.meeting_kind == MeetingKind.PRAESENZ:
        return location
    if sitzung.meeting_kind == MeetingKind.HYBRID:
        return f"{location} und online" if location else "online"
    return "online"


def owner_page(sitzung: Sitzung) -> Page | None:
    """The public page the Sitzung belongs to: its Fachgruppe's, or its body's GremiumPage."""
    if sitzung.gremium == Gremium.FACHGRUPPE:
        return sitzung.fachgruppe
    return GremiumPage.objects.filter(kind=sitzung.gremium).first()


def is_public(owner: Page | None) -> bool:
    """May a visitor see this Sitzung? Only when its body's or group's page is public (R19)."""
    return owner is not None and is_publicly_visible(owner)


def sitzungen_of(page: Page) -> tuple[list[Sitzung], list[Sitzung]]:
    """(upcoming, past) Sitzungen of a body's or group's page, soonest and newest first.

    One query for both lists (the newest ``PAST_ON_PAGE`` past ones).
    """
    if isinstance(page, GremiumPage):
        queryset = Sitzung.objects.of_body(page.kind)
    elif isinstance(page, FachgruppePage):
        queryset = Sitzung.objects.of_body(Gremium.FACHGRUPPE, page)
    else:
        return [], []
    now = timezone.now()
    past = queryset.held_before(now).values("pk")[:PAST_ON_PAGE]
    ahead = queryset.ahead(now).values("pk")
    both = with_relations(queryset.filter(Q(pk__in=ahead) | Q(pk__in=past)))
    upcoming = sorted((s for s in both if s.starts_at >= now), key=lambda s: (s.starts_at, s.pk))
    behind = sorted((s for s in both if s.starts_at < now), key=lambda s: (s.starts_at, s.pk),
                    reverse=True)
    return upcoming, behind


def with_relations(queryset):
    """The Sitzungen with their group and Protokoll, and whether they have TOPs and Einträge
    (so that ``present`` asks for those only when there are any)."""
    return (queryset.select_related("fachgruppe", "protokoll")
            .annotate(has_tops=Exists(Tagesordnungspunkt.objects.filter(sitzung=OuterRef("pk"))),
                      has_entries=Exists(Eintrag.objects.filter(sitzung=OuterRef("pk")))))


def tops_of(sitzungen: list[Sitzung]) -> dict[int, list[Tagesordnungspunkt]]:
    """The TOPs of each Sitzung in their order, with their Vorgänge: one query, or none."""
    tops: dict[int, list[Tagesordnungspunkt]] = {}
    with_tops = [s.pk for s in sitzungen if s.has_tops]
    if with_tops:
        for top in (Tagesordnungspunkt.objects.filter(sitzung__in=with_tops)
                    .select_related("vorgang__page", "vorgang__group_page")
                    .order_by("sort_order", "pk")):
            tops.setdefault(top.sitzung_id, []).append(top)
    return tops


def present(sitzungen: Iterable[Sitzung]) -> list[PublicSitzung]:
    """The public view of each Sitzung (fetched ``with_relations``); a fixed number of queries."""
    sitzungen = list(sitzungen)
    if not sitzungen:
        return []
    tops = tops_of(sitzungen)
    top_vorgaenge = {top.vorgang_id for items in tops.values() for top in items if top.vorgang_id}
    recorded = []
    if top_vorgaenge or any(s.has_entries for s in sitzungen):
        # one query: the Beschlüsse of these Sitzungen and every decision on their items
        recorded = list(
            Eintrag.objects.filter(Q(sitzung__in=sitzungen)
                                   | Q(vorgang__in=top_vorgaenge, sitzung__isnull=False))
            .select_related("vorgang__page", "vorgang__group_page", "tagesordnungspunkt")
            .order_by("tagesordnungspunkt__sort_order", "created_at", "pk"))
    decided = {e.vorgang_id for e in recorded if e.target not in NEGATIVE_TARGETS}
    ids = {s.pk for s in sitzungen}
    entries = [e for e in recorded if e.sitzung_id in ids]
    vorgaenge = {top.vorgang for items in tops.values() for top in items if top.vorgang_id}
    vorgaenge |= {entry.vorgang for entry in entries}
    pages = [s.protokoll for s in sitzungen] + [v.page for v in vorgaenge] \
        + [v.group_page for v in vorgaenge]
    visible = publicly_visible_ids(pages)
    by_sitzung: dict[int, list[Eintrag]] = {}
    for entry in entries:
        by_sitzung.setdefault(entry.sitzung_id, []).append(entry)
    now = timezone.now()
    result = []
    for sitzung in sitzungen:
        subject = partial(subject_of, sitzung=sitzung, visible=visible, decided=decided)
        upcoming = sitzung.state in PLANNED_STATES and sitzung.starts_at >= now
        result.append(PublicSitzung(
            sitzung=sitzung, upcoming=upcoming, place=place_of(sitzung),
            agenda=[public_top(top, subject) for top in tops.get(sitzung.pk, [])],
            beschluesse=[
                Beschluss(entry.tagesordnungspunkt.number if entry.tagesordnungspunkt_id
                          else None, entry.label, subject(entry.vorgang))
                for entry in by_sitzung.get(sitzung.pk, [])],
            protokoll=sitzung.protokoll if sitzung.protokoll_id in visible else None,
        ))
    return result


def subject_of(vorgang: Vorgang, sitzung: Sitzung, visible: set[int],
               decided: set[int]) -> Subject:
    """What the public may know of ``vorgang`` in ``sitzung`` (R19, see the module's text)."""
    page = vorgang.page if vorgang.page_id in visible else None
    group = ""
    if (vorgang.group_page_id in visible and vorgang.group_page_id != vorgang.page_id):
        group = group_label(vorgang.group_page.title)
    kind = vorgang.get_kind_display()
    if page is not None:
        return Subject(kind, page.title, page, group)
    if sitzung.public_agenda_titles or vorgang.pk in decided:
        return Subject(kind, vorgang.page_title, None, group)
    return Subject(kind, "", None, group)


def group_label(title: str) -> str:
    """"Fachgruppe Digitalisierung" from either "Digitalisierung" or the full page title."""
    return title if title.startswith("Fachgruppe") else f"Fachgruppe {title}"


def public_top(top: Tagesordnungspunkt, subject) -> PublicTop:
    """A TOP as the public reads it: free and standing items by their title; an item under
    decision by its title only when that is public knowledge; never the TOP's notes."""
    if top.vorgang_id is None:
        return PublicTop(top.number, top.title)
    about = subject(top.vorgang)
    if about.title:
        return PublicTop(top.number, top.title, about)
    return PublicTop(top.number, CONSIDERATION.get(top.vorgang.kind, "Beratung einer Vorlage"),
                     about)
