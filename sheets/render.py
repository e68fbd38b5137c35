"""HTML to PDF with WeasyPrint: fitting a sheet to its page, and a hard time limit.

Speed comes from three things, measured in ``bench/bench_sheets.py``:
harfbuzz subsetting (``libharfbuzz-subset0``) instead of fontTools, one
``FontConfiguration`` and one parsed stylesheet per process instead of per
sheet, and laying out (cheap) before writing (the costly part) only once.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

STYLESHEET = Path(__file__).parent / "static" / "sheets" / "sheet.css"
# Densest first would waste space on short guides; loosest first wastes a layout pass on long ones.
# Levels: 0 all large; 1 secondary sections smaller, checklists in two columns; 2 and 3 tighter still.
LEVELS = (0, 1, 2, 3)


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
    layout: int
    seconds: float


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


def fit(html_for_level: Callable[[int], str], max_pages: int = 1, start: int = 0):
    """Lay out at the loosest level from ``start`` on that fits ``max_pages``.

    ``start`` is a hint (the level the previous edition needed, or a guess
    from the amount of text) that saves layout passes. A sheet that cannot
    fit continues onto further pages (marked 续) at the loosest level that
    fits one more page; nothing is ever cut.
    """
    documents = {}
    start = min(max(start, LEVELS[0]), LEVELS[-1])
    for pages_allowed in (max_pages, max_pages + 1):
        for level in LEVELS[start:] if pages_allowed == max_pages else LEVELS:
            if level not in documents:
                documents[level] = layout(html_for_level(level))
            if len(documents[level].pages) <= pages_allowed:
                return documents[level], level
    densest = LEVELS[-1]
    return documents[densest], densest


def write_pdf(document) -> bytes:
    """PDF/UA-1: tagged, with the document's language and title, text in reading order."""
    return document.write_pdf(pdf_variant="pdf/ua-1")


def render_sheet(html_for_level: Callable[[int], str], max_pages: int = 1, start: int = 0) -> RenderedPdf:
    started = time.perf_counter()
    document, level = fit(html_for_level, max_pages, start)
    pdf = write_pdf(document)
    return RenderedPdf(pdf=pdf, pages=len(document.pages), layout=level, seconds=time.perf_counter() - started)


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
