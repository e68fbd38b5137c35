"""Fixtures every layer may use; none of them touches the database.

The layers (see README "Tests"): ``tests/unit`` builds small page trees and
starts in seconds; ``tests/integration`` runs over the whole demo catalog,
loaded once (its own conftest); ``tests/browser`` drives the real portal in
headless Chromium. Running everything at once orders them in that order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from catalog.management.commands.load_catalog import default_catalog_dir

DATA = Path(__file__).parent / "data"
LAYER_ORDER = ("unit", "integration", "browser")


def pytest_collection_modifyitems(config, items):
    """Unit tests first (they expect no catalog), then integration, then browser journeys."""

    def layer(item) -> int:
        parts = Path(item.path).parts
        return next((i for i, name in enumerate(LAYER_ORDER) if name in parts), len(LAYER_ORDER))

    items.sort(key=layer)  # stable: keeps file order inside a layer


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    """A writable copy of the catalog for tests that corrupt or edit it."""
    target = tmp_path / "catalog"
    shutil.copytree(default_catalog_dir(), target)
    return target


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the project's content folder (town, taxonomies, guides)."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target, ignore=shutil.ignore_patterns("catalog"))
    return target


@pytest.fixture
def full_guide_content(content_copy) -> Path:
    """Content folder with a test guide that fills every field of QH-MZ-001."""
    guides = content_copy / "guides"
    guides.mkdir(exist_ok=True)
    shutil.copy(DATA / "QH-MZ-001.yaml", guides / "QH-MZ-001.yaml")
    forms = content_copy / "forms"
    forms.mkdir(exist_ok=True)
    shutil.copy(DATA / "forms" / "dibao-application.pdf", forms / "dibao-application.pdf")
    return content_copy
