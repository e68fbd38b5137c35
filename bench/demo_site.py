"""A throwaway SQLite database with the demo catalog, for benchmark scripts."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_database(path: Path) -> None:
    """Set Django up on the SQLite file ``path`` with the dev settings, quietly, any host allowed."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=f"sqlite:///{path}",
        LOG_LEVEL="ERROR",
        DEBUG="false",
    )
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.RATELIMIT_ENABLE = False


def set_up_demo_site(prefix: str) -> None:
    """Point Django at a new SQLite file, migrate it and load the demo catalog."""
    use_database(Path(tempfile.mkdtemp(prefix=prefix)) / "bench.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_catalog", verbosity=0, stdout=quiet)


def p95(values: list[float]) -> float:
    """The 95th percentile of a benchmark's timings (the largest when there are under 20)."""
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def rounds(count: int, label: str = "rounds"):
    """range(count), with progress on stderr (a bar on a terminal), so stdout keeps only the figures."""
    from home.progress import Progress

    return Progress.each(sys.stderr, range(count), label)
