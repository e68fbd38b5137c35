"""Shared fixtures: the demo catalog is loaded once per test session.

Every test then runs inside a transaction that is rolled back, so tests can
change content freely and still start from the same catalog.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Site

from catalog.management.commands.load_catalog import default_catalog_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_catalog", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def site(db) -> Site:
    return Site.objects.get(is_default_site=True)


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
