"""Building many sheets at once: every code in a town, in parallel, carrying on past failures."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections
from wagtail.models import Page, Site

from . import service
from .content import has_sheet
from .editions import refresh_edition
from .render import font_config, stylesheet


@dataclass
class BatchReport:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def sheet_pages(site: Site) -> list[Page]:
    """Every live page in the site that has a sheet, in tree order."""
    from places.models import PlacePage
    from services.models import CertificateListPage, ServiceItemPage

    root_path = site.root_page.path
    pages: list[Page] = []
    for model in (ServiceItemPage, CertificateListPage, PlacePage):
        pages.extend(model.objects.live().filter(path__startswith=root_path).order_by("path"))
    return pages


def all_codes(site: Site) -> list[str]:
    from places.models import PlaceKind

    codes = [page.code for page in sheet_pages(site)]
    points = [p.code for p in sheet_pages(site) if getattr(p, "kind", "") == PlaceKind.VILLAGE_POINT]
    codes.extend(service.PACK_PREFIX + code for code in points)
    if all(code in codes for code in service.CERTIFICATE_CODES):
        codes.append(service.POSTER_KEY)
    return codes


def refresh_editions(site: Site, pages: list[Page] | None = None) -> int:
    """Bring every sheet's edition up to date with live content; returns how many new editions."""
    new = 0
    for page in pages if pages is not None else sheet_pages(site):
        if not has_sheet(page):
            continue
        new += int(refresh_edition(page).created)
    return new


def produce(site: Site, code: str, *, time_limit: bool = False) -> service.ServedSheet:
    """The current sheet, pack or poster for ``code``, rendered if not cached."""
    if code == service.POSTER_KEY:
        return service.get_poster(site, time_limit=time_limit)
    if code.startswith(service.PACK_PREFIX):
        return service.get_pack(site, code.removeprefix(service.PACK_PREFIX), time_limit=time_limit)
    return service.get_sheet(site, code, time_limit=time_limit)


def output_path(out: Path, code: str) -> Path:
    if code == service.POSTER_KEY:
        return out / "poster" / "ZM-A3.pdf"
    if code.startswith(service.PACK_PREFIX):
        return out / "pack" / f"{code.removeprefix(service.PACK_PREFIX)}.pdf"
    return out / f"{code}.pdf"


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
        message = "没有这个编码的明白纸" if isinstance(exc, service.SheetNotFound) else f"{type(exc).__name__}: {exc}"
        return code, message, 0


def build_all(
    site: Site, codes: list[str] | None = None, *, jobs: int = 1, out: Path | None = None, refresh: bool = True
) -> BatchReport:
    """Render (or take from the cache) each code's sheet; a failing code never stops the rest."""
    started = time.perf_counter()
    codes = codes or all_codes(site)
    if refresh:
        refresh_editions(site)
    report = BatchReport()
    target = str(out) if out else None
    if jobs > 1 and len(codes) > 1:
        font_config(), stylesheet()  # warm once; forked workers inherit it
        connections.close_all()  # each worker opens its own database connection
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = list(pool.map(_build_one, [site.pk] * len(codes), codes, [target] * len(codes)))
    else:
        results = [_build_one(site.pk, code, target) for code in codes]
    for code, error, pages in results:
        if error:
            report.failed.append((code, error))
        else:
            report.done.append(code)
            report.pages[code] = pages
    report.seconds = time.perf_counter() - started
    return report
