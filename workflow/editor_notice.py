"""What the page editor says after a save of a submitted page (R10, R11).

The pinned revision is frozen (``workflow.freeze``), so a save after submission makes a new
revision. The message after the save says plainly that this new revision is not part of the
decision and how to have it decided (the same advice as the status side panel,
``workflow.status``).
"""

from __future__ import annotations

from workflow.models import State, Vorgang
from workflow.review import stand_label
from workflow.status import resubmit_advice

#: States in which a pinned revision is before a body or decided but not yet published.
UNDER_DECISION = (State.BEIM_LEITUNGSKREIS, State.IN_AG_TRANSFER, State.IM_PLENUM,
                  State.BESCHLOSSEN)


def submitted_draft_notice(page) -> str | None:
    """The notice for ``page`` if its latest revision differs from the one under decision."""
    vorgang = Vorgang.objects.under_decision_of(page, UNDER_DECISION)
    if vorgang is None or vorgang.revision_id == page.latest_revision_id:
        return None
    return (f"Als neuer Entwurf gespeichert. Diese Fassung ist nicht Teil der Entscheidung: "
            f"beraten wird der {stand_label(vorgang.revision)} ({vorgang.get_state_display()}); "
            f"{resubmit_advice(vorgang)}")
