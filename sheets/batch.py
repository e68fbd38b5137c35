"""Building many sheets at once: every code in a town, in parallel, carrying on past failures."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections
from wagtail.models import Page, Site

from .editions import refresh_edition
from .pages import SheetNotFound, all_keys, output_path, sheet_pages
from .production import produce
from .render import font_config, stylesheet


@dataclass
class BatchReport:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def refresh_editions(site: Site, pages: list[Page] | None = None) -> int:
    """Bring every sheet's edition up to date with live content; returns how many new editions."""
    new = 0
    for page in pages if pages is not None else sheet_pages(site):
        new += int(refresh_edition(page).created)
    return new


def _build_one(site_id: int, code: str, out: str | None) -> tuple[str, str | None, int]:
    try:
        site = Site.objects.select_related("root_page").get(pk=site_id)
        served = produce(site, code)
        if out:
            path = output_path(Path(out), code)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(served.record.pdf))
        return code, None, served.record.pages
    except Exception as exc:  # reported at the end; the batch carries on
        message = "没有这个编码的明白纸" if isinstance(exc, SheetNotFound) else f"{type(exc).__name__}: {exc}"
        return code, message, 0


def build_all(
    site: Site,
    codes: list[str] | None = None,
    *,
    jobs: int = 1,
    out: Path | None = None,
    refresh: bool = True,
    on_done: Callable[[str], None] | None = None,
) -> BatchReport:
    """Render (or take from the cache) each code's sheet; a failing code never stops the rest.

    ``on_done`` is called with each code as it finishes (in order), for progress."""
    started = time.perf_counter()
    codes = codes or all_keys(site)
    if refresh:
        refresh_editions(site)
    report = BatchReport()
    target = str(out) if out else None
    if jobs > 1 and len(codes) > 1:
        font_config(), stylesheet()  # warm once; forked workers inherit it
        connections.close_all()  # each worker opens its own database connection
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = pool.map(_build_one, [site.pk] * len(codes), codes, [target] * len(codes))
            _collect(report, results, on_done)
    else:
        _collect(report, (_build_one(site.pk, code, target) for code in codes), on_done)
    report.seconds = time.perf_counter() - started
    return report


def _collect(report: BatchReport, results: Iterable[tuple[str, str, int]], on_done) -> None:
    for code, error, pages in results:
        if error:
            report.failed.append((code, error))
        else:
            report.done.append(code)
            report.pages[code] = pages
        if on_done is not None:
            on_done(code)
