"""HTML to PDF with WeasyPrint: fitting a sheet to one page in the largest type, and a hard time limit.

A sheet is a short guide in large type. ``fit`` lays it out at the largest
step of a type ladder that fits one page (body 18 down to 14 pt; each
step scales the whole type scale and its spacing), so a short guide prints
large and fills its page. The steps are half a point apart (18, 17.5, … 14),
so the step a sheet lands on leaves at most a few lines of its page blank,
and below the largest step that space is spread between the sections
(``fill_css``, one more layout); the ladder is searched in halves, so nine
steps cost about four layouts.
When even 14 pt does not fit, rows are left out in
an order the HTML carries (``sheets.html.sheet_plan``), each section saying
what it lost (另有3项材料，扫码查看全部); a certificate list is never cut but
split into parts that are each a whole sheet (第1部分，共2部分). Type never
goes below 14 pt.

Speed comes from three things, measured in ``bench/bench_sheets.py``:
harfbuzz subsetting (``libharfbuzz-subset0``) instead of fontTools, one
``FontConfiguration`` and one parsed stylesheet per process instead of per
sheet, and laying out (cheap) before writing (the costly part) only once.
"""

from __future__ import annotations

import functools
import json
import logging
import multiprocessing
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings

logger = logging.getLogger(__name__)

STYLESHEET = Path(__file__).parent / "static" / "sheets" / "sheet.css"
# The type ladder: body size in pt per level, largest first, half a point apart. The sheet's root
# element is set in it and sheet.css scales everything from it (rem).
STEPS = tuple(18.0 - 0.5 * level for level in range(9))  # 18, 17.5, ... 14
POSTER_STEPS = tuple(20.0 - 0.5 * level for level in range(9))  # the A3 poster, read from further away: 20 ... 16
LEVELS = tuple(range(len(STEPS)))
COVER_LEVEL = LEVELS[-1]  # a pack cover: its contents table at the smallest body size, on as few pages as may be
MAX_PARTS = 3
PART_LABELS = [(part, parts) for parts in range(2, MAX_PARTS + 1) for part in range(1, parts + 1)]
_PLAN = re.compile(r'<script id="sheet-plan" type="application/json">(.*?)</script>', re.S)


class RenderError(Exception):
    """The sheet could not be rendered."""


class RenderTimeout(RenderError):
    """Rendering took longer than the configured limit and was stopped."""


class RendererBusy(RenderError):
    """Too many renders are already running in this process."""


@dataclass
class RenderedPdf:
    pdf: bytes
    pages: int
    layout: int  # the step of the type ladder (0 is the largest)
    seconds: float
    body_pt: float = 0.0  # the body text size the sheet printed at
    left_out: list[str] = field(default_factory=list)  # what the sheet says it left out: ["3项材料", "1个步骤"]
    recipe: dict = field(default_factory=dict)  # Fit.recipe: lays the same pages out again in one pass


class Fit(NamedTuple):
    """A laid-out sheet: the document, its ladder step and body size, what it left out, the CSS of each part."""

    document: Any
    level: int
    body_pt: float = 0.0
    left_out: list[str] = []
    css: tuple[str, ...] = ("",)

    @property
    def recipe(self) -> dict:
        """What ``lay_out_again`` needs to make these pages without searching the ladder."""
        return {"level": self.level, "css": list(self.css)}


def lay_out_again(html_for_level: Callable[[int], str], recipe: dict):
    """The document a fit produced, from its recipe: one layout per part instead of a ladder search.

    A village pack prints each part as that part's own sheet printed; when the
    sheet was rendered for the same content, its recipe saves the four or five
    trial layouts of ``fit``.
    """
    html = html_for_level(recipe["level"])
    return _joined([layout(with_css(html, css)) for css in recipe["css"]])


def _joined(documents: list) -> Any:
    """One document of the pages of ``documents`` (the parts of a split list), in order."""
    return documents[0].copy([page for document in documents for page in document.pages])


