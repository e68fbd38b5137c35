"""Keep the index in step with publishing, and rebuild it on demand."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from wagtail.models import Page

from .documents import build_document
from .models import SearchDocument
from .service import _load_vocabulary, active_backend, embedded_backend, vocabulary_changed

logger = logging.getLogger(__name__)


def write_backends() -> list:
    """Every backend that keeps a copy of the index.

    The embedded index is kept even when Elasticsearch is active, so that a
    search falling back during a cluster fault finds current content.
    """
    backends = [embedded_backend()] if connection.vendor in ("sqlite", "postgresql") else []
    active = active_backend()
    if active.name != "embedded":
        backends.append(active)
    return backends


def _each_backend(method: str, *args) -> None:
    for backend in write_backends():
        try:
            getattr(backend, method)(*args)
        except Exception:
            if backend.name == "embedded":
                raise
            logger.warning(
                "search backend %s could not %s; it will catch up at the next rebuild",
                backend.name,
                method,
                exc_info=True,
            )


_state = threading.local()


@contextmanager
def suspended() -> Iterator[None]:
    """Skip per-page index updates, e.g. while a bulk import publishes many pages."""
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = False


def is_suspended() -> bool:
    return getattr(_state, "suspended", False)


SEARCHABLE = ("services.serviceitempage", "services.certificateentrypage", "places.placepage", "notices.noticepage")


def searchable_pages():
    labels = [label.split(".") for label in SEARCHABLE]
    from django.contrib.contenttypes.models import ContentType

    types = [ContentType.objects.get_by_natural_key(app, model) for app, model in labels]
    return Page.objects.live().filter(content_type__in=types).specific()


def update_page(page: Page) -> None:
    """Index one page (or drop it when it is no longer searchable)."""
    _load_vocabulary()
    doc = build_document(page)
    existing = SearchDocument.objects.filter(page_id=page.pk).first()
    if doc is None:
        if existing:
            remove_ids([existing.pk])
        return
    if existing:
        doc.pk = existing.pk
    with transaction.atomic():
        doc.save()
        _each_backend("index", [doc])


def remove_page(page_id: int) -> None:
    ids = list(SearchDocument.objects.filter(page_id=page_id).values_list("pk", flat=True))
    if ids:
        remove_ids(ids)


def remove_ids(ids: Iterable[int]) -> None:
    ids = list(ids)
    _each_backend("delete", ids)
    SearchDocument.objects.filter(pk__in=ids).delete()


def rebuild() -> int:
    """Rebuild every document from the live pages; returns how many were indexed."""
    vocabulary_changed()
    _load_vocabulary()
    docs = []
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for page in searchable_pages():
            doc = build_document(page)
            if doc is not None:
                doc.save()
                docs.append(doc)
    _each_backend("rebuild", docs)
    return len(docs)
