"""Long commands show progress and end with a summary table; bulk loads keep Wagtail's per-page lines out."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.core.management import call_command

from home import progress
from home.progress import Progress, quiet_loggers, summary
from tests.loadcounts import load_counts
from tests.unit.towns import HALL, TOWN_ITEM, WINDOW_ITEM

LINE = re.compile(r"^(\w+): (\d+)/(\d+) \((\d+)%\), .*so far")


def progress_lines(text: str, label: str) -> list[tuple[int, int]]:
    return [(int(m[2]), int(m[3])) for line in text.splitlines() if (m := LINE.match(line)) and m[1] == label]


def test_plain_output_gets_periodic_lines_and_a_last_one():
    out = io.StringIO()
    with Progress(out, 4, "job", interval=0) as job:
        for _ in range(4):
            job.advance()
    assert progress_lines(out.getvalue(), "job") == [(1, 4), (2, 4), (3, 4), (4, 4), (4, 4)]
    assert "left" in out.getvalue().splitlines()[0]  # time left, once there is a rate to go by


def test_between_intervals_only_the_last_line_is_written():
    out = io.StringIO()
    with Progress(out, 100, "job", interval=3600) as job:
        for _ in range(100):
            job.advance()
    assert progress_lines(out.getvalue(), "job") == [(100, 100)]


def test_verbosity_zero_prints_nothing():
    out = io.StringIO()
    with Progress(out, 3, "job", verbosity=0, interval=0) as job:
        job.advance(3)
    summary(out, "job", {"things": {"made": 3}}, ("made",), 1.0, verbosity=0)
    assert out.getvalue() == ""


def test_the_summary_is_a_table_with_the_time():
    out = io.StringIO()
    rows = {"service items": {"created": 2, "updated": 1, "unchanged": 144}, "places": {"created": 28}}
    summary(out, "load_catalog", rows, ("created", "updated", "unchanged"), 75.4)
    text = out.getvalue()
    assert "load_catalog (1 min 15 s)" in text
    assert load_counts(text) == {"service items": (2, 1, 144), "places": (28, 0, 0)}


def test_quiet_loggers_hold_back_info_but_not_warnings(caplog):
    logger = logging.getLogger("wagtail")
    with caplog.at_level(logging.INFO), quiet_loggers("wagtail"):
        logger.info("Page edited")
        logger.warning("something to look at")
    assert [r.getMessage() for r in caplog.records if r.name == "wagtail"] == ["something to look at"]
    with caplog.at_level(logging.INFO):
        logger.info("after the job")
    assert "after the job" in caplog.text  # the level is back


@pytest.mark.slow
def test_build_sheets_shows_progress_and_ends_with_the_table(small_town, monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_INTERVAL", 0)
    out = io.StringIO()
    call_command("build_sheets", TOWN_ITEM, WINDOW_ITEM, HALL, site=small_town.hostname, jobs=1, stdout=out)
    text = out.getvalue()
    assert progress_lines(text, "build_sheets") == [(1, 3), (2, 3), (3, 3), (3, 3)]
    assert re.search(r"^build_sheets \(\d+ s\)\s*$", text, re.M)
    rows = {
        m[1]: (int(m[2]), int(m[3])) for m in re.finditer(r"^\s*(item sheets|places)\s+(\d+)\s+(\d+)\s*$", text, re.M)
    }
    assert rows == {"item sheets": (2, 0), "places": (1, 0)}
    assert TOWN_ITEM not in text  # one line per sheet only with -v 2


def test_each_counts_a_loop():
    out = io.StringIO()
    assert list(Progress.each(out, ["a", "b"], "loop", interval=0)) == ["a", "b"]
    assert progress_lines(out.getvalue(), "loop") == [(1, 2), (2, 2), (2, 2)]
