from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        from home.outputs import SEARCH, registry

        from . import indexing, signals  # noqa: F401
        from .documents import register_documents

        register_documents()
        registry.register_rebuild(SEARCH, indexing.rebuild_site)
