from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search of the OM's published records."""

    name = "search"
    label = "om_search"
    verbose_name = "Suche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from search import signals

        signals.connect()
