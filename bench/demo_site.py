"""A throwaway SQLite database with the demo catalog, for benchmark scripts."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def set_up_demo_site(prefix: str) -> None:
    """Point Django at a new SQLite file, migrate it and load the demo catalog."""
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
        LOG_LEVEL="ERROR",
        DEBUG="false",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.RATELIMIT_ENABLE = False
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_catalog", verbosity=0, stdout=quiet)
