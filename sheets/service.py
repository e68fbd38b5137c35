"""Finding, rendering and caching sheets, with a fallback to the last good one.

Request path for a cached sheet: page by code, current edition, cached PDF:
three indexed queries, no rendering. Rendering happens when content is
published (``sheets.tasks``), in ``build_sheets``, or on a cache miss.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from wagtail.models import Page, Site

from home.models import TownSettings

from .content import SNAPSHOT_FORMAT
from .documents import Presentation, cover_html, guess_level, poster_html, render_key, sheet_html
from .editions import current_edition, refresh_edition
from .models import RenderedSheet, SheetEdition
from .render import LEVELS, RenderedPdf, fit, layout, render_levels, render_sheet, render_with_limit, write_pdf

logger = logging.getLogger(__name__)

KEEP_RENDERS = 3  # per key: the current PDF and two fallbacks
POSTER_KEY = "poster:ZM"
PACK_PREFIX = "pack:"
CERTIFICATE_CODES = ("ZM-Y", "ZM-N")


class SheetNotFound(Exception):
    """No live page with a sheet has this code."""


class SheetUnavailable(Exception):
    """Rendering failed and there is no earlier sheet to fall back on."""


class SheetPending(Exception):
    """A pack is being built in the background and there is no earlier one to serve."""


@dataclass
class ServedSheet:
    record: RenderedSheet
    fallback: bool = False  # True when rendering failed and an earlier PDF is served


def _model_for(code: str):
    from places.models import PlacePage
    from services.models import CertificateListPage, ServiceItemPage

    if re.fullmatch(r"ZM-[YN]", code):
        return CertificateListPage
    if re.fullmatch(r"OF-[A-Z]\d{2}", code):
        return PlacePage
    if re.fullmatch(ServiceItemPage.code_pattern.strip("^$"), code):
        return ServiceItemPage
    return None


def sheet_page(site: Site, code: str, **filters) -> Page:
    """The live page in ``site`` whose sheet has ``code``."""
    model = _model_for(code)
    if model is None:
        raise SheetNotFound(code)
    root_path = Page.objects.filter(pk=site.root_page_id).values_list("path", flat=True).first() or ""
    page = model.objects.live().filter(code=code, path__startswith=root_path, **filters).first()
    if page is None:
        raise SheetNotFound(code)
    return page


def ensure_edition(page: Page) -> SheetEdition:
    """The current edition; made (or re-made, after a snapshot format change) if needed."""
    edition = current_edition(page)
    if edition is None or edition.snapshot.get("format") != SNAPSHOT_FORMAT:
        edition = refresh_edition(page)
    return edition


# -- single sheets ------------------------------------------------------


def get_sheet(site: Site, code: str, *, time_limit: bool = True) -> ServedSheet:
    page = sheet_page(site, code)
    edition = ensure_edition(page)
    presentation = Presentation.for_site(site)
    source_hash = render_key([edition], presentation)
    cached = _lookup(site, code, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    start = level_hint(site, code, edition)
    return _render_or_fall_back(site, code, source_hash, edition, sheet_html(edition, presentation), start, time_limit)


def level_hint(site: Site, key: str, edition: SheetEdition | None = None) -> int:
    """Where fitting starts: the level this sheet's last render needed, else a guess from its length."""
    renders = RenderedSheet.objects.filter(site=site, key=key)
    if edition is not None:
        renders = renders.filter(edition__page_id=edition.page_id)
    previous = renders.order_by("-rendered_at").values_list("layout", flat=True).first()
    if previous is not None:
        return previous
    return guess_level(edition.snapshot) if edition is not None else LEVELS[0]


