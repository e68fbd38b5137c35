"""Time load_catalog on a fresh SQLite database.

Compares, in one run: the first load, a reload of the unchanged catalog (pages
skipped by fingerprint), and the naive baseline of rewriting every page
(--force), which is what an importer without fingerprints does on every run.

    .venv/bin/python bench/bench_import.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
        run(["migrate", "-v0"], env)
        startup = statistics.median(run(["check"], env) for _ in range(options.repeat))
        first = run(["load_catalog"], env)
        unchanged = [run(["load_catalog"], env) for _ in range(options.repeat)]
        forced = [run(["load_catalog", "--force"], env) for _ in range(options.repeat)]
    print("load_catalog on the demo catalog (147 items, 28 certificates, 28 places), SQLite")
    print(f"  django start-up (manage.py check), median     {startup:6.2f} s")
    print(f"  first load into an empty site                  {first:6.2f} s")
    print(f"  reload, catalog unchanged, median of {options.repeat}         {statistics.median(unchanged):6.2f} s")
    print(f"  baseline: rewrite every page (--force), median {statistics.median(forced):6.2f} s")


if __name__ == "__main__":
    main()
