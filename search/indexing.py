"""Keep the index in step with publishing, and rebuild it on demand."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from wagtail.models import Page, Site

from home.outputs import SEARCH, registry

from .backends import active_backend, embedded_backend
from .documents import build_document
from .models import SearchDocument
from .vocabulary import load_vocabulary, vocabulary_changed

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


def searchable_models() -> list[type[Page]]:
    """The page types with a search document, as registered in the output registry."""
    return registry.models(SEARCH)


def searchable_pages():
    types = ContentType.objects.get_for_models(*searchable_models(), for_concrete_models=False).values()
    return Page.objects.live().filter(content_type__in=list(types)).specific()


def update_page(page: Page) -> None:
    """Index one page (or drop it when it is no longer searchable)."""
    load_vocabulary()
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


def rebuild(on_page: Callable[[], None] | None = None) -> int:
    """Rebuild every document from the live pages; returns how many were indexed.

    ``on_page`` is called after each of ``searchable_pages().count()`` pages, for progress."""
    vocabulary_changed()
    load_vocabulary()
    docs = []
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for page in searchable_pages():
            doc = build_document(page)
            if doc is not None:
                doc.save()
                docs.append(doc)
            if on_page is not None:
                on_page()
    _each_backend("rebuild", docs)
    return len(docs)


def rebuild_site(site: Site) -> int:
    """The output registry's rebuild after a bulk job: one index serves every town, so all of it."""
    return rebuild()
