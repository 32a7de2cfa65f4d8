"""Wagtail hooks of the invitation: the admin URL "Einladung versenden" and its log action.

Imported by ``workflow/wagtail_hooks.py``, so the Sitzung's invitation keeps its own module.
The invitation is recorded as a Wagtail log entry of the Sitzung (``om.sitzung.einladung``):
it appears in the Sitzung's history and in Wagtail's site history report.
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from workflow.cancellation import LOG_ACTION as CANCEL_ACTION
from workflow.invitation import LOG_ACTION
from workflow.invitation_views import invitation_urls


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return invitation_urls()


class EinladungLogFormatter(LogFormatter):
    label = "Einladung versandt"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        kind = "Aktualisierte Einladung" if data.get("is_update") else "Einladung"
        changed = data.get("changed") or []
        what = f" ({', '.join(changed)} geändert)" if changed else ""
        return (f"{kind} versandt an {data.get('recipients', 0)} Mitglieder, "
                f"Fassung {data.get('sequence', '?')}{what}")


@hooks.register("register_log_actions")
def register_invitation_log_action(actions):
    actions.register_action(LOG_ACTION)(EinladungLogFormatter)


class AbsageLogFormatter(LogFormatter):
    label = "Absage versandt"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        return (f"Absage versandt an {data.get('recipients', 0)} Mitglieder, "
                f"Fassung {data.get('sequence', '?')}; die Sitzung wurde gelöscht")


@hooks.register("register_log_actions")
def register_cancellation_log_action(actions):
    actions.register_action(CANCEL_ACTION)(AbsageLogFormatter)
