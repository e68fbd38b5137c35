"""Render clarity sheets in bulk, e.g. for a print shop or to warm the cache after a deploy.

Progress shows while sheets render (a bar on a terminal, a line every few
seconds in a log such as var/build_sheets.log); the command ends with a table
of sheets built and failed by kind. ``-v 2`` also lists each sheet.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from home.models import TownSettings
from home.progress import Progress, summary
from sheets.batch import build_all
from sheets.html import Presentation
from sheets.pages import all_keys, output_path

REFUSED = (
    "对外网址还是本机或演示地址（{address}），打印出来的二维码扫不开。"
    "请在 本镇设置 → 对外网址 填写居民能访问的网址，或加 --allow-demo-address 打印演示用的明白纸。"
)
ALLOWED = "注意：对外网址是本机或演示地址（{address}），二维码扫不开；每张明白纸的页脚都注明了“演示地址”。"


class Command(BaseCommand):
    help = (
        "Build clarity sheets (明白纸) for the given codes, or --all of them (items, certificate lists, "
        "places, village packs as pack:OF-Vnn, the A3 poster as poster:ZM). Carries on past a failing "
        "sheet and lists failures at the end. Writing PDFs (--out) needs a public address residents can "
        "open (本镇设置 → 对外网址), not a local or demo one, unless --allow-demo-address is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("codes", nargs="*", help="QH-MZ-001, ZM-N, OF-V01, pack:OF-V01, poster:ZM")
        parser.add_argument("--all", action="store_true", help="every sheet, pack and poster of the town")
        parser.add_argument("--out", type=Path, help="write PDFs into this folder (else only fill the cache)")
        parser.add_argument("--site", help="hostname of the town's site (default: the default site)")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers")
        parser.add_argument(
            "--allow-demo-address",
            action="store_true",
            help="write PDFs (--out) even though the QR codes point at a local or demo address",
        )

    def handle(self, *args, codes: list[str], all: bool, out: Path | None, site: str | None, jobs: int, **options):
        if all == bool(codes):
            raise CommandError("Give either --all or one or more codes, not both or neither.")
        target_site = self._site(site)
        if out is not None:
            self._check_address(target_site, options.get("allow_demo_address", False))
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"Cannot write to {out}: {exc}") from exc
        wanted = all_keys(target_site) if all else codes
        verbosity = options.get("verbosity", 1)
        with Progress(self.stdout, len(wanted), "build_sheets", verbosity=verbosity) as progress:
            report = build_all(target_site, wanted, jobs=max(1, jobs), out=out, on_done=lambda code: progress.advance())
        if verbosity >= 2:
            for code in report.done:
                where = f" -> {output_path(out, code)}" if out else ""
                self.stdout.write(f"{code}: {report.pages[code]} 页{where}")
        summary(self.stdout, "build_sheets", by_kind(report), ("built", "failed"), report.seconds, verbosity=verbosity)
        if out is not None and verbosity >= 1:
            self.stdout.write(f"PDFs in {out}")
        if report.failed:
            for code, error in report.failed:
                self.stderr.write(f"FAILED {code}: {error}")
            raise CommandError(f"{len(report.failed)} sheet(s) failed")

    def _check_address(self, site: Site, allowed: bool) -> None:
        """A print batch (--out) stops when its QR codes would point where residents' phones cannot go."""
        presentation = Presentation.for_site(site)
        if not presentation.demo_address:
            return
        address = TownSettings.for_site(site).public_address or f"未填写，站点地址为 {presentation.public_base}"
        if not allowed:
            raise CommandError(REFUSED.format(address=address))
        self.stderr.write(ALLOWED.format(address=address))

    @staticmethod
    def _site(hostname: str | None) -> Site:
        if hostname:
            site = Site.objects.filter(hostname=hostname).select_related("root_page").first()
            if site is None:
                raise CommandError(f"No site with hostname {hostname!r}")
            return site
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("No default site; run load_catalog first.")
        return site


KINDS = (("pack:", "village packs"), ("poster:", "posters"), ("ZM-", "certificate lists"), ("OF-", "places"))


def kind_of(code: str) -> str:
    return next((kind for prefix, kind in KINDS if code.startswith(prefix)), "item sheets")


def by_kind(report) -> dict[str, dict[str, int]]:
    """{"item sheets": {"built": 147, "failed": 0}, …} in a fixed order, for the summary table."""
    rows: dict[str, dict[str, int]] = {}
    for kind in ("item sheets", *(kind for _prefix, kind in KINDS)):
        built = sum(1 for code in report.done if kind_of(code) == kind)
        failed = sum(1 for code, _error in report.failed if kind_of(code) == kind)
        if built or failed:
            rows[kind] = {"built": built, "failed": failed}
    return rows
