"""Publishing content (or changing town settings) schedules new sheets once the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from home.models import TownSettings
from home.outputs import SHEET, registry


@receiver(page_published)
def schedule_after_publish(sender, instance, **kwargs) -> None:
    from .tasks import refresh_sheets

    if registry.is_paused() or registry.contribution(SHEET, instance) is None:
        return
    page_id = instance.pk
    transaction.on_commit(lambda: refresh_sheets.enqueue([page_id]))


@receiver(post_save, sender=TownSettings)
def schedule_after_settings(sender, instance, raw: bool = False, **kwargs) -> None:
    from .tasks import refresh_site_sheets

    if raw or registry.is_paused():
        return
    site_id = instance.site_id
    transaction.on_commit(lambda: refresh_site_sheets.enqueue(site_id))
