"""What the page editor says after a save of a submitted page (R10, R11).

The pinned revision is frozen (``workflow.freeze``), so a save after submission makes a new
revision. The editor is told plainly that this new revision is not part of the decision and
how to have it decided.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format

from workflow.models import Kind, State, Vorgang

#: States in which a pinned revision is before a body or decided but not yet published.
UNDER_DECISION = (State.BEIM_LEITUNGSKREIS, State.IN_AG_TRANSFER, State.IM_PLENUM,
                  State.BESCHLOSSEN)


def how_to_resubmit(vorgang: Vorgang) -> str:
    """The way to get a newer draft decided, in the Vorgang's current state."""
    if vorgang.state == State.BESCHLOSSEN:
        return ("Veröffentlicht wird nur der beschlossene Stand. Um diese Fassung beschließen zu "
                "lassen, reichen Sie sie nach der Veröffentlichung erneut ein.")
    if vorgang.kind == Kind.ANERKENNUNG:
        return ("Um diese Fassung beraten zu lassen, warten Sie die Entscheidung ab oder bitten Sie "
                "das Gremium, den Antrag zur Überarbeitung zurückzugeben, und beantragen Sie dann "
                "erneut.")
    return ("Um stattdessen diese Fassung beraten zu lassen, ziehen Sie den Vorgang zurück und "
            "reichen Sie die Seite neu ein, oder warten Sie die Entscheidung ab.")


def submitted_draft_notice(page) -> str | None:
    """The notice for ``page`` if its latest revision differs from the one under decision."""
    vorgang = (Vorgang.objects.filter(page_id=page.pk, state__in=UNDER_DECISION)
               .exclude(revision=None).select_related("revision")
               .order_by("-created_at", "-pk").first())
    if vorgang is None or vorgang.revision_id == page.latest_revision_id:
        return None
    submitted = date_format(timezone.localtime(vorgang.revision.created_at), "d.m.Y, H:i")
    return (f"Als neuer Entwurf gespeichert. Diese Fassung ist nicht Teil der Entscheidung: "
            f"beraten wird der am {submitted} Uhr eingereichte Stand "
            f"({vorgang.get_state_display()}). {how_to_resubmit(vorgang)}")
