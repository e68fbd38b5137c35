"""Integration layer: tests over the whole demo catalog, loaded once per run.

On SQLite (the embedded default) the test database is restored from the
cached catalog database (``tests/catalog_db.py``, built once and shared with
the browser layer) with SQLite's backup API, in about a second. On another
engine (the PostgreSQL pass) the catalog is loaded into the test database
once. Either way every test then runs in a rolled-back transaction, so tests
can change content freely and still start from the same catalog.

Unit tests never pay for this: the override lives in this folder only.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from wagtail.models import Site

from tests.catalog_db import catalog_db, catalog_media

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)


def _restore_sqlite(source: Path) -> None:
    """Copy the cached catalog database, page by page, into the (in-memory) test database."""
    connection.ensure_connection()
    cached = sqlite3.connect(source)
    try:
        cached.backup(connection.connection)
    finally:
        cached.close()
    shutil.copytree(catalog_media(source), settings.MEDIA_ROOT, dirs_exist_ok=True)
    # Ids in the restored database differ from the ones the migrated test database cached.
    ContentType.objects.clear_cache()
    Site.clear_site_root_paths_cache()
    cache.clear()
    caches["shared"].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            _restore_sqlite(catalog_db())
        else:
            call_command("load_catalog", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def site(db) -> Site:
    return Site.objects.get(is_default_site=True)
