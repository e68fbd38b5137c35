"""Rebuild the portal's search index from the live pages, with progress."""

from django.core.management.base import BaseCommand

from home.progress import Progress, summary
from search import indexing
from search.backends import active_backend
from search.vocabulary import load_vocabulary


class Command(BaseCommand):
    help = "Rebuild the search index (embedded, or Elasticsearch when ELASTICSEARCH_URL is set)."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        load_vocabulary()
        pages = indexing.searchable_pages().count()
        with Progress(self.stdout, pages, "rebuild_search_index", verbosity=verbosity) as progress:
            count = indexing.rebuild(on_page=progress.advance)
        backend = active_backend().name
        rows = {"live pages": {"indexed": count, "skipped": pages - count}}
        summary(
            self.stdout,
            f"rebuild_search_index ({backend})",
            rows,
            ("indexed", "skipped"),
            progress.seconds,
            verbosity=verbosity,
        )
