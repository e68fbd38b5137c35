"""Re-rendering sheets after a publish, as background tasks.

Tasks use the django-tasks API (Django 6's ``django.tasks``, backported) on
their own backend alias, "sheets", so a queue backend can replace
``ThreadBackend`` by setting only SHEETS_TASKS_BACKEND, and Wagtail's own
tasks (on "default") stay as Wagtail expects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from wagtail.models import Page, Site

from home.outputs import SHEET, registry
from home.towns import town_of
from places.models import PlaceKind, PlacePage
from services.models import CertificateListPage, ServiceItemPage

from .editions import refresh_edition
from .pages import PACK_PREFIX, POSTER_KEY, all_keys, service_hall, sheet_pages, village_points
from .production import get_pack, get_sheet

logger = logging.getLogger(__name__)


class ThreadBackend(ImmediateBackend):
    """Runs tasks one at a time on a background thread of this process.

    django-tasks 0.12 ships only the immediate (blocking) and dummy
    backends; publishing a town hall would otherwise wait for every item
    sheet that shows its hours. One worker thread keeps renders serial.
    """

    _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-tasks")

    def _execute_task(self, task_result) -> None:
        self._executor.submit(self._run, task_result)

    def _run(self, task_result) -> None:
        close_old_connections()
        try:
            super()._execute_task(task_result)
        finally:
            close_old_connections()


def packs_affected(site: Site, pages: list[Page]) -> list[PlacePage]:
    """Village packs that print one of ``pages``.

    Every pack holds both certificate lists and the town hall's sheet; a
    point's own pack holds its sheet and its items (an item's affected pages
    already include the points that handle it).
    """
    hall = service_hall(site)
    if any(isinstance(p, CertificateListPage) or (hall is not None and p.pk == hall.pk) for p in pages):
        return list(village_points(site))
    return [p for p in pages if isinstance(p, PlacePage) and p.kind == PlaceKind.VILLAGE_POINT]


def _attempt(failed: list[str], key: str, make: Callable[[], object]) -> bool:
    """Run one renewal; a failure is logged and listed, and never stops the others."""
    try:
        make()
    except Exception:
        logger.exception("sheet %s could not be refreshed", key)
        failed.append(key)
        return False
    return True


def refresh_for_page(page: Page, done: list[str], failed: list[str], later: list[str]) -> None:
    """New editions for every sheet that shows ``page``, and the PDF of the one it is printed on.

    The sheet the editor just changed (the page's own, or its list's for a
    certificate entry) is rendered here; the others that show it (its places,
    village packs, the poster) go to ``later``, to be queued at low priority so
    the next editor's sheet does not wait behind a town's packs.
    """
    site = town_of(page)
    if site is None:
        return
    affected = [p for p in registry.affected(SHEET, page) if p.live]
    for target in affected:
        _attempt(failed, target.code, lambda t=target: refresh_edition(t))
    if affected:
        first = affected[0]
        if _attempt(failed, first.code, lambda: get_sheet(site, first.code)):
            done.append(first.code)
    later.extend(target.code for target in affected[1:])
    later.extend(PACK_PREFIX + point.code for point in packs_affected(site, affected))
    if any(isinstance(p, CertificateListPage) for p in affected):
        later.append(POSTER_KEY)


def queue_renewals(site_id: int, keys: list[str]) -> None:
    """Queue sheets at low priority: single sheets a few at a time, each pack or poster on its own."""
    build = build_sheet_keys.using(priority=SITE_RENEWAL_PRIORITY)
    sheets = [key for key in keys if ":" not in key]
    for start in range(0, len(sheets), SITE_RENEWAL_CHUNK):
        build.enqueue(site_id, sheets[start : start + SITE_RENEWAL_CHUNK])
    for key in keys:
        if ":" in key:  # pack:OF-Vnn and poster:ZM take seconds each
            build.enqueue(site_id, [key])


@task(backend="sheets")
def refresh_sheets(page_ids: list[int]) -> dict:
    """After a publish: the changed sheet now, everything else that shows the page queued behind."""
    done: list[str] = []
    failed: list[str] = []
    for page in Page.objects.filter(pk__in=page_ids).specific():
        later: list[str] = []
        refresh_for_page(page, done, failed, later)
        site = town_of(page)
        if site is not None and later:
            queue_renewals(site.pk, list(dict.fromkeys(later)))
    return {"done": done, "failed": failed}


@task(backend="sheets")
def build_pack(site_id: int, code: str) -> int:
    """One village pack, when a resident asks for it and it is not cached."""
    site = Site.objects.select_related("root_page").get(pk=site_id)
    return get_pack(site, code).record.pages


# Site-wide renewals go through the queue in small, low-priority pieces, so a
# guide published meanwhile (default priority) has its sheet within seconds.
SITE_RENEWAL_PRIORITY = -10
SITE_RENEWAL_CHUNK = 4


def keys_for_scopes(site: Site, scopes: list[str]) -> list[str]:
    """Sheet keys a town-settings change affects: 'all', 'items' (their sheets and packs), 'packs'."""
    keys = all_keys(site)
    if "all" in scopes:
        return keys
    wanted: set[str] = set()
    if "items" in scopes:
        items = {page.code for page in sheet_pages(site) if isinstance(page, ServiceItemPage)}
        wanted |= items | {key for key in keys if key.startswith(PACK_PREFIX)}
    if "packs" in scopes:
        wanted |= {key for key in keys if key.startswith(PACK_PREFIX)}
    return [key for key in keys if key in wanted]


@task(backend="sheets")
def refresh_site_sheets(site_id: int, scopes: list[str] | None = None) -> dict:
    """After a town-wide change: new editions now, then the affected PDFs queued in small pieces."""
    from .batch import refresh_editions

    site = Site.objects.select_related("root_page").get(pk=site_id)
    new_editions = refresh_editions(site)
    keys = keys_for_scopes(site, scopes or ["all"])
    queue_renewals(site_id, keys)
    return {"editions": new_editions, "queued": keys}


@task(backend="sheets", priority=SITE_RENEWAL_PRIORITY)
def build_sheet_keys(site_id: int, keys: list[str]) -> dict:
    """A few sheets of a site-wide renewal; a failing key never stops the others."""
    from .batch import build_all

    site = Site.objects.select_related("root_page").get(pk=site_id)
    report = build_all(site, keys, refresh=False)
    return {"done": report.done, "failed": [code for code, _error in report.failed]}


@task(backend="sheets")
def preview_draft(page_id: int, revision_id: int) -> dict:
    """The sheet a saved draft would print, for the 明白纸 panel: body size, what it leaves out, a PNG."""
    from .preview import make_preview

    preview = make_preview(page_id, revision_id)
    if preview is None:
        return {"superseded": True}
    return {"body_pt": preview.body_pt, "left_out": preview.left_out, "pages": preview.pages, "error": preview.error}
