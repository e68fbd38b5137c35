"""run_scheduler: each run makes due go-lives and expiries happen; SIGTERM and SIGINT stop it cleanly."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from home.management.commands import run_scheduler
from notices.models import NoticePage
from tests.unit.towns import publish


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(monkeypatch):
    """The command closes stale connections between runs; inside a test that would end the test's transaction."""
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)


def scheduled_notice(town, slug: str, go_live_at: dt.datetime) -> NoticePage:
    """A notice an editor scheduled: published with a go-live time still ahead, so it waits."""
    page = NoticePage(title=f"定时{slug}", slug=slug, body="<p>x</p>", go_live_at=go_live_at)
    town.sections["notices"].add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_one_run_publishes_what_is_due_and_takes_down_what_has_expired(small_town, monkeypatch):
    now = timezone.now()
    waiting = scheduled_notice(small_town, "goes-live", go_live_at=now + dt.timedelta(hours=1))
    later = scheduled_notice(small_town, "not-yet", go_live_at=now + dt.timedelta(days=1))
    assert not waiting.live and waiting.revisions.get().approved_go_live_at is not None
    expiring = publish(
        small_town.sections["notices"],
        NoticePage(title="到点下架", slug="expires", body="<p>x</p>", expire_at=now + dt.timedelta(hours=1)),
    )
    assert expiring.live

    # An hour and a minute pass.
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(hours=1, minutes=1))
    changes = run_scheduler.run_once()

    waiting.refresh_from_db()
    later.refresh_from_db()
    expiring.refresh_from_db()
    assert waiting.live and not waiting.expired
    assert not later.live
    assert not expiring.live and expiring.expired
    assert sorted(changes) == sorted(
        [
            f"published “{waiting.title}” (page {waiting.pk})",
            f"unpublished “{expiring.title}” (page {expiring.pk})",
        ]
    )
    assert expiring.slug not in [p.slug for p in NoticePage.current()]
    assert waiting.slug in [p.slug for p in NoticePage.current()]
    assert run_scheduler.run_once() == []  # nothing left to do


def test_once_runs_a_single_pass(monkeypatch):
    runs = []
    monkeypatch.setattr(run_scheduler, "run_once", lambda: runs.append(1) or [])
    call_command("run_scheduler", "--once")
    assert runs == [1]


def test_a_failing_run_is_logged_and_the_next_run_still_happens(monkeypatch, caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return ["published “x” (page 1)"]

    monkeypatch.setattr(run_scheduler, "run_once", flaky)
    command = run_scheduler.Command()
    command._run_and_log()
    command._run_and_log()
    assert len(calls) == 2
    assert "publish_scheduled failed" in caplog.text


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_loop_after_the_run_in_progress(monkeypatch, signum):
    runs = []
    monkeypatch.setattr(run_scheduler, "run_once", lambda: runs.append(1) or [])
    before = signal.getsignal(signum)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signum))
    timer.start()
    try:
        call_command("run_scheduler", "--interval", "0.05")  # returns only once stopped
    finally:
        timer.cancel()
    assert len(runs) >= 2  # it did loop
    assert signal.getsignal(signum) == before  # and put the previous handler back


def test_the_interval_comes_from_the_setting(settings, monkeypatch):
    settings.SCHEDULER_INTERVAL = 7
    seen = []
    monkeypatch.setattr(run_scheduler.Command, "loop", lambda self, stop, interval: seen.append(interval))
    call_command("run_scheduler")
    assert seen == [7]
