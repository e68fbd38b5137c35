"""Check service guides against the quality rules.

    python manage.py check_guides [CODE ...] [--site HOST]

Prints one line per problem (code, field, rule), then ``N items checked,
M problems``; exits non-zero when there is any problem.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from home.towns import resolve_site
from services.models import ServiceItemPage
from services.quality import check_items


class Command(BaseCommand):
    help = "Check service guides against the guide-writing quality rules."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="item codes to check (default: every item on the site)")
        parser.add_argument("--site", help="hostname[:port] or id of the site (default: the default site)")

    def handle(self, *args, codes: list[str], site: str | None, **options):
        root = resolve_site(site).root_page
        items = ServiceItemPage.objects.descendant_of(root).order_by("path")
        if codes:
            items = items.filter(code__in=codes)
            missing = sorted(set(codes) - set(items.values_list("code", flat=True)))
            if missing:
                raise CommandError(f"没有这些事项编码：{'、'.join(missing)}")
        items = list(items)
        problems = check_items(ServiceItemPage.objects.filter(pk__in=[i.pk for i in items]).order_by("path"), root)
        for problem in problems:
            self.stdout.write(str(problem))
        self.stdout.write(f"{len(items)} items checked, {len(problems)} problems")
        if problems:
            sys.exit(1)
