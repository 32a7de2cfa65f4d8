"""Every lookup of Vorgänge, in one place: ``VorgangQuerySet`` (R1, R10, R11, R17, R19).

Below the models (``workflow.vorgang`` uses it as its manager) and above ``workflow.choices``;
rules, guards, publishing, services, status and views ask these methods instead of building
their own filters. ``self.model`` is the Vorgang model, so nothing here imports it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from om_pages.models import FachgruppePage, ProduktPage, VeranstaltungPage
from workflow.choices import (
    APPROVED_STATES,
    ENDED_STATES,
    FINAL_STATES,
    RECOGNISED_STATES,
    Kind,
    State,
)

#: The machine that decides each page type.
KIND_FOR_PAGE = {FachgruppePage: Kind.ANERKENNUNG, ProduktPage: Kind.PRODUKT,
                 VeranstaltungPage: Kind.VERANSTALTUNG}


def kind_for_page(page) -> str | None:
    return KIND_FOR_PAGE.get(type(page.specific))


class VorgangQuerySet(models.QuerySet):
    """Lookups by page, by group and by reader."""

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def of_page(self, page, kind: str | None = None):
        """The Vorgänge of one page (of its own kind, unless ``kind`` says otherwise)."""
        kind = kind or kind_for_page(page)
        return self.filter(kind=kind, page_id=page.pk)

    def latest_of_page(self, page, kind: str | None = None):
        """The page's newest Vorgang of its kind (also a finished one), or None."""
        if page.pk is None or (kind or kind_for_page(page)) is None:
            return None
        return self.of_page(page, kind).newest_first().first()

    def current_for(self, page):
        """The page's open Vorgang, or a new unsaved one in 'entwurf' (None for other page types).

        After a refusal or a published decision a new Vorgang starts; a group that was
        withdrawn (R22) or dissolved (R21) keeps its last Anerkennung: its record ends there.
        """
        page = page.specific
        kind = kind_for_page(page)
        if kind is None:
            return None
        latest = self.of_page(page, kind).newest_first().first()
        if latest is not None and latest.state not in FINAL_STATES:
            return latest
        if kind == Kind.ANERKENNUNG and latest is not None and latest.state != State.ABGELEHNT:
            return latest
        return self.model(kind=kind, page=page, page_title=page.title)

    def latest_anerkennung(self, fachgruppe):
        """R1: the group's newest Anerkennung, or None."""
        return self.filter(kind=Kind.ANERKENNUNG, page_id=fachgruppe.pk).newest_first().first()

    def is_recognised(self, fachgruppe) -> bool:
        """R1: the latest Anerkennung stands at 'anerkannt' (or a withdrawal is pending, R22)."""
        latest = self.latest_anerkennung(fachgruppe)
        return latest is not None and latest.state in RECOGNISED_STATES

    def approved_revision_ids(self, page_id: int) -> set[int]:
        """R10, R11: the pinned revisions of the page that were decided (may be live)."""
        return set(self.filter(page_id=page_id, state__in=APPROVED_STATES)
                   .exclude(revision_id=None).values_list("revision_id", flat=True))

    def fachgruppen_holding_topics(self):
        """R17: live Fachgruppen, except those whose latest recognition was refused, withdrawn
        (R22) or which dissolved (R21) — their topic is free again."""
        latest = (self.filter(kind=Kind.ANERKENNUNG, page_id=OuterRef("pk"))
                  .newest_first().values("state")[:1])
        return (FachgruppePage.objects.live().annotate(anerkennung_state=Subquery(latest))
                .filter(Q(anerkennung_state__isnull=True)
                        | Q(anerkennung_state__in=[s for s in State if s not in ENDED_STATES])))

    def recognised_fachgruppen(self):
        """R1: live Fachgruppen whose latest Anerkennung stands at 'anerkannt' (or a withdrawal is
        pending, R22); one query, Koordination and Moderation with them (their duties, R12, R24)."""
        latest = (self.filter(kind=Kind.ANERKENNUNG, page_id=OuterRef("pk"))
                  .newest_first().values("state")[:1])
        return (FachgruppePage.objects.live().annotate(anerkennung_state=Subquery(latest))
                .filter(anerkennung_state__in=RECOGNISED_STATES)
                .select_related("koordination", "moderation").order_by("title"))

    def open(self):
        """Submitted and not yet finished: a body still has to act (R10, R11, R19)."""
        return self.exclude(state__in=[*FINAL_STATES, State.ENTWURF])

    def pinning(self, revision_id: int):
        """The Vorgänge that pinned this revision (it is frozen, R10, R11)."""
        return self.filter(revision_id=revision_id)

    def under_decision_of(self, page, states):
        """The page's newest Vorgang in ``states`` with a pinned revision, or None."""
        return (self.filter(page_id=page.pk, state__in=states).exclude(revision=None)
                .select_related("revision", "revision__user").newest_first().first())

    def published_decision_of(self, page):
        """The Vorgang that published the page's live revision (R10, R11), or None."""
        return (self.filter(page_id=page.pk, revision_id=page.live_revision_id,
                            state=State.VEROEFFENTLICHT).order_by("-pk").first())

    def decided_before(self, vorgang, states):
        """The last Vorgang of the same page and kind decided before ``vorgang``, with another
        revision, or None (the baseline of a comparison)."""
        return (self.filter(page_id=vorgang.page_id, kind=vorgang.kind, state__in=states,
                            pk__lt=vorgang.pk)
                .exclude(revision=None).exclude(revision_id=vorgang.revision_id)
                .select_related("revision", "revision__user").order_by("-pk").first())

    def awaiting_body(self, gremium: str):
        """The Vorgänge a body has to decide, the one waiting longest first (agenda proposals)."""
        return (self.filter(awaiting=gremium).exclude(page=None)
                .order_by("waiting_since", "submitted_at", "pk"))

    def readable_by(self, user, bodies) -> models.QuerySet:
        """R19: everything for body members (``bodies``) and superusers, else the own groups'."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or bodies:
            return self
        condition = Q(pk__in=[])
        for group in own_fachgruppen(user).only("path", "depth"):
            condition |= Q(page_id=group.pk)
            condition |= Q(page__path__startswith=group.path, page__depth=group.depth + 1)
        return self.filter(condition)


def own_fachgruppen(user) -> models.QuerySet:
    """R19: the Fachgruppen the user belongs to, in one query: members of the group's Wagtail
    group, and its contact persons (R5), as ``permissions.is_fachgruppe_member`` decides for one."""
    return FachgruppePage.objects.filter(
        Q(zugang__group__in=user.groups.all()) | Q(koordination__user=user)
        | Q(moderation__user=user)).distinct()


#: ``SitzungState.GEHALTEN`` and ``ABGESCHLOSSEN`` (``workflow.sitzung`` imports this module).
HELD_STATES = ("gehalten", "abgeschlossen")
#: ``SitzungState.GEPLANT`` and ``EINGELADEN``: still to come (its agenda, not yet a Protokoll).
PLANNED_STATES = ("geplant", "eingeladen")


class SitzungQuerySet(models.QuerySet):
    """Lookups of Sitzungen by body, group and time (R18, R24)."""

    def of_body(self, gremium: str, fachgruppe=None):
        """The Sitzungen of a body, or of one Fachgruppe (``gremium`` "fachgruppe")."""
        queryset = self.filter(gremium=gremium)
        if fachgruppe is not None:
            queryset = queryset.filter(fachgruppe_id=fachgruppe.pk)
        return queryset

    def held_with_minutes(self):
        """R24: Sitzungen that were held (``gehalten`` or ``abgeschlossen``) and whose Protokoll
        is published; planned Sitzungen and draft Protokolle do not count."""
        return self.filter(state__in=HELD_STATES, protokoll__live=True)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def ahead(self, now=None):
        """Planned or invited and still to come: what the public pages and feeds announce."""
        return self.upcoming(now).filter(state__in=PLANNED_STATES)

    def held_before(self, now=None):
        """Held or closed, newest first: what has (or will have) its Protokoll."""
        return self.past(now).filter(state__in=HELD_STATES)


class EintragQuerySet(models.QuerySet):
    """The record is append-only: no bulk update or delete either."""

    def update(self, **kwargs):
        raise PermissionDenied("Einträge der Akte können nicht geändert werden.")

    def delete(self):
        raise PermissionDenied("Einträge der Akte können nicht gelöscht werden.")
