"""The sheet a guide's draft would print: made in the background on each save, cached per revision.

Saving a guide in the admin queues ``tasks.preview_draft`` for the revision
just saved. The task builds the sheet from that revision (not the live page),
fits it on the type ladder as publishing would, and caches what the editor
needs: the body size it reached, what it left out, its page count, and a PNG
of page 1 at ``PREVIEW_DPI``. The 明白纸 panel and the guide workbench read
these; neither ever renders. The panel shows the newest preview it has and
says 预览生成中… until the one for the current revision is ready.

Each revision's preview is cached under its page, revision id and creation
time, the snapshot format and the sheet style version, so a template change
makes previews anew. The creation time matters because a revision changes
under the same id: Wagtail's autosave overwrites its draft revision (and its
``created_at``) every time the editor pauses, and a rollback can bring an id
back. The picture's address carries that time too, so the browser never shows
an earlier save's picture from its cache.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.connection import ConnectionProxy
from wagtail.models import Page, Revision

from .content import SNAPSHOT_FORMAT, build
from .editions import current_edition
from .html import STYLE_VERSION, Presentation, guess_level, render_key, sheet_html
from .models import RenderedSheet, SheetEdition

logger = logging.getLogger(__name__)

PREVIEW_DPI = 50
PREVIEW_SECONDS = 30 * 24 * 60 * 60
QUEUED_SECONDS = 10 * 60  # after this a preview still missing is queued again (a lost task, a restarted worker)
VERSION = f"{SNAPSHOT_FORMAT}:{STYLE_VERSION}"

# Made by the task worker, shown by the web server: a cache both processes see.
cache = ConnectionProxy(caches, "shared")


@dataclass
class Preview:
    """What the draft's sheet came to; ``png`` is fetched separately, through ``png_url``."""

    page_id: int
    revision_id: int
    key: str
    body_pt: float = 0.0
    left_out: list[str] = field(default_factory=list)
    pages: int = 0
    error: str = ""  # the draft could not be made into a sheet (a half-filled guide)
    made_at: str = ""

    @property
    def png_url(self) -> str:
        return reverse("sheet_preview_png", args=[self.page_id, self.revision_id, saved_stamp(self.key)])

    @property
    def body_label(self) -> str:
        return f"{self.body_pt:g}" if self.body_pt else ""

    @property
    def left_out_summary(self) -> str:
        return left_out_summary(self.left_out)

    def as_dict(self) -> dict:
        return {
            "page_id": self.page_id,
            "revision_id": self.revision_id,
            "key": self.key,
            "body_pt": self.body_pt,
            "left_out": list(self.left_out),
            "pages": self.pages,
            "error": self.error,
            "made_at": self.made_at,
        }


def left_out_summary(left_out: list[str] | None) -> str:
    """["3项材料", "1个步骤"] -> "另有3项材料、1个步骤"; "" when nothing was left out."""
    return f"另有{'、'.join(left_out)}" if left_out else ""


def revision_key(page_id: int, revision_id: int, created) -> str:
    return _key(page_id, revision_id, f"{created.timestamp():.6f}")


def _key(page_id: int, revision_id: int, stamp: str) -> str:
    return f"sheets:preview:{page_id}:{revision_id}:{stamp}:{VERSION}"


def saved_stamp(key: str) -> str:
    """The revision's save time as a preview key holds it: '1764700000.123456'."""
    return key.split(":")[4]


def _png_key(key: str) -> str:
    return f"{key}:png"


def _latest_key(page_id: int) -> str:
    return f"sheets:preview-latest:{page_id}:{VERSION}"


def _queued_key(key: str) -> str:
    return f"{key}:queued"


def _from_dict(data: dict | None) -> Preview | None:
    return Preview(**data) if data else None


# -- reading (the panel, the workbench) ------------------------------------------------


@dataclass
class PanelPreview:
    current: Preview | None  # the preview of the revision being edited, once made
    shown: Preview | None  # the newest preview there is: the current one, else an earlier revision's
    pending: bool  # the current revision's preview is being made


def for_panel(page) -> PanelPreview:
    """The previews the 明白纸 panel shows for ``page`` (the latest revision, as the edit form holds it).

    A revision with no preview and none queued (saved outside the edit form,
    by an import say, or lost) is queued here: queuing is a row in the task
    table, never a render in the request.
    """
    revision_id = getattr(page, "latest_revision_id", None)
    created = getattr(page, "latest_revision_created_at", None)
    if not page.pk or revision_id is None or created is None:
        return PanelPreview(None, None, False)
    key = revision_key(page.pk, revision_id, created)
    current = _from_dict(cache.get(key))
    if current is not None:
        return PanelPreview(current, current, False)
    _queue(page.pk, revision_id, key)
    return PanelPreview(None, _from_dict(cache.get(_latest_key(page.pk))), True)


