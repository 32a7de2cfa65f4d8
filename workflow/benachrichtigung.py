"""The record of every reminder mail sent (issue 16): append-only, one row per unique key.

``om_notify`` inserts the row and sends the mail in one transaction (``workflow.mailing``):
the unique key makes a second run, or a concurrent one, skip what was sent; a mail that
fails rolls its row back, so the next run sends it again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone


class BenachrichtigungQuerySet(models.QuerySet):
    """Append-only: no bulk update or delete."""

    def update(self, **kwargs):
        raise PermissionDenied("Versandte Benachrichtigungen können nicht geändert werden.")

    def delete(self):
        raise PermissionDenied("Versandte Benachrichtigungen können nicht gelöscht werden.")


class Benachrichtigung(models.Model):
    """One mail sent by ``om_notify``: its key says what it was about (and that it is done)."""

    key = models.CharField("Schlüssel", max_length=200, unique=True,
                           help_text="z. B. erinnerung:<Vorgang>:<Eintrag>:faellig")
    kind = models.CharField("Art", max_length=40)
    vorgang = models.ForeignKey("workflow.Vorgang", verbose_name="Vorgang", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    fachgruppe = models.ForeignKey("om_pages.FachgruppePage", verbose_name="Fachgruppe", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    recipients = models.TextField("Empfänger", help_text="Eine Adresse je Zeile.")
    subject = models.CharField("Betreff", max_length=255)
    sent_at = models.DateTimeField("Versandt am", default=timezone.now)

    objects = BenachrichtigungQuerySet.as_manager()

    class Meta:
        app_label = "workflow"
        verbose_name = "Benachrichtigung"
        verbose_name_plural = "Benachrichtigungen"
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.key})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionDenied("Versandte Benachrichtigungen können nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Versandte Benachrichtigungen können nicht gelöscht werden.")
