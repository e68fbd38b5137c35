"""Publishing content (or changing town settings) schedules new sheets once the transaction commits."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from home.models import TownSettings

_state = threading.local()


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Bulk jobs (the catalog import) refresh editions themselves at the end instead."""
    previous = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = previous


def is_suspended() -> bool:
    return getattr(_state, "suspended", False)


@receiver(page_published)
def schedule_after_publish(sender, instance, **kwargs) -> None:
    from .tasks import refresh_sheets

    if is_suspended() or type(instance).__name__ not in SHEET_SOURCES:
        return
    page_id = instance.pk
    transaction.on_commit(lambda: refresh_sheets.enqueue([page_id]))


@receiver(post_save, sender=TownSettings)
def schedule_after_settings(sender, instance, **kwargs) -> None:
    from .tasks import refresh_site_sheets

    if is_suspended():
        return
    site_id = instance.site_id
    transaction.on_commit(lambda: refresh_site_sheets.enqueue(site_id))


SHEET_SOURCES = {"ServiceItemPage", "CertificateListPage", "CertificateEntryPage", "PlacePage"}
