from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Loading a whole town from the catalog files: the only code that coordinates every app.

    A load pauses per-page output work (search indexing, sheet renewals),
    writes every page in one transaction, then asks each output to rebuild
    once. It sits above the content apps and the outputs, and nothing imports it.
    """

    name = "catalog"
    verbose_name = "目录导入"
