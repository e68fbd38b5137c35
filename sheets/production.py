"""Making a sheet, pack or poster: the cached PDF if its inputs are unchanged, else a new render.

Used by background tasks and ``build_sheets`` (no time limit) and, through
``sheets.serving``, by requests (with a time limit, and never a pack). A
failed render falls back to the last good PDF for the key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from wagtail.models import Site

from . import cache
from .editions import ensure_edition
from .html import Presentation, cover_html, guess_level, poster_html, render_key, sheet_html
from .models import RenderedSheet, SheetEdition
from .pages import CERTIFICATE_CODES, PACK_PREFIX, POSTER_KEY, SheetNotFound, service_hall, sheet_page
from .render import (
    LEVELS,
    RenderedPdf,
    fit,
    lay_out_again,
    layout,
    render_levels,
    render_sheet,
    render_with_limit,
    write_pdf,
)

logger = logging.getLogger(__name__)


class SheetUnavailable(Exception):
    """Rendering failed and there is no earlier sheet to fall back on."""


@dataclass
class ServedSheet:
    record: RenderedSheet
    fallback: bool = False  # True when rendering failed and an earlier PDF is served


def produce(site: Site, key: str, *, time_limit: bool = False) -> ServedSheet:
    """The current sheet, pack or poster for ``key``, rendered if not cached."""
    if key == POSTER_KEY:
        return get_poster(site, time_limit=time_limit)
    if key.startswith(PACK_PREFIX):
        return get_pack(site, key.removeprefix(PACK_PREFIX))
    return get_sheet(site, key, time_limit=time_limit)


# -- single sheets and the poster ---------------------------------------


def get_sheet(site: Site, code: str, *, time_limit: bool = False) -> ServedSheet:
    edition = ensure_edition(sheet_page(site, code))
    presentation = Presentation.for_site(site)
    source_hash = render_key([edition], presentation)
    cached = cache.lookup(site, code, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    html = sheet_html(edition, presentation)
    return _render_or_fall_back(site, code, source_hash, edition, html, level_hint(site, code, edition), time_limit)


def get_poster(site: Site, *, time_limit: bool = False) -> ServedSheet:
    editions = [ensure_edition(sheet_page(site, code)) for code in CERTIFICATE_CODES]
    presentation = Presentation.for_site(site)
    source_hash = render_key(editions, presentation, kind="poster")
    cached = cache.lookup(site, POSTER_KEY, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    html = poster_html(editions, presentation, f"{presentation.town_name}村（社区）证明事项清单")
    return _render_or_fall_back(site, POSTER_KEY, source_hash, None, html, level_hint(site, POSTER_KEY), time_limit)


def level_hint(site: Site, key: str, edition: SheetEdition | None = None) -> int:
    """Where fitting starts: the level this sheet's last render needed, else a guess from its length."""
    previous = cache.previous_layout(site, key, edition.page_id if edition is not None else None)
    if previous is not None:
        return previous
    return guess_level(edition.snapshot) if edition is not None else LEVELS[0]


def _render_or_fall_back(
    site: Site,
    key: str,
    source_hash: str,
    edition: SheetEdition | None,
    html_for_level: Callable[[int], str],
    start: int,
    time_limit: bool,
) -> ServedSheet:
    """A new render; if that fails, the last good PDF for the key, else SheetUnavailable."""
    try:
        if time_limit:
            htmls = {level: html_for_level(level) for level in LEVELS}
            rendered = render_with_limit(render_levels, htmls, 1, start)
        else:
            rendered = render_sheet(html_for_level, start=start)
    except Exception as exc:
        logger.exception("rendering sheet %s failed", key)
        fallback = cache.last_good(site, key)
        if fallback is None:
            raise SheetUnavailable(f"{key}: {type(exc).__name__}: {exc}") from exc
        return ServedSheet(fallback, fallback=True)
    return ServedSheet(cache.store(site, key, source_hash, edition, rendered))


# -- village packs ------------------------------------------------------


def pack_editions(site: Site, point) -> list[SheetEdition]:
    """Editions in pack order: items handled at the point, both certificate lists, the town hall."""
    pages = list(point.handled_items())
    for code in CERTIFICATE_CODES:
        try:
            pages.append(sheet_page(site, code))
        except SheetNotFound:
            continue
    hall = service_hall(site)
    if hall is not None:
        pages.append(hall)
    return [ensure_edition(page) for page in pages]


def pack_source(site: Site, code: str) -> tuple[str, SheetEdition, list[SheetEdition]]:
    """A village pack's cache hash, its cover edition and its parts."""
    from places.models import PlaceKind

    point = sheet_page(site, code, kind=PlaceKind.VILLAGE_POINT)
    cover = ensure_edition(point)
    parts = pack_editions(site, point)
    return render_key([cover, *parts], Presentation.for_site(site), kind="pack"), cover, parts


def get_pack(site: Site, code: str) -> ServedSheet:
    """A village pack, rendered here if not cached: tens of sheets, so only ever in a task or a batch."""
    source_hash, cover, parts = pack_source(site, code)
    key = PACK_PREFIX + code
    cached = cache.lookup(site, key, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    presentation = Presentation.for_site(site)
    recipes = cache.recipes(site, [(e.code, render_key([e], presentation)) for e in parts])
    plans = [recipes.get(edition.code) or level_hint(site, edition.code, edition) for edition in parts]
    rendered = render_pack(cover, parts, presentation, plans)
    return ServedSheet(cache.store(site, key, source_hash, cover, rendered))


def lay_out_part(edition: SheetEdition, presentation: Presentation, plan: dict | int):
    """One part of a pack: as its own sheet was fitted (``plan`` its recipe), else fitted from a hint."""
    html = sheet_html(edition, presentation)
    if isinstance(plan, dict):
        return lay_out_again(html, plan)
    return fit(html, start=plan).document


def render_pack(
    cover: SheetEdition, parts: list[SheetEdition], presentation: Presentation, plans: list[dict | int]
) -> RenderedPdf:
    """Cover with contents, then each part laid out on its own (so each keeps its one-page fit)."""
    started = time.perf_counter()
    documents = [lay_out_part(edition, presentation, plan) for edition, plan in zip(parts, plans, strict=True)]
    cover_pages = 1
    for _attempt in range(2):  # the contents may push the cover to a second page
        toc, page_number = [], cover_pages + 1
        for edition, document in zip(parts, documents, strict=True):
            toc.append((edition.code, edition.snapshot["title"], page_number))
            page_number += len(document.pages)
        cover_document = layout(cover_html(cover, presentation, toc))
        if len(cover_document.pages) == cover_pages:
            break
        cover_pages = len(cover_document.pages)
    pages = [*cover_document.pages, *(page for document in documents for page in document.pages)]
    pdf = write_pdf(cover_document.copy(pages))
    return RenderedPdf(pdf=pdf, pages=len(pages), layout=0, seconds=time.perf_counter() - started)
