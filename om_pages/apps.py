from django.apps import AppConfig


class OmPagesConfig(AppConfig):
    """Content of the OM: page types for Fachgruppen and Gremien, organisations and people."""

    name = "om_pages"
    verbose_name = "OM-Inhalte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from om_pages.widgets import install_german_date_widgets

        install_german_date_widgets()  # issue 15: "19.11.2026" is read, never replaced by today
