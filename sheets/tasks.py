"""Re-rendering sheets after a publish, as a background task.

Tasks use the django-tasks API (Django 6's ``django.tasks``, backported) on
their own backend alias, "sheets", so a queue backend can replace
``ThreadBackend`` by setting only SHEETS_TASKS_BACKEND, and Wagtail's own
tasks (on "default") stay as Wagtail expects.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from wagtail.models import Page, Site

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


def sheet_pages_affected(page: Page) -> tuple[list[Page], bool]:
    """Pages whose sheets show something of ``page``, and whether every pack is affected."""
    from places.models import PlaceKind, PlacePage
    from services.models import CertificateEntryPage, CertificateListPage, ServiceItemPage

    page = page.specific
    if isinstance(page, ServiceItemPage):
        places = [row.place.specific for row in page.item_places.select_related("place")]
        return [page, *places], False
    if isinstance(page, CertificateEntryPage):
        parent = page.get_parent().specific
        return ([parent] if isinstance(parent, CertificateListPage) else []), True
    if isinstance(page, CertificateListPage):
        return [page], True
    if isinstance(page, PlacePage):
        affected: list[Page] = [page, *page.handled_items()]
        parent = page.get_parent().specific
        if isinstance(parent, PlacePage):
            affected.append(parent)
        return affected, page.kind == PlaceKind.HALL
    return [], False


@task(backend="sheets")
def refresh_sheets(page_ids: list[int]) -> dict:
    """New editions and PDFs for published pages and every sheet that shows them."""
    from places.models import PlaceKind, PlacePage

    from . import service
    from .editions import refresh_edition

    done, failed = [], []
    for page in Page.objects.filter(pk__in=page_ids).specific():
        site = page.get_site()
        if site is None:
            continue
        affected, all_packs = sheet_pages_affected(page)
        points = [p for p in affected if isinstance(p, PlacePage) and p.kind == PlaceKind.VILLAGE_POINT]
        if all_packs:
            points = list(
                PlacePage.objects.live().filter(kind=PlaceKind.VILLAGE_POINT, path__startswith=site.root_page.path)
            )
        for target in affected:
            if not target.live:
                continue
            try:
                refresh_edition(target)
                service.get_sheet(site, target.code, time_limit=False)
                done.append(target.code)
            except Exception:
                logger.exception("sheet for %s could not be refreshed", target.code)
                failed.append(target.code)
        for point in points:
            try:
                service.get_pack(site, point.code, time_limit=False)
            except Exception:
                logger.exception("pack for %s could not be refreshed", point.code)
                failed.append(f"pack:{point.code}")
        if any(getattr(p, "code", "").startswith("ZM-") for p in affected):
            try:
                service.get_poster(site, time_limit=False)
            except Exception:
                logger.exception("certificate poster could not be refreshed")
                failed.append(service.POSTER_KEY)
    return {"done": done, "failed": failed}


@task(backend="sheets")
def build_pack(site_id: int, code: str) -> int:
    """One village pack, when a resident asks for it and it is not cached."""
    from . import service

    site = Site.objects.select_related("root_page").get(pk=site_id)
    return service.get_pack(site, code, time_limit=False).record.pages


@task(backend="sheets")
def refresh_site_sheets(site_id: int) -> dict:
    """After a town-wide change (town name, demo notice): every edition and sheet in one site."""
    from .batch import build_all

    site = Site.objects.get(pk=site_id)
    report = build_all(site)
    return {"done": report.done, "failed": [code for code, _error in report.failed]}
