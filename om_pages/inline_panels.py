"""Inline panels whose duplicate rows are refused in German, naming what is doubled.

Django's formset says "Bitte die doppelten Daten für page und organisation korrigieren" for a
unique constraint across the rows, naming raw field names. A Fachgruppe lists each
participating organisation once (``unique_fachgruppe_member``, R4, R13); this panel names the
organisation instead.
"""

from __future__ import annotations

from collections import Counter

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import InlinePanel


class UniqueMembersFormSet(BaseChildFormSet):
    """Names the organisation that is listed twice."""

    def get_unique_error_message(self, unique_check) -> str:
        if "organisation" not in unique_check:
            return super().get_unique_error_message(unique_check)
        kept = [form.cleaned_data["organisation"] for form in self.forms
                if getattr(form, "cleaned_data", {}).get("organisation")
                and not self._should_delete_form(form)]
        names = sorted({str(organisation) for organisation, count in Counter(kept).items()
                        if count > 1})
        listed = ", ".join(f"„{name}“" for name in names) or "Eine Organisation"
        return (f"{listed} steht mehrfach unter den beteiligten Organisationen; jede Organisation "
                "wird nur einmal eingetragen. Bitte die doppelte Zeile entfernen.")


class MembersInlinePanel(InlinePanel):
    """The participating organisations of a Fachgruppe with ``UniqueMembersFormSet``."""

    def get_form_options(self) -> dict:
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(formset=UniqueMembersFormSet)
        return options
