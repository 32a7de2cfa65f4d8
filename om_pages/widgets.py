"""German date and time input for every date field of the admin (R24: dates drive the record).

Wagtail's date picker replaces input it cannot read with today's date when the field loses
focus (the jQuery datetimepicker's ``validateOnBlur``), so a German "19.11.2026" typed into an
ISO-formatted field silently became the current date. The admin therefore shows and reads
German formats (``WAGTAIL_DATE_FORMAT`` and friends in ``cms/settings.py``), and the picker
leaves whatever was typed in place: Django's form field parses it (German and ISO formats) or
reports an error at the field. A typing mistake is never turned into another date.
"""

from __future__ import annotations

from django.db import models
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

KEEP_TYPED_INPUT = {"validateOnBlur": False}


class GermanDateInput(AdminDateInput):
    """Wagtail's date picker that keeps typed input for the server to check."""

    def get_config(self) -> dict:
        return {**super().get_config(), **KEEP_TYPED_INPUT}


class GermanDateTimeInput(AdminDateTimeInput):
    """Wagtail's date-time picker that keeps typed input for the server to check."""

    def get_config(self) -> dict:
        return {**super().get_config(), **KEEP_TYPED_INPUT}


def install_german_date_widgets() -> None:
    """Every admin model form (pages, snippets, viewsets) uses the German widgets."""
    register_form_field_override(models.DateField, override={"widget": GermanDateInput})
    register_form_field_override(models.DateTimeField, override={"widget": GermanDateTimeInput})
