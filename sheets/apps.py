from django.apps import AppConfig


class SheetsConfig(AppConfig):
    """Printable clarity sheets (明白纸) for items, certificate lists and places."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sheets"
    verbose_name = "明白纸"

    def ready(self) -> None:
        from . import signals  # noqa: F401
