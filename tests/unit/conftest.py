"""Unit layer: small page trees, never the demo catalog.

``small_town`` is a whole town on its own Wagtail site (``unit.test``);
``other_town`` is a second one (``other.test``) with the same codes and titles,
for what must stay within one town. See ``tests/unit/towns.py``.

Each test module builds its towns once, inside a transaction of its own that
is rolled back when the module ends; every test then runs in a savepoint
inside it (pytest-django's ``db``), so a test may change the town freely and
the next test still starts from the same tree. The fixtures hand each test
objects freshly read from the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from wagtail.models import Site

from tests.unit.towns import SmallTown, build_small_town


@contextlib.contextmanager
def _built_for_module(django_db_blocker, build: Callable[[], SmallTown]) -> Iterator[SmallTown]:
    """Build in a transaction kept open (and the database blocked) until the module is done."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            town = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield town
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
            caches["shared"].clear()
            Site.clear_site_root_paths_cache()


@pytest.fixture(scope="module")
def _small_town_tree(django_db_setup, django_db_blocker) -> Iterator[SmallTown]:
    with _built_for_module(django_db_blocker, lambda: build_small_town("unit.test", "单元镇")) as town:
        yield town


@pytest.fixture(scope="module")
def _other_town_tree(_small_town_tree, django_db_blocker) -> Iterator[SmallTown]:
    with _built_for_module(django_db_blocker, lambda: build_small_town("other.test", "邻镇")) as town:
        yield town


@pytest.fixture
def small_town(_small_town_tree, db) -> SmallTown:
    """The small town on ``unit.test``: ``small_town.site``, ``small_town["UT-MZ-001"]`` …"""
    cache.clear()  # site root paths and settings cached by an earlier, rolled-back test
    caches["shared"].clear()
    return _small_town_tree.reloaded()


@pytest.fixture
def other_town(_other_town_tree, small_town) -> SmallTown:
    """A second town on ``other.test`` with the same codes and titles as ``small_town``."""
    return _other_town_tree.reloaded()
