"""No schedule for a Produkt or Veranstaltung in the page editor (R10, R11).

Wagtail's schedule dialog stores "go live at" on the draft; publishing that draft would
schedule an undecided revision, which ``publish_scheduled`` then has to refuse. Only the
decided revision goes live, and only the Redaktion names when: in the step
„Beschlossenen Stand veröffentlichen“ (``workflow.forms``, field „Veröffentlichen am“). So the
editor's form refuses a go-live time with a field error; Wagtail shows it in the status panel
and keeps every other typed value in the form. An expiry time stays allowed.

Registered as the ``base_form_class`` of the gated page types from ``WorkflowConfig.ready``,
through om_pages' hook point, like ``workflow.page_forms``.
"""

from __future__ import annotations

from om_pages.extension import register_base_form
from om_pages.forms import OMPageForm
from workflow.publishing import GATED_PAGE_TYPES

SCHEDULE_REFUSED = ("Ein Produkt oder eine Veranstaltung wird nicht im Seiteneditor zur "
                    "Veröffentlichung geplant (R10, R11): Veröffentlicht wird nur der beschlossene "
                    "Stand, und die Redaktion legt den Zeitpunkt im Freigabe-Vorgang fest "
                    "(„Beschlossenen Stand veröffentlichen“, Feld „Veröffentlichen am“). "
                    "Bitte den Startzeitpunkt im Veröffentlichungszeitplan leeren.")


class DecidedPageForm(OMPageForm):
    """The admin form of Produkt and Veranstaltung: no go-live time (R10, R11)."""

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("go_live_at") is not None:
            self.add_error("go_live_at", SCHEDULE_REFUSED)
        return cleaned_data


def register_decided_page_form() -> None:
    """Called from ``WorkflowConfig.ready`` (see ``workflow.page_forms.register_fachgruppe_form``)."""
    for model in GATED_PAGE_TYPES:
        register_base_form(model, DecidedPageForm)
