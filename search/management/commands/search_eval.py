"""Measure search quality on a shared/search-eval style file, beside stock Wagtail search.

python manage.py search_eval <file.tsv> [--misses]
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page, Site

from home.progress import Progress
from home.towns import town_path
from search.engine import search
from search.evaluation import TOP, evaluate, read_cases
from search.wagtail_backend import STOCK_BACKEND


class Command(BaseCommand):
    help = "Print hit@3 and MRR@10 overall and per kind, for this search and for stock Wagtail search."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--misses", action="store_true", help="list the queries without a right answer in the top 3"
        )

    def handle(self, *args, file: str, misses: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            cases = read_cases(path)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        site = Site.objects.get(is_default_site=True)
        root = town_path(site)

        def portal(query: str) -> list[str]:
            response = search(query, root, limit=TOP, log=False)
            return [r.document.code or str(r.document.page_id) for r in response.results]

        def stock(query: str) -> list[str]:
            pages = Page.objects.live().descendant_of(site.root_page).specific().search(query, backend=STOCK_BACKEND)
            pages = pages[:TOP]
            return [getattr(p, "code", "") or str(p.pk) for p in pages]

        verbosity = options["verbosity"]
        with Progress(self.stdout, 2 * len(cases), "search_eval", verbosity=verbosity) as progress:

            def counted(engine):
                def run(query: str) -> list[str]:
                    found = engine(query)
                    progress.advance()
                    return found

                return run

            rows = [("portal", *evaluate(cases, counted(portal))), ("wagtail-stock", *evaluate(cases, counted(stock)))]
        self.stdout.write(f"{path.name}: {len(cases)} queries, both searches in {progress.seconds:.1f} s")
        self.stdout.write(f"{'search':15} {'kind':12} {'n':>3} {'hit@3':>6} {'MRR@10':>7}")
        for name, overall, by_kind, _ in rows:
            self.stdout.write(f"{name:15} {'overall':12} {overall.cases:3} {overall.hit_at_3:6.3f} {overall.mrr:7.3f}")
            for kind, scores in sorted(by_kind.items()):
                self.stdout.write(f"{name:15} {kind:12} {scores.cases:3} {scores.hit_at_3:6.3f} {scores.mrr:7.3f}")
        if misses:
            for case, rank, top in rows[0][3]:
                self.stdout.write(
                    f"miss: {case.query} expected {'|'.join(sorted(case.expected))} rank {rank} top3 {top}"
                )
