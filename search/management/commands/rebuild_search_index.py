"""Rebuild the portal's search index from the live pages."""

from django.core.management.base import BaseCommand

from search import indexing
from search.backends import active_backend
from search.vocabulary import load_vocabulary


class Command(BaseCommand):
    help = "Rebuild the search index (embedded, or Elasticsearch when ELASTICSEARCH_URL is set)."

    def handle(self, *args, **options):
        load_vocabulary()
        count = indexing.rebuild()
        self.stdout.write(f"indexed {count} documents with the {active_backend().name} backend")