@functools.cache
def font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), font_config=font_config())


def layout(html: str, base_url: str | None = None):
    """Lay out one HTML document (no PDF written yet)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).render(font_config=font_config(), stylesheets=[stylesheet()])


def read_plan(html: str) -> dict:
    """The fitting plan a sheet's HTML carries (``sheets.html.sheet_plan``); empty for plain HTML."""
    match = _PLAN.search(html)
    return json.loads(match.group(1)) if match else {}


def with_css(html: str, css: str) -> str:
    if not css:
        return html
    head = html.find("</head>")
    style = f"<style>{css}</style>"
    return html[:head] + style + html[head:] if head >= 0 else style + html


def cut_css(plan: dict, cut: int) -> tuple[str, list[str]]:
    """CSS that leaves out the first ``cut`` rows of the plan and shows each section's note; and what is left out."""
    cuts = plan.get("cuts", [])[:cut]
    lost = dict(plan.get("base", {}))
    sizes = plan.get("cut_sizes", {})  # a cut that leaves out several rows at once (the poster's procedures)
    for key in cuts:
        lost[key] = lost.get(key, 0) + sizes.get(key, 1)
    units = plan.get("units", {})
    rules = []
    if cuts:
        rules.append(",".join(f'[data-cut="{rank}"]' for rank in range(1, len(cuts) + 1)) + "{display:none}")
    for key in sorted(set(cuts)):
        rules.append(f".more-{key}{{display:none}}#more-{key}-{lost[key]}{{display:block}}")
    left_out = [f"{count}{units.get(key, '项')}" for key, count in lost.items() if count]
    return "".join(rules), left_out


def part_css(bounds: list[int], part: int) -> str:
    """CSS that shows only the rows of one part (rows ``bounds[part - 1]`` up to ``bounds[part]``) and its label."""
    parts = len(bounds) - 1
    start, end = bounds[part - 1], bounds[part]
    hidden = [f'[data-seq="{seq}"]' for seq in range(bounds[-1]) if not start <= seq < end]
    rules = [f"#part-{part}-{parts}{{display:inline}}"]
    if hidden:
        rules.append(",".join(hidden) + "{display:none}")
    if part > 1:
        rules.append(".part-first{display:none}")  # the list's introduction prints once, on part 1
    if part < parts:
        rules.append(".part-last{display:none}")  # and its legal basis once, on the last part
    return "".join(rules)


def split_bounds(weights: list[int], parts: int) -> list[int]:
    """Row indexes that cut ``weights`` into ``parts`` runs of about equal weight."""
    total, bounds, running = sum(weights), [0], 0
    for index, weight in enumerate(weights):
        if len(bounds) < parts and running + weight / 2 > total * len(bounds) / parts:
            bounds.append(index)
        running += weight
    bounds.append(len(weights))
    return bounds


# A sheet set below the largest step fills its page: what blank space the step leaves beyond this share
# goes between its sections, at most FILL_MAX_LINES body lines per section (sheets with few long sections
# keep the rest at the bottom).
FILL_KEEP = 0.02
FILL_MAX_LINES = 1.0
_BLOCK = re.compile(r'<section class="block[ "]')


def blank_share(document) -> float:
    """The share of the first page's content area below its last line of text or image.

    Lines, not boxes: a box in columns may reach down to the page's bottom.
    """
    from weasyprint.formatting_structure import boxes

    page = document.pages[0]._page_box
    lowest, stack = page.content_box_y(), [page.children[0]]  # the root box; the margin boxes are the footer
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
            lowest = max(lowest, box.position_y + box.margin_height())
        elif isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    used = lowest - page.content_box_y()
    return max(0.0, 1.0 - used / page.height) if page.height else 0.0


