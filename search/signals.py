"""Publishing, unpublishing and deleting update the index without a rebuild."""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from home.outputs import registry

from . import indexing
from .models import Synonym
from .vocabulary import vocabulary_changed

logger = logging.getLogger(__name__)


@receiver(page_published)
def index_published_page(sender, instance, **kwargs):
    if registry.is_paused():  # a bulk job rebuilds the index once at its end
        return
    try:
        indexing.update_page(instance)
    except Exception:  # an index fault must never block publishing
        logger.exception("could not index page %s", instance.pk)


@receiver(page_unpublished)
def unindex_unpublished_page(sender, instance, **kwargs):
    try:
        indexing.remove_page(instance.pk)
    except Exception:
        logger.exception("could not remove page %s from the index", instance.pk)


@receiver(post_delete)
def unindex_deleted_page(sender, instance, **kwargs):
    if isinstance(instance, Page):
        try:
            indexing.remove_page(instance.pk)
        except Exception:
            logger.exception("could not remove page %s from the index", instance.pk)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_saved(sender, **kwargs):
    vocabulary_changed()
