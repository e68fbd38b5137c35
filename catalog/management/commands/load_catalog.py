"""Load the service catalog and the guide content into a site.

    python manage.py load_catalog [PATH] [--content DIR] [--site HOST] [--dry-run] [--take-file | --force]

Every file is validated first; any problem is printed as ``file:line: reason``
and nothing is written. The load itself runs in one transaction. A page whose
source changed is updated field by field: fields edited in the admin since the
last import are kept, and a field changed in both the admin and the file is
reported as a conflict and kept as the admin has it (``--take-file`` takes
the file's value instead). ``--dry-run`` lists every change field by field.

Progress shows while pages load (a bar on a terminal, a line every few seconds
in a log); the command ends with a table of what was created, updated and left
unchanged. Wagtail's line per saved page is held back during the load; its
warnings and errors still show.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.loader import CatalogLoader, LoadReport
from catalog.problems import CatalogError
from catalog.reader import read_catalog
from home.progress import Progress, quiet_loggers, summary
from home.towns import resolve_site
from services.models import LifeEvent, ServiceCategory


def default_catalog_dir() -> Path:
    """CATALOG_DIR, else the shared reference catalog beside the project, else the shipped copy."""
    if settings.CATALOG_DIR:
        return Path(settings.CATALOG_DIR)
    shared = settings.BASE_DIR.parent / "shared" / "catalog"
    if shared.is_dir():
        return shared
    return settings.CONTENT_DIR / "catalog"


class Command(BaseCommand):
    help = "Validate and load the service catalog (items, certificate lists, places) and guide content."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="catalog folder with service-items.csv, certificates.csv, offices.csv"
        )
        parser.add_argument(
            "--content", help="content folder with town.yaml, taxonomies.yaml, guides/ (default: content/)"
        )
        parser.add_argument("--site", help="hostname[:port] or id of the site to load into (default: the default site)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would change; write nothing"
        )
        parser.add_argument(
            "--take-file",
            action="store_true",
            help="on a conflict (a field edited in the admin and changed in the file) take the file's value, "
            "overwriting that admin edit; other admin edits are kept",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="rewrite every page from the file even if its source is unchanged; OVERWRITES ALL ADMIN EDITS "
            "to imported fields, without reporting conflicts",
        )

    def handle(self, *args, **options):
        catalog_dir = Path(options["path"]) if options["path"] else default_catalog_dir()
        content_dir = Path(options["content"]) if options["content"] else settings.CONTENT_DIR
        if not catalog_dir.is_dir():
            raise CommandError(f"目录不存在：{catalog_dir}")
        if not content_dir.is_dir():
            raise CommandError(f"内容目录不存在：{content_dir}")
        site = resolve_site(options["site"])
        verbosity = options["verbosity"]
        started = time.monotonic()
        try:
            catalog = read_catalog(
                catalog_dir,
                content_dir,
                known_categories=ServiceCategory.objects.values_list("name", flat=True),
                known_life_events=LifeEvent.objects.values_list("name", flat=True),
            )
            loader = CatalogLoader(site, catalog, force=options["force"], take_file=options["take_file"])
            with Progress(self.stdout, loader.page_total, "load_catalog", verbosity=verbosity) as progress:
                loader.on_page = progress.advance
                loader.on_outputs = lambda: progress.note(
                    "pages loaded; rebuilding the search index and sheet editions"
                )
                with quiet_loggers("wagtail"):
                    report = loader.run(dry_run=options["dry_run"])
        except CatalogError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s) found; nothing was written") from exc
        if verbosity < 1:
            return
        self.stdout.write(f"catalog: {catalog_dir}  content: {content_dir}  site: {site}")
        self._summary(report, time.monotonic() - started)
        for line in report.lines(details=options["dry_run"] or verbosity >= 2, counts=False):
            self.stdout.write(line)
        if not report.changed:
            self.stdout.write("nothing to load: every page is as the catalog has it")

    def _summary(self, report: LoadReport, seconds: float) -> None:
        title = "load_catalog (dry run)" if report.dry_run else "load_catalog"
        summary(self.stdout, title, report.counts, ("created", "updated", "unchanged"), seconds)
