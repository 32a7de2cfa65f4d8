from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The installation as a whole: settings, URLs and the commands that cover every app (backup, restore)."""

    name = "cms"
    label = "cms"
    verbose_name = "OM-Installation"

    def ready(self) -> None:
        from cms import page_cache_signals

        page_cache_signals.connect()  # the anonymous page cache follows every public change (issue 18)