def for_rows(rows) -> dict[int, Preview]:
    """Page id -> the preview of its latest revision, for listed pages, in one cache read."""
    keys = {
        revision_key(row.pk, row.latest_revision_id, row.latest_revision_created_at): row.pk
        for row in rows
        if row.latest_revision_id is not None and row.latest_revision_created_at is not None
    }
    found = cache.get_many(list(keys))
    return {keys[key]: preview for key, data in found.items() if (preview := _from_dict(data)) is not None}


def png(page_id: int, revision_id: int, stamp: str) -> bytes | None:
    """The picture of one save of a revision (the revision may have been saved over since)."""
    return cache.get(_png_key(_key(page_id, revision_id, stamp)))


# -- queuing -----------------------------------------------------------------------------


def queue_preview(page_id: int, revision_id: int) -> None:
    """Queue the preview of a revision once its save commits, unless it is made or queued already."""
    created = Revision.page_revisions.filter(pk=revision_id).values_list("created_at", flat=True).first()
    if created is None:
        return
    key = revision_key(page_id, revision_id, created)
    if cache.get(key) is not None:
        return  # made already (a workflow action after a save makes no new revision)
    _queue(page_id, revision_id, key)


def _queue(page_id: int, revision_id: int, key: str) -> None:
    from .tasks import preview_draft

    if not cache.add(_queued_key(key), True, QUEUED_SECONDS):
        return  # on its way
    transaction.on_commit(lambda: preview_draft.enqueue(page_id, revision_id))


# -- making (the task) --------------------------------------------------------------------


def make_preview(page_id: int, revision_id: int) -> Preview | None:
    """Render the sheet of one revision and cache its preview; None when a newer revision has come."""
    from .panels import _preload_row_pages
    from .render import render_sheet

    page = Page.objects.get(pk=page_id).specific
    revision = Revision.page_revisions.get(pk=revision_id, object_id=str(page_id))
    if page.latest_revision_id not in (None, revision_id):
        return None  # the editor saved again; that revision has its own task
    key = revision_key(page_id, revision_id, revision.created_at)
    if (made := _from_dict(cache.get(key))) is not None:
        return made  # an autosave queued this revision again, but its content has not changed since
    preview = Preview(page_id, revision_id, key, made_at=timezone.now().isoformat())
    image = None
    try:
        draft = revision.as_object()
        _preload_row_pages(draft)
        content = build(draft)
        snapshot = content.snapshot() | {"url": content.page_url, "kind": content.kind}
        site = page.get_site()
        presentation = Presentation.for_site(site)
        current = current_edition(page)
        published = _published_render(page, current, content.content_hash, presentation)
        if published is not None:  # the draft prints as the live sheet does: no need to lay it out again
            pdf, preview.pages, preview.body_pt, preview.left_out = (
                bytes(published.pdf),
                published.pages,
                published.body_pt,
                list(published.left_out),
            )
        else:
            same = current is not None and current.content_hash == content.content_hash
            edition = SheetEdition(
                page=page,
                code=content.code,
                number=current.number if same else (current.number + 1 if current else 1),
                content_hash=content.content_hash,
                snapshot=snapshot,
                created_at=timezone.now(),
            )
            rendered = render_sheet(sheet_html(edition, presentation), start=guess_level(snapshot))
            pdf, preview.pages, preview.body_pt, preview.left_out = (
                rendered.pdf,
                rendered.pages,
                rendered.body_pt,
                list(rendered.left_out),
            )
        image = first_page_png(pdf)
    except Exception as exc:  # a half-filled draft, say: the panel says so instead of waiting forever
        logger.info("no sheet preview for page %s revision %s", page_id, revision_id, exc_info=True)
        preview.error = f"{type(exc).__name__}: {exc}"[:300]
    cache.set_many(
        {key: preview.as_dict(), **({_png_key(key): image} if image else {})},
        PREVIEW_SECONDS,
    )
    if image:
        cache.set(_latest_key(page_id), preview.as_dict(), PREVIEW_SECONDS)
    cache.delete(_queued_key(key))
    return preview


def _published_render(page, edition: SheetEdition | None, content_hash: str, presentation) -> RenderedSheet | None:
    if edition is None or edition.content_hash != content_hash:
        return None
    source_hash = render_key([edition], presentation)
    return RenderedSheet.objects.filter(key=edition.code, source_hash=source_hash, edition=edition).first()


def first_page_png(pdf: bytes, dpi: int = PREVIEW_DPI) -> bytes:
    """Page 1 of a PDF as a PNG at ``dpi`` (A4 at 50 dpi: 413 × 585 pixels)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72)
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# -- the image, for the panel ------------------------------------------------------------


def preview_png(request, page_id: int, revision_id: int, stamp: str) -> HttpResponse:
    """The preview PNG of a page revision, for users who may edit the page."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise Http404
    data = png(page_id, revision_id, stamp)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
