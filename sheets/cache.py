"""Rendered PDFs in the database, keyed by a hash of everything that went into them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from wagtail.models import Page, Site

from .models import RenderedSheet, SheetEdition
from .render import RenderedPdf

KEEP_RENDERS = 3  # per key: the current PDF and two fallbacks


def lookup(site: Site, key: str, source_hash: str) -> RenderedSheet | None:
    return RenderedSheet.objects.filter(site=site, key=key, source_hash=source_hash).first()


def last_good(site: Site, key: str) -> RenderedSheet | None:
    """The newest PDF for a key whatever its source, to serve when a new render fails."""
    return RenderedSheet.objects.filter(site=site, key=key).order_by("-rendered_at").first()


def store(site: Site, key: str, source_hash: str, edition: SheetEdition | None, rendered: RenderedPdf) -> RenderedSheet:
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
                body_pt=rendered.body_pt,
                left_out=rendered.left_out,
                recipe=rendered.recipe,
                render_seconds=rendered.seconds,
            )
            old = RenderedSheet.objects.filter(site=site, key=key).order_by("-rendered_at", "-pk")[KEEP_RENDERS:]
            RenderedSheet.objects.filter(pk__in=[r.pk for r in old]).delete()
    except IntegrityError:  # rendered concurrently by another worker: theirs is as good
        record = RenderedSheet.objects.get(site=site, key=key, source_hash=source_hash)
    return record


def latest_render(page: Page) -> RenderedSheet | None:
    """The newest PDF for a page's sheet, for the admin panel: its pages, ``body_pt`` and ``left_out``."""
    code = getattr(page.specific_deferred, "code", "")
    return (
        RenderedSheet.objects.filter(key=code, edition__page=page).order_by("-rendered_at").defer("pdf").first()
        if code
        else None
    )


def previous_layout(site: Site, key: str, page_id: int | None = None) -> int | None:
    """The layout level the last render of this key needed, if there was one."""
    renders = RenderedSheet.objects.filter(site=site, key=key)
    if page_id is not None:
        renders = renders.filter(edition__page_id=page_id)
    return renders.order_by("-rendered_at").values_list("layout", flat=True).first()


def recipes(site: Site, keys_and_hashes: list[tuple[str, str]]) -> dict[str, dict]:
    """The fit recipe of each sheet already rendered from the same source, by key (one query)."""
    wanted = dict(keys_and_hashes)
    rows = RenderedSheet.objects.filter(site=site, key__in=wanted).values_list("key", "source_hash", "recipe")
    return {key: recipe for key, source_hash, recipe in rows if recipe and wanted[key] == source_hash}
