"""Progress and a closing summary for long management commands.

On a terminal, ``rich`` draws a bar with the count, the time taken and the
time left. Where output is not a terminal (CI logs, ``make run``'s log files)
a plain line is written every ``interval`` seconds and once at the end, so a
log shows how far a job got without a line per item. Verbosity 0 prints
nothing. ``summary`` closes a command with one table of counts and its time.

tqdm draws a bar as well; rich also lays out the summary table, so one
library does both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as Bar
from rich.table import Table

PLAIN_INTERVAL = 5.0  # seconds between plain progress lines


def _stream(out) -> IO[str]:
    """The file behind Django's OutputWrapper (``self.stdout``), or ``out`` itself."""
    return getattr(out, "_out", out)


def is_terminal(out) -> bool:
    isatty = getattr(_stream(out), "isatty", None)
    return bool(isatty and isatty())


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class Progress:
    """Count work done against a known total: ``with Progress(out, 147, "guides") as p: p.advance()``."""

    def __init__(self, out, total: int, label: str, *, verbosity: int = 1, interval: float | None = None) -> None:
        self.out, self.total, self.label = _stream(out), max(0, total), label
        self.interval = PLAIN_INTERVAL if interval is None else interval
        self.quiet = verbosity < 1
        self.done = 0
        self._bar: Bar | None = None
        self._task = None
        self._started = self._last_line = 0.0

    @classmethod
    def each(cls, out, items: Sequence, label: str, **options) -> Iterator:
        """Yield each item, counting it done when the loop asks for the next one."""
        with cls(out, len(items), label, **options) as progress:
            for item in items:
                yield item
                progress.advance()

    def __enter__(self) -> Progress:
        self._started = self._last_line = time.monotonic()
        if not self.quiet and is_terminal(self.out):
            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(file=self.out),
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, step: int = 1) -> None:
        self.done += step
        if self._bar is not None:
            self._bar.advance(self._task, step)
        elif not self.quiet and time.monotonic() - self._last_line >= self.interval:
            self._write_line()

    def note(self, text: str) -> None:
        """A line about the job's next stage, above the bar (or in the log)."""
        if self._bar is not None:
            self._bar.console.print(text, highlight=False)
        elif not self.quiet:
            self.out.write(f"{self.label}: {text}\n")
            self.out.flush()

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif not self.quiet and self.done:
            self._write_line()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self._started

    def line(self) -> str:
        """'sheets: 40/171 (23%), 12 s so far, about 40 s left'."""
        share = self.done / self.total if self.total else 1.0
        text = f"{self.label}: {self.done}/{self.total} ({share:.0%}), {_duration(self.seconds)} so far"
        if 0 < self.done < self.total:
            text += f", about {_duration(self.seconds / self.done * (self.total - self.done))} left"
        return text

    def _write_line(self) -> None:
        self._last_line = time.monotonic()
        self.out.write(self.line() + "\n")
        self.out.flush()


def summary(
    out,
    title: str,
    rows: Mapping[str, Mapping[str, int]],
    columns: Sequence[str],
    seconds: float,
    *,
    verbosity: int = 1,
) -> None:
    """One table: a row per kind of thing, a column per outcome (created, updated, …), and the time."""
    if verbosity < 1:
        return
    stream = _stream(out)
    table = Table(title=f"{title} ({_duration(seconds)})", title_justify="left", box=None, pad_edge=False)
    table.add_column("")
    for column in columns:
        table.add_column(column, justify="right")
    for kind, counts in rows.items():
        table.add_row(kind, *(str(counts.get(column, 0)) for column in columns))
    Console(file=stream, width=100, no_color=not is_terminal(stream), highlight=False).print(table)


@contextmanager
def quiet_loggers(*names: str, level: int = logging.WARNING) -> Iterator[None]:
    """Raise loggers to ``level`` for a bulk job (Wagtail logs a line per page saved at INFO).

    Only these loggers, only for the job: warnings and errors still show, and the
    audit log in the database (Wagtail's log entries) is written as always.
    """
    loggers = [logging.getLogger(name) for name in names]
    before = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(level, logger.getEffectiveLevel()))
    try:
        yield
    finally:
        for logger, old in zip(loggers, before, strict=True):
            logger.setLevel(old)