def get_poster(site: Site, *, time_limit: bool = True) -> ServedSheet:
    editions = [ensure_edition(sheet_page(site, code)) for code in CERTIFICATE_CODES]
    presentation = Presentation.for_site(site)
    source_hash = render_key(editions, presentation, kind="poster")
    title = f"{presentation.town_name}村（社区）证明事项清单"
    cached = _lookup(site, POSTER_KEY, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    html = poster_html(editions, presentation, title)
    start = level_hint(site, POSTER_KEY)
    return _render_or_fall_back(site, POSTER_KEY, source_hash, None, html, start, time_limit)


# -- village packs ------------------------------------------------------


def pack_editions(site: Site, point) -> list[SheetEdition]:
    """Editions in pack order: items handled at the point, both certificate lists, the town hall."""
    from places.models import PlaceKind, PlacePage

    pages: list[Page] = list(point.handled_items())
    for code in CERTIFICATE_CODES:
        try:
            pages.append(sheet_page(site, code))
        except SheetNotFound:
            continue
    hall = TownSettings.for_site(site).service_hall
    if hall is None or not hall.live:
        root_path = site.root_page.path
        hall = PlacePage.objects.live().filter(kind=PlaceKind.HALL, path__startswith=root_path).first()
    if hall is not None:
        pages.append(hall)
    return [ensure_edition(page) for page in pages]


def get_pack(site: Site, code: str, *, time_limit: bool = True) -> ServedSheet:
    from places.models import PlaceKind

    point = sheet_page(site, code, kind=PlaceKind.VILLAGE_POINT)
    cover = ensure_edition(point)
    parts = pack_editions(site, point)
    presentation = Presentation.for_site(site)
    source_hash = render_key([cover, *parts], presentation, kind="pack")
    key = PACK_PREFIX + code
    cached = _lookup(site, key, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    if not time_limit:  # a task or build_sheets: render here
        hints = [level_hint(site, edition.code, edition) for edition in parts]
        return ServedSheet(store(site, key, source_hash, cover, render_pack(cover, parts, presentation, hints)))
    # A request: a pack is tens of sheets, seconds of work that never runs inside a request.
    from .tasks import build_pack

    build_pack.enqueue(site.pk, code)  # the immediate backend finishes it before returning
    cached = _lookup(site, key, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    fallback = RenderedSheet.objects.filter(site=site, key=key).order_by("-rendered_at").first()
    if fallback is None:
        raise SheetPending(key)
    return ServedSheet(fallback, fallback=True)


def render_pack(
    cover: SheetEdition, parts: list[SheetEdition], presentation: Presentation, hints: list[int]
) -> RenderedPdf:
    """Cover with contents, then each part laid out on its own (so each keeps its one-page fit)."""
    started = time.perf_counter()
    documents = [
        fit(sheet_html(edition, presentation), start=hint)[0] for edition, hint in zip(parts, hints, strict=True)
    ]
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
    combined = cover_document.copy(pages)
    pdf = write_pdf(combined)
    return RenderedPdf(pdf=pdf, pages=len(pages), layout=0, seconds=time.perf_counter() - started)


# -- cache --------------------------------------------------------------


def _lookup(site: Site, key: str, source_hash: str) -> RenderedSheet | None:
    return RenderedSheet.objects.filter(site=site, key=key, source_hash=source_hash).first()


def _render_or_fall_back(site, key, source_hash, edition, html_for_level, start: int, time_limit: bool) -> ServedSheet:
    """A new render; if that fails, the last good PDF for the key, else SheetUnavailable."""
    try:
        if time_limit:
            htmls = {level: html_for_level(level) for level in LEVELS}
            rendered = render_with_limit(render_levels, htmls, 1, start)
        else:
            rendered = render_sheet(html_for_level, start=start)
    except Exception as exc:
        logger.exception("rendering sheet %s failed", key)
        fallback = RenderedSheet.objects.filter(site=site, key=key).order_by("-rendered_at").first()
        if fallback is None:
            raise SheetUnavailable(f"{key}: {type(exc).__name__}: {exc}") from exc
        return ServedSheet(fallback, fallback=True)
    return ServedSheet(store(site, key, source_hash, edition, rendered))


def store(site: Site, key: str, source_hash: str, edition, rendered: RenderedPdf) -> RenderedSheet:
    """Save a render and drop all but the newest few for its key, in one transaction."""
    try:
        with transaction.atomic():
            record = RenderedSheet.objects.create(
                site=site,
                key=key,
                source_hash=source_hash,
                edition=edition,
                pdf=rendered.pdf,
                pages=rendered.pages,
                layout=rendered.layout,
                render_seconds=rendered.seconds,
            )
            old = RenderedSheet.objects.filter(site=site, key=key).order_by("-rendered_at", "-pk")[KEEP_RENDERS:]
            RenderedSheet.objects.filter(pk__in=[r.pk for r in old]).delete()
    except IntegrityError:  # rendered concurrently by another worker: theirs is as good
        record = RenderedSheet.objects.get(site=site, key=key, source_hash=source_hash)
    return record


def latest_render(page: Page) -> RenderedSheet | None:
    """The newest PDF for a page's sheet, for the admin panel."""
    code = getattr(page.specific_deferred, "code", "")
    return (
        RenderedSheet.objects.filter(key=code, edition__page=page).order_by("-rendered_at").defer("pdf").first()
        if code
        else None
    )
