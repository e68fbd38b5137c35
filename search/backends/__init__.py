"""Search backends behind one interface: embedded (default) and Elasticsearch.

This module chooses the backend for a query and falls back to the embedded
one when the cluster fails.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from .base import BackendResult, Query

logger = logging.getLogger(__name__)


def embedded_backend():
    """The embedded backend for this project's database: FTS5 on SQLite, tsvector on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from .embedded_postgres import PostgresEmbeddedBackend

        return PostgresEmbeddedBackend()
    from .embedded import EmbeddedBackend

    return EmbeddedBackend()


def active_backend():
    """Elasticsearch when ``ELASTICSEARCH_URL`` is set and its client is installed, else the embedded backend."""
    if settings.ELASTICSEARCH_URL:
        try:
            from .elastic import ElasticsearchBackend
        except ImportError:
            logger.warning("ELASTICSEARCH_URL is set but the Elasticsearch backend is not available; using embedded")
        else:
            return ElasticsearchBackend(settings.ELASTICSEARCH_URL)
    return embedded_backend()


def search_with_fallback(query: Query) -> tuple[str, BackendResult]:
    """Run the query on the active backend, or on the embedded one if the active one fails."""
    backend = active_backend()
    try:
        return backend.name, backend.search(query)
    except Exception:
        if backend.name == "embedded":
            raise
        logger.warning("search backend %s failed; falling back to the embedded backend", backend.name, exc_info=True)
        fallback = embedded_backend()
        return fallback.name, fallback.search(query)
