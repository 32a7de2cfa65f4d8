"""The "Sitzungen" section of a body's and a Fachgruppe's public page (R18, R19, R24).

om_pages knows nothing of the workflow, so its page templates load this tag library:
``{% public_sitzungen page %}`` lists the upcoming Sitzungen with their public agenda and the
past ones with their published Protokoll and Beschlüsse (``workflow.sitzung_public``).
"""

from __future__ import annotations

from django import template
from wagtail.models import Page

from workflow.sitzung_public import present, sitzungen_of

register = template.Library()


@register.inclusion_tag("workflow/public/sitzungen_section.html", takes_context=True)
def public_sitzungen(context, page: Page) -> dict:
    """Upcoming and past Sitzungen of ``page`` (a GremiumPage or FachgruppePage)."""
    upcoming, past = sitzungen_of(page)
    items = present(upcoming + past)
    return {
        "request": context.get("request"),
        "upcoming": items[:len(upcoming)],
        "past": items[len(upcoming):],
    }
