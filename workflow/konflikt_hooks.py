"""Wagtail hooks of conflicts (R20): the admin "Konflikte" and its entries in page histories.

Imported by ``workflow/wagtail_hooks.py``. Every step of a conflict is a log entry
``om.konflikt`` on each involved Fachgruppe's page: the outcome stands in both groups' records.
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from workflow.konflikt_admin import KonfliktViewSet
from workflow.konflikt_services import LOG_ACTION


class KonfliktLogFormatter(LogFormatter):
    label = "Konflikt zwischen Fachgruppen"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        return (f"Konflikt „{data.get('subject', '')}“ ({data.get('groups', '')}): "
                f"{data.get('event', '')}")

    def format_comment(self, log_entry) -> str:
        return (log_entry.data or {}).get("text", "")


@hooks.register("register_log_actions")
def register_konflikt_log_action(actions):
    actions.register_action(LOG_ACTION)(KonfliktLogFormatter)


@hooks.register("register_admin_viewset")
def register_konflikt_viewset():
    """Konflikte: open, record attempts, agree or decide (R20)."""
    return KonfliktViewSet()
