"""Make scheduled publishing happen: Wagtail's ``publish_scheduled`` every SCHEDULER_INTERVAL seconds.

Wagtail stores go-live times (上线时间), expiry times (下架时间) and revisions
approved to go live later, but acts on them only when ``publish_scheduled``
runs. This command is the long-running process that runs it: for every page
type and every snippet with draft state, it unpublishes what has passed its
expiry and publishes what is due. Run one per installation (``make run``
starts it; in production a systemd unit, docs/operations.md).

    manage.py run_scheduler [--interval SECONDS] [--once]

SIGTERM or SIGINT stops it cleanly: a run in progress finishes, then it exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from wagtail.signals import page_published, page_unpublished

logger = logging.getLogger(__name__)


@contextmanager
def _watch_changes(changes: list[str]):
    """Collect what the run published and unpublished, for the log."""

    def published(sender, instance, **kwargs):
        changes.append(f"published “{instance.title}” (page {instance.pk})")

    def unpublished(sender, instance, **kwargs):
        changes.append(f"unpublished “{instance.title}” (page {instance.pk})")

    page_published.connect(published, weak=False)
    page_unpublished.connect(unpublished, weak=False)
    try:
        yield
    finally:
        page_published.disconnect(published)
        page_unpublished.disconnect(unpublished)


def run_once() -> list[str]:
    """One pass of ``publish_scheduled``; returns a line per page it published or unpublished."""
    changes: list[str] = []
    close_old_connections()  # a long-lived process: never reuse a connection the database dropped
    try:
        with _watch_changes(changes):
            call_command("publish_scheduled")
    finally:
        close_old_connections()
    return changes


class Command(BaseCommand):
    help = "Run Wagtail's publish_scheduled every SCHEDULER_INTERVAL seconds until SIGTERM or SIGINT."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between runs (default: the SCHEDULER_INTERVAL setting, 30)",
        )
        parser.add_argument("--once", action="store_true", help="run once and exit")

    def handle(self, *args, interval: float | None, once: bool, **options) -> None:
        interval = settings.SCHEDULER_INTERVAL if interval is None else interval
        if interval <= 0:
            raise CommandError("--interval must be greater than 0")
        if once:
            self._run_and_log()
            return
        stop = threading.Event()

        def request_stop(signum, frame) -> None:
            logger.info("scheduler: %s received, stopping", signal.Signals(signum).name)
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        logger.info("scheduler: running publish_scheduled every %g s", interval)
        try:
            self.loop(stop, interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("scheduler: stopped")

    def loop(self, stop: threading.Event, interval: float) -> None:
        """Run, then wait ``interval`` (counted from the start of the run), until ``stop`` is set."""
        while not stop.is_set():
            started = time.monotonic()
            self._run_and_log()
            stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def _run_and_log(self) -> None:
        try:
            changes = run_once()
        except Exception:
            # A locked or briefly unreachable database must not end the process; the next run retries.
            logger.exception("scheduler: publish_scheduled failed; retrying at the next run")
            return
        for line in changes:
            logger.info("scheduler: %s", line)
