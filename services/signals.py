"""Unit groups and review workflows follow the units and service directories as they change."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from .models import ResponsibleUnit, ServiceIndexPage


@receiver(post_save, sender=ResponsibleUnit)
def unit_saved(sender, instance: ResponsibleUnit, raw: bool = False, **kwargs) -> None:
    """A unit added or renamed in the admin gets (or renames) its editors and reviewers groups."""
    if raw:
        return
    from .permissions import sync_unit

    unit_id = instance.pk
    transaction.on_commit(lambda: sync_unit(ResponsibleUnit.objects.get(pk=unit_id)))


@receiver(post_save, sender=ServiceIndexPage)
def directory_saved(sender, instance: ServiceIndexPage, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A new service directory (a new town) gets every unit's rights and the guide workflow."""
    if raw or not created:
        return
    from .permissions import sync_groups

    transaction.on_commit(sync_groups)


@receiver(post_migrate)
def groups_after_migrate(sender, **kwargs) -> None:
    """Existing installations get the groups and workflows with the migration that brings them."""
    if sender.name != "services":
        return
    from .permissions import sync_groups

    sync_groups()