def fill_css(document, html: str, body_pt: float) -> str:
    """CSS that spreads a one-page sheet's blank space between its sections ('' when there is little)."""
    blocks = len(_BLOCK.findall(html))
    page = document.pages[0]._page_box
    spare = (blank_share(document) - FILL_KEEP) * page.height * 0.75  # CSS px to pt
    if blocks < 2 or spare <= 0:
        return ""
    extra = min(spare / (2 * blocks), FILL_MAX_LINES * 1.4 * body_pt / 2)
    top, bottom = 0.2 * body_pt + extra, 0.15 * body_pt + extra  # sheet.css: .block padding 0.2rem 0 0.15rem
    return f"html body .block{{padding-top:{top:.2f}pt;padding-bottom:{bottom:.2f}pt}}"


class _Fitter:
    """Lays out variants of one sheet, each at most once."""

    def __init__(self, html_for_level: Callable[[int], str], max_pages: int):
        self.html_for_level = html_for_level
        self.max_pages = max_pages
        self.htmls: dict[int, str] = {}
        self.documents: dict[tuple[int, str], Any] = {}

    def html(self, level: int) -> str:
        if level not in self.htmls:
            self.htmls[level] = self.html_for_level(level)
        return self.htmls[level]

    def layout(self, level: int, css: str = ""):
        if (level, css) not in self.documents:
            self.documents[level, css] = layout(with_css(self.html(level), css))
        return self.documents[level, css]

    def fits(self, level: int, css: str = "") -> bool:
        return len(self.layout(level, css).pages) <= self.max_pages

    def largest(self, levels: list[int], fits: Callable[[int], bool], hint: int) -> int | None:
        """The largest step (lowest level) of ``levels`` for which ``fits`` holds, trying the hint first.

        Whether a sheet fits only changes once along the ladder, so the hint is
        confirmed by the step above it failing, and otherwise the ladder is
        bisected; the answer is always the largest step that fits.
        """
        known: dict[int, bool] = {}

        def check(index: int) -> bool:
            if index not in known:
                known[index] = fits(levels[index])
            return known[index]

        low, high = 0, len(levels) - 1  # the answer is in [low, high], or none fits
        hint_index = min(max(levels.index(hint) if hint in levels else 0, low), high)
        if check(hint_index):
            high = hint_index
            if hint_index == 0 or not check(hint_index - 1):
                return levels[hint_index]
            high = hint_index - 1
        else:
            low = hint_index + 1
        while low < high:
            middle = (low + high) // 2
            if check(middle):
                high = middle
            else:
                low = middle + 1
        if low < len(levels) and check(low):
            return levels[low]
        return None


def fit(html_for_level: Callable[[int], str], max_pages: int = 1, start: int = 0) -> Fit:
    """Lay a sheet out at the largest step of the type ladder that fits ``max_pages``.

    ``start`` is only a hint (the step the previous edition needed, or a guess
    from the amount of text): it is re-checked upward, so the answer is the
    largest step that fits whatever the hint. At the smallest step a sheet
    that still does not fit leaves out rows in the plan's order, as few as
    will do, saying so on the sheet; a list that may be split becomes parts
    that each fit a page. Only a sheet that fits none of these continues onto
    more pages (marked 续), as before.
    """
    fitter = _Fitter(html_for_level, max_pages)
    levels = list(LEVELS)
    smallest = levels[-1]

    def body_pt(level: int) -> float:
        return float(read_plan(fitter.html(level)).get("body_pt", STEPS[level]))

    def result(document, level: int, left_out: list[str], css: list[str]) -> Fit:
        return Fit(document, level, body_pt(level), left_out, tuple(css))

    def filled(level: int, css: str, left_out: list[str]) -> Fit:
        """The sheet at ``level``; below the largest step, its sections spaced out to fill the page."""
        document = fitter.layout(level, css)
        if level != levels[0] and max_pages == 1 and len(document.pages) == 1:
            extra = fill_css(document, fitter.html(level), body_pt(level))
            if extra and fitter.fits(level, css + extra):
                css += extra
                document = fitter.layout(level, css)
        return result(document, level, left_out, [css])

    plan = read_plan(fitter.html(min(max(start, 0), smallest)))
    base_css, base_left_out = cut_css(plan, 0)
    level = fitter.largest(levels, lambda lv: fitter.fits(lv, base_css), start)
    if level is not None:
        return filled(level, base_css, base_left_out)

    plan = read_plan(fitter.html(smallest))
    cuts = len(plan.get("cuts", []))
    if cuts:
        variants = [cut_css(plan, cut) for cut in range(1, cuts + 1)]
        found = fitter.largest(
            list(range(cuts)), lambda index: fitter.fits(smallest, variants[index][0]), hint=cuts // 2
        )
        if found is not None:
            css, left_out = variants[found]
            return filled(smallest, css, left_out)
    if plan.get("split") and max_pages == 1:
        for parts in range(2, MAX_PARTS + 1):
            bounds = split_bounds(plan["weights"], parts)
            css = [base_css + part_css(bounds, part) for part in range(1, parts + 1)]
            level = fitter.largest(levels, lambda lv, css=css: all(fitter.fits(lv, c) for c in css), hint=0)
            if level is not None:
                return result(_joined([fitter.layout(level, c) for c in css]), level, base_left_out, css)

    # Nothing fits: the smallest step, continued onto more pages (marked 续); nothing more is cut.
    return result(fitter.layout(smallest, base_css), smallest, base_left_out, [base_css])


