"""``{% abo_form … %}``: the small subscribe form on /suche/, a Fachgruppe's and a body's page.

The forms post to ``/abo/`` (``workflow.subscription_views``), which answers errors on its
own page with everything typed kept. Only public things can be subscribed (R14, R19).
"""

from __future__ import annotations

from django import template

from workflow.subscription_views import SEARCH_PARAMS
from workflow.subscriptions import BESCHLUSS_GREMIEN, Art

register = template.Library()


@register.inclusion_tag("workflow/abo/form_inline.html")
def abo_suche(params) -> dict:
    """„Diese Suche abonnieren“ with the search's query and filters as hidden fields."""
    return {
        "kind": Art.SUCHE, "form_id": "abo-suche", "heading": "Diese Suche abonnieren",
        "text": "Neue Treffer dieser Suche (mit ihren Filtern) per E-Mail erhalten.",
        "button": "Suche abonnieren",
        "hidden": [(name, params.get(name)) for name in SEARCH_PARAMS if params.get(name)],
    }


@register.inclusion_tag("workflow/abo/form_inline.html")
def abo_fachgruppe(page) -> dict:
    return {
        "kind": Art.FACHGRUPPE, "form_id": "abo-fachgruppe", "heading": "Per E-Mail informiert bleiben",
        "text": "Neue Protokolle und Produkte dieser Fachgruppe per E-Mail erhalten.",
        "button": "Abonnieren", "hidden": [("fachgruppe", page.pk)],
    }


@register.inclusion_tag("workflow/abo/form_inline.html")
def abo_beschluesse(page) -> dict:
    """Only the Plenum's and the AG Transfer's pages offer their Beschlüsse (R14)."""
    if getattr(page, "kind", None) not in BESCHLUSS_GREMIEN:
        return {"skip": True}
    return {
        "kind": Art.BESCHLUESSE, "form_id": "abo-beschluesse", "heading": "Beschlüsse abonnieren",
        "text": f"Die Beschlüsse des Gremiums „{page.title}“ per E-Mail erhalten, sobald ihr Protokoll "
                "veröffentlicht ist.",
        "button": "Abonnieren", "hidden": [("gremium", page.kind)],
    }
