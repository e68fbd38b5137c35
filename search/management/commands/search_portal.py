"""Search from the command line: python manage.py search_portal "<query>" --json [--limit N]."""

import json

from django.core.management.base import BaseCommand

from home.towns import resolve_site, town_path
from search.engine import search


class Command(BaseCommand):
    help = "Search the portal and print the results (as the API's JSON with --json)."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the API's JSON")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--site", help="hostname of the site (default: the default site)")

    def handle(self, *args, query: str, as_json: bool, limit: int, site: str | None, **options):
        response = search(query, town_path(resolve_site(site)), limit=max(1, min(limit, 100)), log=False)
        if as_json:
            self.stdout.write(json.dumps(response.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{response.total} results ({response.backend})")
        for rank, result in enumerate(response.results, start=1):
            doc = result.document
            self.stdout.write(f"{rank:2}. {doc.code or doc.page_id:10} {doc.title}  ({result.score:.2f})")
