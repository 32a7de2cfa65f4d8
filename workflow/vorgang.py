"""What the approval chains store: the ``Vorgang``, its ``Eintrag`` record, a group's access.

One *Vorgang* per approval, in one table; the three machines (``workflow.machines``) are
proxy models that add their transitions (django-fsm-2). State is never a page field: Wagtail
rebuilds a page from a revision's JSON when it publishes, which would overwrite it. A Vorgang
points at the page and at the **revision** that was submitted and decided (revision pinning,
R10, R11).

Every transition leaves an ``Eintrag`` (who, when, from, to, comment, Sitzung and TOP,
votes, checklist) that can never be changed or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin
from wagtail.models import Page

from workflow.choices import AWAITING, TRANSITION_ORDER, Gremium, Kind, State
from workflow.digest import content_digest
from workflow.querysets import EintragQuerySet, VorgangQuerySet

#: The machine of each kind, filled by ``workflow.machines`` as it defines them.
MACHINES: dict[str, type[Vorgang]] = {}


def _local(moment) -> str:
    """'29.11.2026, 14:26' in the OM's time zone (Europe/Berlin), never UTC."""
    return date_format(timezone.localtime(moment), "d.m.Y, H:i") if moment else ""


class Vorgang(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One approval of one page; the machine is chosen by ``kind`` (``workflow.machines``)."""

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

    objects = VorgangQuerySet.as_manager()

    KIND: str = ""

    class Meta:
        app_label = "workflow"
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
        """Who acts next; "Fachgruppe" names the group, so its members recognise their own."""
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
        if self.revision_id is not None and self.state != State.ENTWURF:
            return self.revision.as_object()
        return Page.objects.get(pk=self.page_id).specific.get_latest_revision_as_object()

    def pin_revision(self) -> None:
        """Record the revision being submitted and its digest: what is decided is what is published.

        From now on the revision is frozen (``workflow.freeze``): edits make new revisions.
        """
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


def is_recognised(fachgruppe) -> bool:
    """R1: the group's latest Anerkennung stands at 'anerkannt' (or a withdrawal is pending)."""
    return Vorgang.objects.is_recognised(fachgruppe)


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
    sitzung = models.ForeignKey("workflow.Sitzung", verbose_name="Sitzung", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="eintraege")
    tagesordnungspunkt = models.ForeignKey(
        "workflow.Tagesordnungspunkt", verbose_name="Tagesordnungspunkt", null=True, blank=True,
        on_delete=models.PROTECT, related_name="eintraege")
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
        app_label = "workflow"
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

    @property
    def minutes_protokoll(self):
        """The Protokoll that records the decision: its Sitzung's, or (older records) the one cited."""
        if self.sitzung_id and self.sitzung.protokoll_id:
            return self.sitzung.protokoll
        return self.protokoll


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
        app_label = "workflow"
        verbose_name = "Zugang einer Fachgruppe"
        verbose_name_plural = "Zugänge der Fachgruppen"

    def __str__(self) -> str:
        return f"Zugang {self.fachgruppe}"
