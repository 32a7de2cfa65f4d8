"""Publishing a Produkt or a Veranstaltung in tests the only way the rules allow (R10, R11).

Public-site tests need decided, live records; the publish guard refuses anything else, so
they run the approval chain with the demo's superuser (who may act for every body).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tests.workflow.conftest import complete_decision
from workflow.services import current_vorgang, perform_transition

#: The approving step of each state, in the order a chain reaches them.
APPROVING_STEPS = ("ohne_zustimmung_freigeben", "einreichen", "ag_zustimmen",
                   "plenum_beschliessen", "plenum_zustimmen", "veroeffentlichen")


def publish_decided(page):
    """Take ``page``'s latest revision through its chain and publish it; returns the live page."""
    admin = get_user_model().objects.filter(is_superuser=True).first()
    vorgang = current_vorgang(page)
    while not type(page).objects.get(pk=page.pk).live:
        possible = {t.name for t in type(vorgang).transitions()
                    if getattr(type(vorgang), t.name)._django_fsm.has_transition(vorgang.state)}
        name = next(step for step in APPROVING_STEPS
                    if step in possible and _allowed(vorgang, step))
        perform_transition(vorgang, name, admin, **complete_decision(vorgang, name))
    return type(page).objects.get(pk=page.pk)


def _allowed(vorgang, name: str) -> bool:
    meta = getattr(type(vorgang), name)._django_fsm
    return all(condition(vorgang) for condition in meta.get_transition(vorgang.state).conditions)
