"""Every sheet of the demo town keeps the 明白纸 promise: one page, large type, and a full page when type is small.

All item, certificate-list and place sheets and the A3 poster are built once
(in two forked worker processes, from the hint production uses) and read back from their PDFs with
PDFium: page count, font sizes of every character, and how far down the page
the content reaches. Packs are left to ``test_sheets``.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from services.models import ServiceItemPage
from sheets.editions import ensure_edition
from sheets.html import Presentation, guess_level, poster_html, sheet_html
from sheets.pages import CERTIFICATE_CODES, POSTER_KEY, sheet_page, sheet_pages
from sheets.render import LEVELS, RenderedPdf, font_config, render_sheet, stylesheet

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FOOTER_PT = 16 * 72 / 25.4  # the bottom page margin, where only the footer line is
TOP_PT = 11 * 72 / 25.4
POSTER_MARGINS = (9 * 72 / 25.4, 13 * 72 / 25.4)
MAX_BLANK = 0.15


@dataclass
class PageFacts:
    body_pt: float  # the size most characters are set in
    smallest_pt: float  # the smallest character outside the footer
    blank: float  # share of the page's text area below the last line


def page_facts(pdf: bytes, index: int, margins: tuple[float, float] = (TOP_PT, FOOTER_PT)) -> PageFacts:
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[index]
        height = page.get_height()
        text = page.get_textpage()
        sizes: Counter[float] = Counter()
        lowest = height
        for i in range(text.count_chars()):
            char = pdfium_c.FPDFText_GetUnicode(text.raw, i)
            if chr(char).isspace():
                continue
            left, right, bottom, top = (pdfium_c.c_double() for _ in range(4))
            pdfium_c.FPDFText_GetCharBox(text.raw, i, left, right, bottom, top)
            if bottom.value < margins[1] - 2:  # the footer line
                continue
            sizes[round(pdfium_c.FPDFText_GetFontSize(text.raw, i), 1)] += 1
            lowest = min(lowest, bottom.value)
        area = height - margins[0] - margins[1]
        return PageFacts(sizes.most_common(1)[0][0], min(sizes), max(0.0, (lowest - margins[1]) / area))
    finally:
        document.close()


_makers: dict = {}  # code: the sheet's HTML for a step, read by the forked renderers


def _render(job: tuple[str, int]) -> RenderedPdf:
    code, hint = job
    return render_sheet(_makers[code], 1, hint)


def test_every_sheet_is_one_page_in_large_type_and_fills_it(site):
    # The sheets' contents and QR codes are read here; two renderer processes forked from this one make
    # the HTML of only the steps they try (starting from the production hint) and write the PDFs.
    presentation = Presentation.for_site(site)
    editions = {page.code: ensure_edition(page) for page in sheet_pages(site)}
    _makers.clear()
    _makers.update({code: sheet_html(edition, presentation) for code, edition in editions.items()})
    lists = [ensure_edition(sheet_page(site, code)) for code in CERTIFICATE_CODES]
    _makers[POSTER_KEY] = poster_html(lists, presentation, "清河镇村（社区）证明事项清单")
    codes = list(_makers)
    jobs = [(code, guess_level(editions[code].snapshot) if code in editions else 0) for code in codes]
    font_config(), stylesheet()
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        records = dict(zip(codes, pool.map(_render, jobs, chunksize=2), strict=True))
    items = set(ServiceItemPage.objects.live().values_list("code", flat=True))
    assert len(items) == 147

    losing, blank_too_much, figures = {}, [], []
    for code in codes:
        record = records[code]
        pdf = record.pdf
        poster = code == POSTER_KEY
        margins = POSTER_MARGINS if poster else (TOP_PT, FOOTER_PT)
        if code.startswith("ZM-") and record.pages > 1:  # a list split into parts: each page a whole sheet
            assert record.pages == 2, code
        else:
            assert record.pages == 1, code
        minimum = 16 if poster else 14
        assert record.body_pt >= minimum, code
        for index in range(record.pages):
            facts = page_facts(pdf, index, margins)
            assert facts.body_pt >= minimum, (code, facts)
            assert facts.smallest_pt >= 12, (code, facts)
            figures.append((code, record.body_pt, facts.blank))
            if record.layout != LEVELS[0] and facts.blank > MAX_BLANK:
                blank_too_much.append((code, record.body_pt, round(facts.blank, 2)))
        if code in items and record.left_out:
            losing[code] = record.left_out

    whole = len(items) - len(losing)
    sizes = Counter(body for code, body, _blank in figures if code in items)
    print(f"\nitem sheets with nothing left out: {whole} of {len(items)}")
    print("left out:", "; ".join(f"{code} {'、'.join(lost)}" for code, lost in sorted(losing.items())))
    print("item body sizes:", dict(sorted(sizes.items())))
    print("largest blank below the largest step:", max((b for c, s, b in figures if s < 18), default=0))
    assert blank_too_much == []
    # The bar: at least 137 of the 147 demo guides print whole (140 do, 2026-12-02).
    assert whole >= WHOLE_ITEM_SHEETS


WHOLE_ITEM_SHEETS = 137
