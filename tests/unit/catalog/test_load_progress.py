"""load_catalog shows progress, ends with its table, and keeps Wagtail's line per saved page out."""

from __future__ import annotations

import logging
import re

from home import progress
from services.models import ServiceItemPage
from tests.loadcounts import load_counts
from tests.unit.home.test_progress import progress_lines


def test_load_catalog_shows_progress_and_ends_with_the_table(mini_catalog, monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_INTERVAL", 0)
    output = mini_catalog.load()
    lines = progress_lines(output, "load_catalog")
    total = lines[-1][1]
    assert [done for done, _ in lines[:-1]] == list(range(1, total + 1)) and lines[-1] == (total, total)
    assert re.search(r"^load_catalog \(\d+ s\)\s*$", output, re.M)
    assert load_counts(output)["service items"] == (0, 0, 2)  # the fixture loaded it once already
    assert "nothing to load" in output


def test_load_catalog_prints_no_line_per_page(mini_catalog, caplog):
    with caplog.at_level(logging.INFO):
        mini_catalog.load()
    wagtail = [r.getMessage() for r in caplog.records if r.name.startswith("wagtail")]
    assert not [m for m in wagtail if "Page" in m or "Published" in m], wagtail
    # Outside the load Wagtail logs a publish as before.
    with caplog.at_level(logging.INFO):
        page = ServiceItemPage.objects.descendant_of(mini_catalog.site.root_page).first()
        page.save_revision().publish()
    assert any(r.name == "wagtail" and "Published" in r.getMessage() for r in caplog.records)


def test_a_load_that_changes_pages_says_when_it_rebuilds_search_and_sheets(mini_catalog):
    mini_catalog.edit("guides/XZ-MZ-001.yaml", "result: 低保金按月发放", "result: 低保金按月打入社保卡")
    output = mini_catalog.load()
    lines = output.splitlines()
    note = lines.index("load_catalog: pages loaded; rebuilding the search index and sheet editions")
    assert note < next(i for i, line in enumerate(lines) if line.startswith("load_catalog ("))
    assert "nothing to load" not in output
