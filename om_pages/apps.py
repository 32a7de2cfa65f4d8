from django.apps import AppConfig


class OmPagesConfig(AppConfig):
    """Content of the OM: page types for Fachgruppen and Gremien, organisations and people."""

    name = "om_pages"
    verbose_name = "OM-Inhalte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from om_pages import files

        files.connect()  # issue 12 §2: collection restrictions re-index the pages using their files
