"""A conflict between Fachgruppen (R20) with its attempts at agreement (R17, R18).

A group or the AG Transfer opens a ``Konflikt`` between two or more groups; the attempts at
agreement are appended as ``Einigungsversuch`` rows, never changed or deleted. The conflict
ends either with an agreement (``einigung_feststellen``: the groups or the AG Transfer) or,
once an attempt failed, with the Leitungskreis' decision (``entscheiden``, R20). Both
transitions are django-fsm-2 transitions with their permission; ``workflow.konflikt_services``
runs them and writes the outcome into every involved group's page history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition

from workflow.permissions import may_decide_konflikt, may_mediate_konflikt


class KonfliktState(models.TextChoices):
    OFFEN = "offen", "offen"
    EINIGUNG = "einigung", "Einigung erzielt"
    ENTSCHIEDEN = "entschieden", "vom Leitungskreis entschieden"


class VersuchErgebnis(models.TextChoices):
    KEINE_EINIGUNG = "keine_einigung", "keine Einigung"
    TEILWEISE = "teilweise", "teilweise Einigung"
    EINIGUNG = "einigung", "Einigung erzielt"


def has_failed_attempt(konflikt: Konflikt) -> bool:
    """R20: the Leitungskreis decides a conflict *without agreement*: at least one recorded
    attempt ended without (full) agreement."""
    return konflikt.versuche.exclude(result=VersuchErgebnis.EINIGUNG).exists()


has_failed_attempt.hint = ("Der Leitungskreis entscheidet erst, wenn ein Einigungsversuch "
                           "ohne Einigung erfasst ist (R20).")


class Konflikt(models.Model):
    """A conflict between groups, e.g. overlapping topics (R17, R20)."""

    fachgruppen = models.ManyToManyField("om_pages.FachgruppePage", related_name="konflikte",
                                         verbose_name="Beteiligte Fachgruppen")
    subject = models.CharField("Gegenstand", max_length=255)
    description = models.TextField("Beschreibung")
    opened_for = models.CharField("Eröffnet durch", max_length=255,
                                  help_text="Die Fachgruppe oder die AG Transfer.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Eröffnet von",
                                  null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_by_name = models.CharField(max_length=255, blank=True)
    opened_at = models.DateTimeField("Eröffnet am", default=timezone.now)
    state = FSMField("Stand", default=KonfliktState.OFFEN, choices=KonfliktState.choices)
    outcome = models.TextField("Ergebnis", blank=True)
    closed_at = models.DateTimeField("Abgeschlossen am", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_by_name = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "Konflikt"
        verbose_name_plural = "Konflikte"
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    def group_titles(self) -> str:
        return ", ".join(sorted(group.title for group in self.fachgruppen.all()))

    def _close(self, user, outcome: str) -> None:
        self.outcome = outcome
        self.closed_at = timezone.now()
        self.closed_by = user
        self.closed_by_name = user.get_full_name() or user.get_username()

    @transition(field=state, source=KonfliktState.OFFEN, target=KonfliktState.EINIGUNG,
                permission=may_mediate_konflikt)
    def einigung_feststellen(self, user, outcome: str) -> None:
        """The groups agreed (R20: no competition between groups)."""
        self._close(user, outcome)

    @transition(field=state, source=KonfliktState.OFFEN, target=KonfliktState.ENTSCHIEDEN,
                permission=may_decide_konflikt, conditions=[has_failed_attempt])
    def entscheiden(self, user, outcome: str) -> None:
        """Without agreement the Leitungskreis decides (R20)."""
        self._close(user, outcome)


class AppendOnly(Exception):
    """An attempt at agreement is part of the record: it is never changed or deleted."""


class Einigungsversuch(models.Model):
    """One attempt at agreement, appended to the conflict's record (R20)."""

    konflikt = models.ForeignKey(Konflikt, on_delete=models.PROTECT, related_name="versuche")
    date = models.DateField("Datum")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField("Erfasst von", max_length=255)
    participants = models.CharField("Wer", max_length=255,
                                    help_text="Wer hat verhandelt (Gruppen, Personen)?")
    text = models.TextField("Verlauf")
    result = models.CharField("Ergebnis", max_length=32, choices=VersuchErgebnis.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "Einigungsversuch"
        verbose_name_plural = "Einigungsversuche"
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.get_result_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Ein Einigungsversuch wird nicht nachträglich geändert.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Ein Einigungsversuch wird nicht gelöscht.")
