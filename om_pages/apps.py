from django.apps import AppConfig


class OmPagesConfig(AppConfig):
    """Content of the OM: page types for Fachgruppen and Gremien, organisations and people."""

    name = "om_pages"
    verbose_name = "OM-Inhalte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete
        from wagtail.models import Page

        from om_pages import files, records
        from om_pages.widgets import install_german_date_widgets

        # Records are never lost (R21, R22): om_pages/records.py.
        records.install_permission_tester()
        records.install_delete_guard()
        pre_delete.connect(records.guard_records_on_delete, sender=Page,
                           dispatch_uid="om_pages.records.guard")
        files.connect()  # collection restrictions re-index the pages using their files
        install_german_date_widgets()  # "19.11.2026" is read, never replaced by today
