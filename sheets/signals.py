"""Publishing content (or changing town settings) schedules new sheets once the transaction commits.

A town-settings save re-renders only what shows the changed fields: the town
name and the demo notice are on every sheet; the town's phones and online
address on item sheets (and the packs that hold them); the service hall on
packs. Hot words, the portal title and the footer note are on no sheet.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save, pre_save
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


# TownSettings field -> which sheets print it (tasks.SCOPES).
PRINTED_SETTINGS = {
    "town_name": "all",
    "show_demo_notice": "all",
    "public_address": "all",  # every QR code and footer carries it
    "consultation_phone": "items",
    "complaint_phone": "items",
    "online_service_url": "items",
    "service_hall_id": "packs",
}


@receiver(pre_save, sender=TownSettings)
def remember_printed_settings(sender, instance, raw: bool = False, **kwargs) -> None:
    before = TownSettings.objects.filter(pk=instance.pk).values(*PRINTED_SETTINGS).first() if instance.pk else None
    instance._printed_before = before or {}


def changed_scopes(instance) -> list[str]:
    """Which sheets a settings save changes, from the printed fields whose value differs."""
    before = getattr(instance, "_printed_before", {})
    return sorted({scope for field, scope in PRINTED_SETTINGS.items() if before.get(field) != getattr(instance, field)})


@receiver(post_save, sender=TownSettings)
def schedule_after_settings(sender, instance, raw: bool = False, **kwargs) -> None:
    from .tasks import refresh_site_sheets

    scopes = changed_scopes(instance)
    if raw or registry.is_paused() or not scopes:
        return
    site_id = instance.site_id
    transaction.on_commit(lambda: refresh_site_sheets.enqueue(site_id, scopes))
