"""Sitzungen: the meetings in which the bodies and the Fachgruppen decide and keep minutes.

A ``Sitzung`` belongs to one body (Leitungskreis, AG Transfer, Plenum) or to one Fachgruppe.
Its state runs planned → invited → held → closed; it is closed when its Protokoll is
published. Its agenda is a list of ``Tagesordnungspunkt`` (TOP) rows, edited inline with the
Sitzung (a ``ClusterableModel``, like a page's inline panels); a TOP may stand for a
``Vorgang`` awaiting the body, and the decision recorded on that Vorgang names the TOP
(R1, R10, R11). Each Sitzung has at most one ``ProtokollPage``, and every Protokoll belongs
to a Sitzung (R19, R24).

The Sitzung is a model with an admin viewset, not a page: it is a working record of the
bodies (state, invitations, agenda with links to Vorgänge) rather than published content;
its public face is its Protokoll page and the lists on the body's and group's pages.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import FSMField, transition
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from om_pages.models import MeetingKind
from workflow.choices import Gremium
from workflow.permissions import may_run_sitzung
from workflow.querysets import SitzungQuerySet


class SitzungState(models.TextChoices):
    GEPLANT = "geplant", "Geplant"
    EINGELADEN = "eingeladen", "Eingeladen"
    GEHALTEN = "gehalten", "Gehalten"
    ABGESCHLOSSEN = "abgeschlossen", "Abgeschlossen (Protokoll veröffentlicht)"


class TopKind(models.TextChoices):
    VORGANG = "vorgang", "Vorlage zur Entscheidung"
    PROTOKOLL = "protokoll", "Genehmigung des Protokolls der letzten Sitzung"
    BERICHTE = "berichte", "Berichte und Abstimmung der Fachgruppen (R18)"
    VERSCHIEDENES = "verschiedenes", "Verschiedenes"
    FREI = "frei", "Weiterer Punkt"


#: The bodies that meet (a Fachgruppe meets too, R24); the Redaktion does not.
MEETING_BODIES = (Gremium.LEITUNGSKREIS, Gremium.AG_TRANSFER, Gremium.PLENUM, Gremium.FACHGRUPPE)


class Sitzung(ClusterableModel):
    """One meeting of a body or a Fachgruppe (R18, R24), with its agenda and its Protokoll."""

    gremium = models.CharField(
        "Gremium", max_length=20,
        choices=[(g.value, g.label) for g in MEETING_BODIES],
    )
    fachgruppe = models.ForeignKey(
        "om_pages.FachgruppePage", verbose_name="Fachgruppe", null=True, blank=True,
        on_delete=models.CASCADE, related_name="sitzungen",
        help_text="Nur bei Sitzungen einer Fachgruppe.",
    )
    starts_at = models.DateTimeField("Beginn")
    ends_at = models.DateTimeField("Ende", null=True, blank=True)
    meeting_kind = models.CharField("Art der Sitzung", max_length=16, choices=MeetingKind.choices,
                                    default=MeetingKind.PRAESENZ)
    location = models.CharField("Ort", max_length=255, blank=True)
    online_url = models.URLField("Link zur Online-Sitzung", blank=True)
    state = FSMField("Stand", default=SitzungState.GEPLANT, choices=SitzungState.choices,
                     protected=True)
    attendees = models.TextField("Teilnehmende", blank=True, help_text="Eine Person je Zeile.")
    public_agenda_titles = models.BooleanField(
        "Titel offener Vorlagen öffentlich zeigen", default=False,
        help_text="Sonst zeigt die öffentliche Tagesordnung bei noch nicht entschiedenen, "
                  "unveröffentlichten Vorlagen nur „Beratung einer Vorlage“ (R19).",
    )
    protokoll = models.OneToOneField(
        "om_pages.ProtokollPage", verbose_name="Protokoll", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="sitzung",
    )
    uid = models.UUIDField("Kalender-UID", default=uuid.uuid4, editable=False, unique=True)
    invited_at = models.DateTimeField("Eingeladen am", null=True, blank=True, editable=False)
    invitation_sequence = models.PositiveIntegerField("Fassung der Einladung", default=0,
                                                      editable=False)
    created_at = models.DateTimeField("Angelegt", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("Zuletzt geändert", auto_now=True)

    objects = SitzungQuerySet.as_manager()

    class Meta:
        app_label = "workflow"
        verbose_name = "Sitzung"
        verbose_name_plural = "Sitzungen"
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["gremium", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(gremium=Gremium.FACHGRUPPE, fachgruppe__isnull=False)
                           | (~models.Q(gremium=Gremium.FACHGRUPPE) & models.Q(fachgruppe__isnull=True))),
                name="sitzung_fachgruppe_iff_group_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Sitzung {self.body_name} am {self.starts_at_local}"

    def delete(self, *args, **kwargs):
        if self.eintraege.exists() or self.protokoll_id:
            raise PermissionDenied("Eine Sitzung mit Beschlüssen oder Protokoll ist Teil der Akte "
                                   "und wird nicht gelöscht.")
        return super().delete(*args, **kwargs)

    @property
    def body_name(self) -> str:
        """„der AG Transfer“-style name for sentences: the body, or the Fachgruppe's title."""
        if self.gremium == Gremium.FACHGRUPPE and self.fachgruppe_id:
            title = self.fachgruppe.title  # usually „Fachgruppe …“ already
            return f"der {title}" if title.startswith("Fachgruppe ") else f"der Fachgruppe {title}"
        return {Gremium.LEITUNGSKREIS: "des Leitungskreises", Gremium.PLENUM: "des Plenums"}.get(
            self.gremium, f"der {self.get_gremium_display()}")

    @property
    def starts_at_local(self) -> str:
        """'12.01.2027, 10:00' in Europe/Berlin."""
        return date_format(timezone.localtime(self.starts_at), "d.m.Y, H:i")

    @property
    def date_local(self) -> str:
        return date_format(timezone.localtime(self.starts_at), "d.m.Y")

    @property
    def has_taken_place(self) -> bool:
        return self.starts_at <= timezone.now()

    # --- the Sitzung's own steps (django-fsm-2; the caller saves) ------------------------------

    @transition(field="state", source=[SitzungState.GEPLANT, SitzungState.EINGELADEN],
                target=SitzungState.EINGELADEN, permission=may_run_sitzung)
    def einladen(self, user=None) -> None:
        """The invitation (or, once invited, its update) goes out; recorded with its sequence."""
        self.invited_at = timezone.now()
        self.invitation_sequence += 1

    @transition(field="state", source=[SitzungState.GEPLANT, SitzungState.EINGELADEN],
                target=SitzungState.GEHALTEN, conditions=[lambda s: s.has_taken_place],
                permission=may_run_sitzung)
    def als_gehalten_vermerken(self, user=None) -> None:
        """The Sitzung took place; its decisions can now be recorded."""

    @transition(field="state", source=[SitzungState.GEPLANT, SitzungState.EINGELADEN,
                                       SitzungState.GEHALTEN],
                target=SitzungState.ABGESCHLOSSEN, conditions=[lambda s: s.has_taken_place])
    def abschliessen(self) -> None:
        """Its Protokoll is published: no more decisions are recorded under its TOPs."""

    def previous(self) -> Sitzung | None:
        """The same body's (or group's) Sitzung before this one."""
        return (Sitzung.objects.of_body(self.gremium, self.fachgruppe)
                .filter(starts_at__lt=self.starts_at).exclude(pk=self.pk)
                .order_by("-starts_at", "-pk").first())

    def agenda(self):
        """The TOPs in their order, with their Vorgänge."""
        return self.tops.select_related("vorgang").order_by("sort_order", "pk")


class Tagesordnungspunkt(Orderable):
    """One item (TOP) of a Sitzung's agenda; ``vorgang`` set: a Vorlage to decide."""

    sitzung = ParentalKey(Sitzung, on_delete=models.CASCADE, related_name="tops")
    kind = models.CharField("Art", max_length=16, choices=TopKind.choices, default=TopKind.FREI)
    title = models.CharField("Titel", max_length=255)
    vorgang = models.ForeignKey(
        "workflow.Vorgang", verbose_name="Vorgang", null=True, blank=True,
        on_delete=models.PROTECT, related_name="tagesordnungspunkte",
    )
    notes = models.TextField("Erläuterung", blank=True)

    class Meta(Orderable.Meta):
        app_label = "workflow"
        verbose_name = "Tagesordnungspunkt"
        verbose_name_plural = "Tagesordnungspunkte"

    def __str__(self) -> str:
        return f"TOP {self.number}: {self.title}"

    @property
    def number(self) -> int:
        """1-based position in the agenda (computed from the stored order)."""
        if self.sort_order is not None:
            return self.sort_order + 1
        return 0
