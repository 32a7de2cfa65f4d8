"""Signals om_pages sends, so other layers can react without om_pages importing them."""

from django.dispatch import Signal

#: Sent by the demo loader after the content exists (kwargs: ``home``, ``log``), so the
#: workflow layer can add its demo Vorgänge in every state.
demo_content_loaded = Signal()
