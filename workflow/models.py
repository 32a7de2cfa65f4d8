"""Approval chains as state machines outside the pages (DESIGN.md "Approval chains").

One *Vorgang* per approval, in one table; the three machines are proxy models that add
their transitions (django-fsm-2). State is never a page field: Wagtail rebuilds a page from a
revision's JSON when it publishes, which would overwrite it. A Vorgang points at the page
and at the **revision** that was submitted and decided (revision pinning).

Every transition leaves an ``Eintrag`` (who, when, from, to, comment, Protokoll, votes,
checklist) that can never be changed or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from workflow import guards
from workflow.digest import content_digest
from workflow.permissions import (
    Gremium,
    ag_transfer_permission,
    fachgruppe_permission,
    leitungskreis_permission,
    plenum_permission,
    redaktion_permission,
)


class Kind(models.TextChoices):
    ANERKENNUNG = "anerkennung", "Anerkennung einer Fachgruppe"
    PRODUKT = "produkt", "Produktfreigabe"
    VERANSTALTUNG = "veranstaltung", "Veranstaltungsfreigabe"


class State(models.TextChoices):
    """The states of all three machines (each machine uses its own subset)."""

    ENTWURF = "entwurf", "Entwurf"
    BEIM_LEITUNGSKREIS = "beim_leitungskreis", "Beim Leitungskreis"
    IN_AG_TRANSFER = "in_ag_transfer", "In der AG Transfer"
    IM_PLENUM = "im_plenum", "Im Plenum"
    ANERKANNT = "anerkannt", "Anerkannt"
    ABGELEHNT = "abgelehnt", "Abgelehnt"
    ABERKENNUNG_VORGESCHLAGEN = "aberkennung_vorgeschlagen", "Aberkennung vorgeschlagen"
    ABERKANNT = "aberkannt", "Aberkannt"
    AUFGELOEST = "aufgeloest", "Aufgelöst"
    BESCHLOSSEN = "beschlossen", "Beschlossen"
    VEROEFFENTLICHT = "veroeffentlicht", "Veröffentlicht"
    ZURUECKGEZOGEN = "zurueckgezogen", "Zurückgezogen"


S = State
G = Gremium

#: Who must act next, per machine and state (drives the listing filter, dashboard and e-mail).
AWAITING: dict[str, dict[str, str]] = {
    Kind.ANERKENNUNG: {
        S.ENTWURF: G.FACHGRUPPE, S.BEIM_LEITUNGSKREIS: G.LEITUNGSKREIS,
        S.IN_AG_TRANSFER: G.AG_TRANSFER, S.IM_PLENUM: G.PLENUM,
        S.ABERKENNUNG_VORGESCHLAGEN: G.PLENUM,
    },
    Kind.PRODUKT: {
        S.ENTWURF: G.FACHGRUPPE, S.IN_AG_TRANSFER: G.AG_TRANSFER, S.IM_PLENUM: G.PLENUM,
        S.BESCHLOSSEN: G.REDAKTION,
    },
    Kind.VERANSTALTUNG: {
        S.ENTWURF: G.FACHGRUPPE, S.IN_AG_TRANSFER: G.AG_TRANSFER, S.IM_PLENUM: G.PLENUM,
        S.BESCHLOSSEN: G.REDAKTION,
    },
}

#: States after which a new Vorgang is needed for the page.
FINAL_STATES = {S.ABGELEHNT, S.ABERKANNT, S.AUFGELOEST, S.VEROEFFENTLICHT, S.ZURUECKGEZOGEN}
#: States in which a pinned revision may be live (R10, R11).
APPROVED_STATES = (S.BESCHLOSSEN, S.VEROEFFENTLICHT)

#: The checklist the AG Transfer confirms when it approves a Produkt or Veranstaltung.
CHECKLIST: dict[str, str] = {
    "R6": "Im Konsens der Partner der OM und der Fachgruppe erarbeitet (R6).",
    "R8": "Wirbt nicht für kommerzielle Produkte oder Dienstleistungen (R8).",
    "R9": "Steht nicht in Konkurrenz zu Angeboten der Partner (R9).",
    "R15": "Baut keine Förderstrukturen auf, die mit der Stiftung der OM konkurrieren (R15).",
    "R23": "Die Fachgruppe handelt in eigener Verantwortung innerhalb dieses Rahmens (R23).",
}


def step(label: str, actor: str, *, protokoll: str | None = None, votes: bool = False,
         approves: bool | None = None, checklist: bool = False, reasons: bool = False,
         notify: tuple[str, ...] = (), final: bool = False) -> dict:
    """The ``custom`` data of a transition: what the form asks and the record stores.

    ``final`` steps end the Vorgang for good: the menu puts them apart and the form asks
    for an explicit confirmation.
    """
    return {"label": label, "actor": actor, "protokoll": protokoll, "votes": votes,
            "approves": approves, "checklist": checklist, "reasons": reasons, "notify": notify,
            "final": final}


def _local(moment) -> str:
    """'29.11.2026, 14:26' in the OM's time zone (Europe/Berlin), never UTC (issue 15)."""
    return date_format(timezone.localtime(moment), "d.m.Y, H:i") if moment else ""


