"""Template tags of the Vorgänge lists: whose item it is, how long it has waited."""

from django import template

from workflow.listing import waited as waited_for

register = template.Library()


@register.simple_tag
def waited(vorgang) -> str:
    """How long the Vorgang has waited for its current step ("12 Tage")."""
    return waited_for(vorgang)
