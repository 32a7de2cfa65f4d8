"""What the public sees of a decision: when, and by which bodies (R10, R11).

Only the Vorgang whose pinned revision is the page's live revision counts, so the text always
describes exactly what is shown.
"""

from django import template

from workflow.models import Eintrag, Vorgang

register = template.Library()

#: The steps that approve, and the body that took each.
APPROVING_STEPS = {
    "ohne_zustimmung_freigeben": "die Fachgruppe (Erprobungsworkshop, ohne Zustimmung)",
    "ag_zustimmen": "AG Transfer",
    "ag_an_plenum_verweisen": "AG Transfer",
    "plenum_beschliessen": "Plenum",
    "plenum_zustimmen": "Plenum",
}


@register.inclusion_tag("workflow/includes/public_decision.html")
def public_decision(page, label: str = "Beschlossen"):
    """'Beschlossen von der AG Transfer am … und vom Plenum am …' for a live Produkt/Veranstaltung."""
    if page is None or not page.live or page.live_revision_id is None:
        return {"steps": [], "label": label}
    vorgang = Vorgang.objects.published_decision_of(page)
    if vorgang is None:
        return {"steps": [], "label": label}
    entries = (Eintrag.objects.filter(vorgang=vorgang, transition__in=APPROVING_STEPS)
               .order_by("created_at", "pk"))
    return {"steps": [(APPROVING_STEPS[e.transition], e.created_at) for e in entries], "label": label}