class Vorgang(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One approval of one page; the machine is chosen by ``kind`` (proxy classes below)."""

    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    state = FSMField("Stand", default=State.ENTWURF, choices=State.choices, protected=True)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="Seite", null=True, on_delete=models.SET_NULL,
        related_name="vorgaenge",
    )
    page_title = models.CharField("Titel", max_length=255, blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name="Beratener Stand (Revision)", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text="Die eingereichte und beschlossene Revision; nur sie wird veröffentlicht.",
    )
    revision_digest = models.CharField(
        "Prüfsumme des eingereichten Stands", max_length=64, blank=True,
        help_text="SHA-256 des eingereichten Inhalts; vor dem Veröffentlichen geprüft (R10, R11).",
    )
    awaiting = models.CharField("Wartet auf", max_length=20, choices=Gremium.choices, blank=True)
    group_page = models.ForeignKey(
        "om_pages.FachgruppePage", verbose_name="Fachgruppe", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text="Die Fachgruppe, um die es geht (für Listen und Filter festgehalten).",
    )
    submitted_at = models.DateTimeField("Eingereicht am", null=True, blank=True)
    waiting_since = models.DateTimeField("Wartet seit", null=True, blank=True)
    created_at = models.DateTimeField("Angelegt", default=timezone.now)
    updated_at = models.DateTimeField("Zuletzt geändert", auto_now=True)

    KIND: str = ""

    class Meta:
        verbose_name = "Vorgang"
        verbose_name_plural = "Vorgänge"
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["kind", "state"]), models.Index(fields=["awaiting"])]

    def __init__(self, *args, **kwargs) -> None:
        if not args and self.KIND:
            kwargs.setdefault("kind", self.KIND)
        super().__init__(*args, **kwargs)
        machine = MACHINES.get(self.kind)
        if machine is not None and type(self) is not machine:
            self.__class__ = machine  # a Vorgang loaded from the table acts as its machine

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.page_title or self.page}"

    def save(self, *args, **kwargs) -> None:
        self.awaiting = AWAITING.get(self.kind, {}).get(self.state, "")
        if self.page_id and self.group_page_id is None:
            self.group_page_id = self.fachgruppe.pk
        if self.waiting_since is None:
            self.waiting_since = self.created_at
        if self.revision_id and not self.revision_digest:
            self.revision_digest = content_digest(self.revision)  # pinned when first stored
        if self.page_id and not self.page_title:
            self.page_title = self.page.title
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Vorgänge sind Teil der Akte und werden nicht gelöscht.")

    # --- what the Vorgang is about ----------------------------------------------------------

    @property
    def submitted_at_local(self) -> str:
        """Eingereicht am (local time)."""
        return _local(self.submitted_at)

    @property
    def waiting_since_local(self) -> str:
        """Wartet seit (local time)."""
        return _local(self.waiting_since)

    @property
    def awaiting_label(self) -> str:
        """Who acts next; "Fachgruppe" names the group (issue 15)."""
        if self.awaiting == Gremium.FACHGRUPPE and self.group_page_id:
            return self.group_page.title
        return self.get_awaiting_display()

    @property
    def fachgruppe(self):
        """The FachgruppePage the Vorgang belongs to."""
        if self.page_id is None:
            return None
        page = self.page.specific
        if self.kind == Kind.ANERKENNUNG:
            return page
        return page.get_parent().specific

    def submitted_object(self):
        """The content under review: the pinned revision, or the page's latest draft before."""
        if self.revision_id is not None and self.state != S.ENTWURF:
            return self.revision.as_object()
        from wagtail.models import Page

        return Page.objects.get(pk=self.page_id).specific.get_latest_revision_as_object()

    def pin_revision(self) -> None:
        """Record the revision being submitted and its digest: what is decided is what is published.

        From now on the revision is frozen (``workflow.freeze``): edits make new revisions.
        """
        from wagtail.models import Page

        page = Page.objects.get(pk=self.page_id).specific
        revision = page.latest_revision or page.save_revision()
        self.revision = revision
        self.revision_digest = content_digest(revision)
        self.submitted_at = timezone.now()

    @classmethod
    def transitions(cls) -> list:
        """Every transition of this machine, in declaration order, as django-fsm objects."""
        seen, result = set(), []
        for t in cls._meta.get_field("state").get_all_transitions(cls):
            if t.name not in seen:
                seen.add(t.name)
                result.append(t)
        return sorted(result, key=lambda t: TRANSITION_ORDER.get(t.name, 99))

    @classmethod
    def transition_meta(cls, name: str):
        for t in cls._meta.get_field("state").get_all_transitions(cls):
            if t.name == name:
                return t
        return None

    def entries(self):
        return self.eintraege.order_by("created_at", "pk")


TRANSITION_ORDER = {name: i for i, name in enumerate([
    "beantragen", "einreichen", "ohne_zustimmung_freigeben", "lk_weiterleiten",
    "lk_zurueckverweisen", "ag_vorschlagen", "ag_zurueckverweisen", "ag_zustimmen",
    "ag_an_plenum_verweisen", "ag_ablehnen", "plenum_anerkennen", "plenum_beschliessen",
    "plenum_zustimmen", "plenum_ablehnen", "veroeffentlichen", "zurueckziehen",
    "aberkennung_vorschlagen", "plenum_aberkennen", "plenum_aberkennung_ablehnen",
    "aufloesung_bekanntgeben",
])}

AG, PL = "ag_transfer", "plenum"  # GremiumKind values of the deciding Protokoll


class Anerkennung(Vorgang):
    """R1 recognition, R22 withdrawal, R21 dissolution of a Fachgruppe."""

    KIND = Kind.ANERKENNUNG

    class Meta:
        proxy = True
        verbose_name = "Anerkennung"
        verbose_name_plural = "Anerkennungen"

    @transition(field="state", source=S.ENTWURF, target=S.BEIM_LEITUNGSKREIS,
                conditions=[guards.application_ok], permission=fachgruppe_permission,
                custom=step("Anerkennung beantragen", G.FACHGRUPPE, notify=(G.LEITUNGSKREIS,)))
    def beantragen(self, **decision) -> None:
        """R1: the group applies to the Leitungskreis; R2-R5, R17 must hold."""
        self.pin_revision()

    @transition(field="state", source=S.BEIM_LEITUNGSKREIS, target=S.IN_AG_TRANSFER,
                conditions=[guards.revision_intact], permission=leitungskreis_permission,
                custom=step("In der AG Transfer vorstellen", G.LEITUNGSKREIS, notify=(G.AG_TRANSFER,)))
    def lk_weiterleiten(self, **decision) -> None:
        """R1: the application is presented in the AG Transfer."""

    @transition(field="state", source=S.BEIM_LEITUNGSKREIS, target=S.ENTWURF,
                permission=leitungskreis_permission,
                custom=step("Zur Überarbeitung zurückgeben", G.LEITUNGSKREIS, reasons=True))
    def lk_zurueckverweisen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.IM_PLENUM,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=step("Dem Plenum zur Anerkennung vorschlagen", G.AG_TRANSFER, protokoll=AG,
                            notify=(G.PLENUM, G.LEITUNGSKREIS)))
    def ag_vorschlagen(self, **decision) -> None:
        """R1: on the proposal of AG Transfer and Leitungskreis the group goes to the Plenum."""

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.ENTWURF,
                permission=ag_transfer_permission,
                custom=step("Zur Überarbeitung zurückgeben", G.AG_TRANSFER, protokoll=AG, reasons=True))
    def ag_zurueckverweisen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IM_PLENUM, target=S.ANERKANNT,
                conditions=[guards.revision_intact], permission=plenum_permission,
                custom=step("Anerkennen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=True))
    def plenum_anerkennen(self, **decision) -> None:
        """R1 recognition; R19: the group gets its own access and collection."""
        from workflow.access import grant_access

        grant_access(self.fachgruppe)

    @transition(field="state", source=S.IM_PLENUM, target=S.ABGELEHNT,
                permission=plenum_permission,
                custom=step("Ablehnen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=False, reasons=True))
    def plenum_ablehnen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.ANERKANNT, target=S.ABERKENNUNG_VORGESCHLAGEN,
                permission=leitungskreis_permission,
                custom=step("Aberkennung vorschlagen", G.LEITUNGSKREIS, reasons=True,
                            notify=(G.PLENUM,)))
    def aberkennung_vorschlagen(self, **decision) -> None:
        """R22: only on the Leitungskreis' proposal."""

    @transition(field="state", source=S.ABERKENNUNG_VORGESCHLAGEN, target=S.ABERKANNT,
                permission=plenum_permission,
                custom=step("Aberkennen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=True, reasons=True, notify=(G.LEITUNGSKREIS,)))
    def plenum_aberkennen(self, **decision) -> None:
        """R22: the Plenum withdraws the name; R19: editing ends, pages and records stay."""
        from workflow.access import revoke_access

        revoke_access(self.fachgruppe)

    @transition(field="state", source=S.ABERKENNUNG_VORGESCHLAGEN, target=S.ANERKANNT,
                permission=plenum_permission,
                custom=step("Aberkennung ablehnen (Plenumsbeschluss)", G.PLENUM, protokoll=PL,
                            votes=True, approves=False, notify=(G.LEITUNGSKREIS,)))
    def plenum_aberkennung_ablehnen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.ANERKANNT, target=S.AUFGELOEST,
                permission=ag_transfer_permission,
                custom=step("Auflösung bekanntgeben", G.AG_TRANSFER, protokoll=AG,
                            notify=(G.PLENUM,)))
    def aufloesung_bekanntgeben(self, **decision) -> None:
        """R21: dissolution is announced in the AG Transfer; the Plenum is informed by e-mail."""
        from workflow.access import revoke_access

        revoke_access(self.fachgruppe)


class _Freigabe:
    """Steps shared by Produkt- and Veranstaltungsfreigabe: publish the decision, withdraw."""

    @transition(field="state", source=S.BESCHLOSSEN, target=S.VEROEFFENTLICHT,
                conditions=[guards.revision_decided], permission=redaktion_permission,
                custom=step("Beschlossenen Stand veröffentlichen", G.REDAKTION))
    def veroeffentlichen(self, user=None, **decision) -> None:
        """R11/R10: the Redaktion publishes exactly the decided revision."""
        self.revision.publish(user=user, skip_permission_checks=True)

    @transition(field="state", source=[S.ENTWURF, S.IN_AG_TRANSFER, S.IM_PLENUM, S.BESCHLOSSEN],
                target=S.ZURUECKGEZOGEN, permission=fachgruppe_permission,
                custom=step("Zurückziehen", G.FACHGRUPPE, reasons=True, final=True))
    def zurueckziehen(self, **decision) -> None:
        pass


class Produktfreigabe(_Freigabe, Vorgang):
    """R11: products are decided in the AG Transfer and in the Plenum."""

    KIND = Kind.PRODUKT

    class Meta:
        proxy = True
        verbose_name = "Produktfreigabe"
        verbose_name_plural = "Produktfreigaben"

    @transition(field="state", source=S.ENTWURF, target=S.IN_AG_TRANSFER,
                conditions=[guards.fachgruppe_recognised], permission=fachgruppe_permission,
                custom=step("Zur Beratung in der AG Transfer einreichen", G.FACHGRUPPE,
                            notify=(G.AG_TRANSFER,)))
    def einreichen(self, **decision) -> None:
        self.pin_revision()

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.IM_PLENUM,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=step("Zustimmen und dem Plenum vorlegen", G.AG_TRANSFER, protokoll=AG,
                            checklist=True, notify=(G.PLENUM,)))
    def ag_zustimmen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.ENTWURF,
                permission=ag_transfer_permission,
                custom=step("Ablehnen (zurück an die Fachgruppe)", G.AG_TRANSFER, protokoll=AG,
                            reasons=True))
    def ag_ablehnen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IM_PLENUM, target=S.BESCHLOSSEN,
                conditions=[guards.revision_intact], permission=plenum_permission,
                custom=step("Beschließen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=True, notify=(G.REDAKTION,)))
    def plenum_beschliessen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IM_PLENUM, target=S.ENTWURF,
                permission=plenum_permission,
                custom=step("Ablehnen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=False, reasons=True))
    def plenum_ablehnen(self, **decision) -> None:
        pass


class Veranstaltungsfreigabe(_Freigabe, Vorgang):
    """R10: consent of the AG Transfer, and of the Plenum where the AG Transfer says so."""

    KIND = Kind.VERANSTALTUNG

    class Meta:
        proxy = True
        verbose_name = "Veranstaltungsfreigabe"
        verbose_name_plural = "Veranstaltungsfreigaben"

    @transition(field="state", source=S.ENTWURF, target=S.IN_AG_TRANSFER,
                conditions=[guards.needs_consent], permission=fachgruppe_permission,
                custom=step("Zur Zustimmung in der AG Transfer einreichen", G.FACHGRUPPE,
                            notify=(G.AG_TRANSFER,)))
    def einreichen(self, **decision) -> None:
        self.pin_revision()

    @transition(field="state", source=S.ENTWURF, target=S.BESCHLOSSEN,
                conditions=[guards.consent_exempt], permission=fachgruppe_permission,
                custom=step("Ohne Zustimmung freigeben (Erprobungsworkshop, R10)", G.FACHGRUPPE,
                            notify=(G.REDAKTION,)))
    def ohne_zustimmung_freigeben(self, **decision) -> None:
        """R10: workshops for development and testing need no consent."""
        self.pin_revision()

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.BESCHLOSSEN,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=step("Zustimmen (ohne Plenum)", G.AG_TRANSFER, protokoll=AG, checklist=True,
                            notify=(G.REDAKTION,)))
    def ag_zustimmen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.IM_PLENUM,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=step("Zustimmen und dem Plenum vorlegen", G.AG_TRANSFER, protokoll=AG,
                            checklist=True, notify=(G.PLENUM,)))
    def ag_an_plenum_verweisen(self, **decision) -> None:
        """R10: the AG Transfer says where the Plenum's consent is needed too."""

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.ENTWURF,
                permission=ag_transfer_permission,
                custom=step("Ablehnen (zurück an die Fachgruppe)", G.AG_TRANSFER, protokoll=AG,
                            reasons=True))
    def ag_ablehnen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IM_PLENUM, target=S.BESCHLOSSEN,
                conditions=[guards.revision_intact], permission=plenum_permission,
                custom=step("Zustimmen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=True, notify=(G.REDAKTION,)))
    def plenum_zustimmen(self, **decision) -> None:
        pass

    @transition(field="state", source=S.IM_PLENUM, target=S.ENTWURF,
                permission=plenum_permission,
                custom=step("Ablehnen (Plenumsbeschluss)", G.PLENUM, protokoll=PL, votes=True,
                            approves=False, reasons=True))
    def plenum_ablehnen(self, **decision) -> None:
        pass


MACHINES: dict[str, type[Vorgang]] = {
    Kind.ANERKENNUNG: Anerkennung,
    Kind.PRODUKT: Produktfreigabe,
    Kind.VERANSTALTUNG: Veranstaltungsfreigabe,
}


def is_recognised(fachgruppe) -> bool:
    """R1: the group's latest Anerkennung stands at 'anerkannt' (or a withdrawal is pending)."""
    latest = (Vorgang.objects.filter(kind=Kind.ANERKENNUNG, page_id=fachgruppe.pk)
              .order_by("-created_at", "-pk").first())
    return latest is not None and latest.state in (S.ANERKANNT, S.ABERKENNUNG_VORGESCHLAGEN)


class EintragQuerySet(models.QuerySet):
    """The record is append-only: no bulk update or delete either."""

    def update(self, **kwargs):
        raise PermissionDenied("Einträge der Akte können nicht geändert werden.")

    def delete(self):
        raise PermissionDenied("Einträge der Akte können nicht gelöscht werden.")


class Eintrag(models.Model):
    """One transition of a Vorgang: the record of a decision (never edited, never deleted)."""

    vorgang = models.ForeignKey(Vorgang, verbose_name="Vorgang", on_delete=models.PROTECT,
                                related_name="eintraege")
    transition = models.CharField("Schritt", max_length=50)
    label = models.CharField("Bezeichnung", max_length=255)
    source = models.CharField("Von", max_length=50, choices=State.choices)
    target = models.CharField("Nach", max_length=50, choices=State.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Person", null=True,
                             on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField("Name", max_length=255, blank=True)
    created_at = models.DateTimeField("Zeitpunkt", default=timezone.now)
    comment = models.TextField("Kommentar / Begründung", blank=True)
    protokoll = models.ForeignKey("om_pages.ProtokollPage", verbose_name="Protokoll", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", verbose_name="Revision", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    revision_number = models.PositiveIntegerField("Revisions-ID", null=True, blank=True)
    revision_digest = models.CharField("Prüfsumme des beratenen Stands", max_length=64, blank=True)
    votes_yes = models.PositiveIntegerField("Ja-Stimmen", null=True, blank=True)
    votes_no = models.PositiveIntegerField("Nein-Stimmen", null=True, blank=True)
    votes_abstain = models.PositiveIntegerField("Enthaltungen", null=True, blank=True)
    checklist = models.JSONField("Bestätigte Kriterien", default=dict, blank=True)

    objects = EintragQuerySet.as_manager()

    class Meta:
        verbose_name = "Eintrag"
        verbose_name_plural = "Einträge"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_source_display()} → {self.get_target_display()})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionDenied("Einträge der Akte können nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Einträge der Akte können nicht gelöscht werden.")

    @property
    def has_votes(self) -> bool:
        return self.votes_yes is not None


class FachgruppeZugang(models.Model):
    """R19: the Wagtail group and document collection of a recognised Fachgruppe."""

    fachgruppe = models.OneToOneField("om_pages.FachgruppePage", verbose_name="Fachgruppe",
                                      on_delete=models.CASCADE, related_name="zugang")
    group = models.ForeignKey("auth.Group", verbose_name="Gruppe", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    collection = models.ForeignKey("wagtailcore.Collection", verbose_name="Sammlung", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField("Bearbeitung erlaubt", default=True)

    class Meta:
        verbose_name = "Zugang einer Fachgruppe"
        verbose_name_plural = "Zugänge der Fachgruppen"

    def __str__(self) -> str:
        return f"Zugang {self.fachgruppe}"
