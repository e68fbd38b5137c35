from django.apps import AppConfig


class SheetsConfig(AppConfig):
    """Printable clarity sheets (明白纸) for items, certificate lists and places."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sheets"
    verbose_name = "明白纸"

    def ready(self) -> None:
        from home.outputs import SHEET, registry

        from . import signals  # noqa: F401
        from .batch import refresh_editions
        from .content import register_sheets

        register_sheets()
        # After a bulk load: number new editions; PDFs render on demand or with build_sheets.
        registry.register_rebuild(SHEET, refresh_editions)