def write_pdf(document) -> bytes:
    """PDF/UA-1: tagged, with the document's language and title, text in reading order."""
    return document.write_pdf(pdf_variant="pdf/ua-1")


def render_sheet(html_for_level: Callable[[int], str], max_pages: int = 1, start: int = 0) -> RenderedPdf:
    started = time.perf_counter()
    fitted = fit(html_for_level, max_pages, start)
    pdf = write_pdf(fitted.document)
    return RenderedPdf(
        pdf=pdf,
        pages=len(fitted.document.pages),
        layout=fitted.level,
        seconds=time.perf_counter() - started,
        body_pt=fitted.body_pt,
        left_out=list(fitted.left_out),
        recipe=fitted.recipe,
    )


def render_levels(htmls: dict[int, str], max_pages: int = 1, start: int = 0) -> RenderedPdf:
    """``render_sheet`` for HTML already made for each level, so it can be sent to a worker process."""
    return render_sheet(htmls.__getitem__, max_pages, start)


_slots = threading.BoundedSemaphore(getattr(settings, "SHEETS_CONCURRENT_RENDERS", 2))
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def render_with_limit(func: Callable[..., RenderedPdf], *args, timeout: float | None = None) -> RenderedPdf:
    """Run ``func(*args)`` in a renderer process and stop it after ``timeout`` seconds.

    A thread cannot be stopped and ``signal.alarm`` works only in the main
    thread, so a render that hangs (a pathological table, a huge image) is
    bounded by running it in a worker process that is killed on timeout. The
    workers are forked once, after the fonts are loaded, so a request pays no
    start-up. At most SHEETS_CONCURRENT_RENDERS run at once per process;
    beyond that requests are refused at once rather than queued.
    """
    timeout = timeout if timeout is not None else settings.SHEETS_RENDER_TIMEOUT
    if not _slots.acquire(timeout=1):
        raise RendererBusy("too many sheets are being rendered")
    try:
        future = _renderers().submit(func, *args)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            _discard_renderers()
            raise RenderTimeout(f"rendering took longer than {timeout:g} s") from None
        except BrokenProcessPool as exc:
            _discard_renderers()
            raise RenderError("renderer process died") from exc
    finally:
        _slots.release()


def _renderers() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            font_config(), stylesheet()  # workers inherit the loaded fonts
            workers = getattr(settings, "SHEETS_CONCURRENT_RENDERS", 2)
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
        return _pool


def _discard_renderers() -> None:
    """Kill every renderer (one is stuck); the next render forks fresh ones."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
