"""The models of the approval chains, as Django's app registry loads them.

Defined where each has its one job: ``workflow.vorgang`` (the stored ``Vorgang``, its
``Eintrag`` record, a group's ``FachgruppeZugang``), ``workflow.sitzung`` (the ``Sitzung``
of a body with its ``Tagesordnungspunkt`` rows) and ``workflow.machines`` (the three
proxies with their transitions). The vocabulary is ``workflow.choices``; the step contract
``workflow.steps``. Re-exported here for callers that know the app by its models module.
"""

from workflow.benachrichtigung import Benachrichtigung
from workflow.choices import (
    APPROVED_STATES,
    AWAITING,
    CHECKLIST,
    FINAL_STATES,
    TRANSITION_ORDER,
    Gremium,
    Kind,
    State,
)
from workflow.konflikt import Einigungsversuch, Konflikt, KonfliktState, VersuchErgebnis
from workflow.machines import (  # _Freigabe: the migrations name it among the proxies' bases
    Anerkennung,
    Produktfreigabe,
    Veranstaltungsfreigabe,
    _Freigabe,
)
from workflow.querysets import EintragQuerySet, SitzungQuerySet, VorgangQuerySet
from workflow.sitzung import Sitzung, SitzungState, Tagesordnungspunkt, TopKind
from workflow.steps import Decision, Step, step_of
from workflow.subscriptions import Abonnement
from workflow.vorgang import MACHINES, Eintrag, FachgruppeZugang, Vorgang, is_recognised

__all__ = [
    "APPROVED_STATES", "AWAITING", "Abonnement", "CHECKLIST", "FINAL_STATES", "MACHINES", "TRANSITION_ORDER",
    "Anerkennung", "Benachrichtigung", "Decision", "Einigungsversuch", "Eintrag", "EintragQuerySet",
    "FachgruppeZugang", "Gremium", "Kind", "Konflikt", "KonfliktState",
    "Produktfreigabe", "Sitzung", "SitzungQuerySet", "SitzungState", "State", "Step",
    "Tagesordnungspunkt", "TopKind", "Veranstaltungsfreigabe", "VersuchErgebnis", "Vorgang",
    "VorgangQuerySet",
    "_Freigabe", "is_recognised", "step_of",
]
