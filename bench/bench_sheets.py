"""Clarity-sheet speed: cached, cold and batch, beside the naive way, in one run.

    .venv/bin/python bench/bench_sheets.py [--rounds 3] [--cold 40] [--jobs 2] [--fonttools]

Runs on a throwaway SQLite database with the demo catalog. "Naive" renders
on every request: content from the database, a fresh WeasyPrint font
configuration and stylesheet, the system's default sans-serif font, and the
fitting ladder from its loosest level, with nothing cached. ``--fonttools``
also times one sheet with harfbuzz subsetting switched off (about 15 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_site import rounds, set_up_demo_site  # noqa: E402


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="requests per item for the cached figures")
    parser.add_argument("--cold", type=int, default=40, help="items timed cold (single sheets)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--fonttools", action="store_true", help="also time one sheet subset by fontTools")
    options = parser.parse_args()

    set_up_demo_site("bench-sheets-")
    from django.test import Client
    from wagtail.models import Site

    from home.progress import Progress
    from services.models import ServiceItemPage
    from sheets import production
    from sheets.batch import build_all
    from sheets.models import RenderedSheet

    site = Site.objects.select_related("root_page").get(is_default_site=True)
    items = list(ServiceItemPage.objects.live().order_by("path"))
    codes = [item.code for item in items]
    client = Client()

    # 1. All 147 item sheets from an empty cache, serially and with worker processes.
    RenderedSheet.objects.all().delete()
    with Progress(sys.stdout, len(codes), "sheets, 1 process") as progress:
        serial = build_all(site, codes, jobs=1, on_done=lambda code: progress.advance())
    RenderedSheet.objects.all().delete()
    with Progress(sys.stdout, len(codes), f"sheets, {options.jobs} processes") as progress:
        parallel = build_all(site, codes, jobs=options.jobs, on_done=lambda code: progress.advance())
    assert not serial.failed and not parallel.failed, (serial.failed, parallel.failed)
    pages = [parallel.pages[code] for code in codes]

    # 2. Cached sheets through the full Django stack.
    for code in codes:
        client.get(f"/sheets/{code}.pdf")
    cached = []
    for _ in rounds(options.rounds):
        for code in codes:
            start = time.perf_counter()
            response = client.get(f"/sheets/{code}.pdf")
            cached.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    # 3. Cold single sheets: the cached PDF removed, rendered in a warm server process.
    sample = codes[:: max(1, len(codes) // options.cold)][: options.cold]
    cold_inprocess, cold_request = [], []
    for code in Progress.each(sys.stdout, sample, "cold sheets"):
        RenderedSheet.objects.filter(key=code).delete()
        start = time.perf_counter()
        production.get_sheet(site, code)
        cold_inprocess.append(time.perf_counter() - start)
        RenderedSheet.objects.filter(key=code).delete()
        start = time.perf_counter()
        response = client.get(f"/sheets/{code}.pdf")  # in a renderer process, with the time limit
        cold_request.append(time.perf_counter() - start)
        assert response.status_code == 200

    # 4. The naive way, on the same sample.
    naive = [naive_render(item) for item in items if item.code in sample]

    fonttools = fonttools_render(items[0]) if options.fonttools else None

    one_page = pages.count(1)
    naive_median = statistics.median(naive)
    print(f"demo catalog: {len(codes)} item sheets, {one_page} on one page, {len(codes) - one_page} continued")
    print("all item sheets from an empty cache:")
    print(f"  portal, 1 process        {serial.seconds:6.1f} s")
    print(f"  portal, {options.jobs} processes      {parallel.seconds:6.1f} s   (target <= 30 s)")
    print(f"  naive (estimated)        {naive_median * len(codes):6.1f} s   (median naive sheet x {len(codes)})")
    print(f"cached sheet, full request ({len(cached)} requests):")
    print(f"  portal                   p50 {statistics.median(cached):6.1f} ms   p95 {p95(cached):6.1f} ms")
    print(f"  naive                    p50 {naive_median * 1000:6.1f} ms   (renders every time)")
    print(f"cold single sheet ({len(sample)} items):")
    for label, values in (
        ("portal, in process", cold_inprocess),
        ("portal, request", cold_request),
        ("naive", naive),
    ):
        print(f"  {label:<24} median {statistics.median(values):5.3f} s   p95 {p95(values):5.3f} s")
    if fonttools is not None:
        print(f"one sheet subset by fontTools instead of harfbuzz: {fonttools:.1f} s")


def naive_render(item) -> float:
    """Render from the database with fresh font and style objects and the system font, no cache.

    The sheet's own HTML for each step of the type ladder, laid out from the
    largest step down until one fits a page: no hint, no cached plan, no fill.
    """
    from django.utils import timezone
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from sheets.content import build
    from sheets.html import Presentation, sheet_html
    from sheets.models import SheetEdition
    from sheets.render import LEVELS, STYLESHEET

    start = time.perf_counter()
    content = build(item)
    edition = SheetEdition(code=item.code, number=1, created_at=timezone.now())
    edition.snapshot = content.snapshot() | {"url": content.page_url, "kind": content.kind}
    html_for_level = sheet_html(edition, Presentation.for_site(item.get_site()))
    fonts = FontConfiguration()
    css = STYLESHEET.read_text().replace('"Noto Sans CJK SC", "HanaMinA", "HanaMinB", sans-serif', "sans-serif")
    stylesheet = CSS(string=css, font_config=fonts)
    for level in LEVELS:
        document = HTML(string=html_for_level(level)).render(font_config=fonts, stylesheets=[stylesheet])
        if len(document.pages) == 1:
            break
    document.write_pdf()
    return time.perf_counter() - start


def fonttools_render(item) -> float:
    import weasyprint.pdf.fonts as pdf_fonts

    saved = pdf_fonts.harfbuzz_subset
    pdf_fonts.harfbuzz_subset = None
    try:
        return naive_render(item)
    finally:
        pdf_fonts.harfbuzz_subset = saved


if __name__ == "__main__":
    main()
