"""A SQLite database with every migration applied and the demo catalog loaded, built once and reused.

    from tests.catalog_db import catalog_db, catalog_media

    path = catalog_db()  # var/test-cache/catalog-<key>.sqlite3

Migrating and loading the 147 guides takes a while, so the result is cached
under ``var/test-cache/``. The key is a short hash of everything that decides
the content: every ``*/migrations/*.py``, everything under ``content/``, the
catalog CSVs ``load_catalog`` reads by default, and the Python files of the
apps that define the pages and the loader. Change any of them and the next
call builds a new file.

The build runs ``manage.py migrate`` and ``manage.py load_catalog`` in
subprocesses against a temporary file that is renamed into place only when
both succeed, so an interrupted build never leaves a half database behind; a
file lock keeps two processes from building at the same time. Documents the
loader saves (blank forms, samples) go to a media folder kept beside the
database, ``catalog_media(path)``.

Callers get a shared file: copy it before writing to it. Nothing here
imports Django or Playwright.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = BASE_DIR / "var" / "test-cache"
SETTINGS = "portal.settings.dev"
# Apps whose code decides what the loaded catalog looks like. "catalog" may not exist (yet).
APPS = ("home", "services", "places", "notices", "search", "sheets", "catalog")
# Bump when the way the file is built changes.
BUILD_VERSION = "1"
# Cached databases kept for other keys (older checkouts, a branch switched back to).
KEEP = 3
# Settings from the environment that would make the build talk to outside services.
EXTERNAL_ENV = ("DATABASE_URL", "ELASTICSEARCH_URL", "REDIS_URL")


def default_catalog_dir() -> Path:
    """The folder ``load_catalog`` reads when given no path.

    Mirrors ``default_catalog_dir`` of the load_catalog command without
    importing Django: CATALOG_DIR, else the shared reference catalog beside the
    project, else the copy shipped under content/.
    """
    configured = os.environ.get("CATALOG_DIR", "")
    if configured:
        return Path(configured)
    shared = BASE_DIR.parent / "shared" / "catalog"
    if shared.is_dir():
        return shared
    return BASE_DIR / "content" / "catalog"


def _inputs() -> Iterator[Path]:
    yield from BASE_DIR.glob("*/migrations/*.py")
    yield from (p for p in (BASE_DIR / "content").rglob("*") if p.is_file())
    yield from default_catalog_dir().glob("*.csv")
    for app in APPS:
        folder = BASE_DIR / app
        if folder.is_dir():
            yield from folder.rglob("*.py")


def catalog_key() -> str:
    """A short hash of every file that decides the cached database's content."""
    digest = hashlib.sha256(f"build {BUILD_VERSION} {SETTINGS}\n".encode())
    for path in sorted(set(_inputs())):
        try:
            name = str(path.relative_to(BASE_DIR))
        except ValueError:  # the catalog may live outside the project
            name = str(path)
        digest.update(f"{name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def catalog_media(db: Path) -> Path:
    """The media folder that belongs to a cached database (documents saved by the loader)."""
    return db.with_name(db.stem + "-media")


def build_env(database: Path, media_root: Path) -> dict[str, str]:
    """The environment for a manage.py subprocess on ``database``: dev settings, no outside services."""
    env = {k: v for k, v in os.environ.items() if k not in EXTERNAL_ENV}
    env.update(
        DATABASE_URL=f"sqlite:///{database.resolve()}",  # an absolute path gives sqlite:////...
        DJANGO_SETTINGS_MODULE=SETTINGS,
        MEDIA_ROOT=str(media_root),
        # what the worker makes for the web server, beside this database: another run's
        # (or the other test worker's) previews must not show on this one's pages
        SHARED_CACHE_DIR=str(database.resolve().parent / "shared-cache"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``manage.py`` with the project's interpreter; raise with its output if it fails."""
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed with exit code {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
        )
    return result


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file and leave it in rollback-journal mode: one self-contained file."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
        (count,) = connection.execute("SELECT count(*) FROM django_migrations").fetchone()
        if not count:
            raise RuntimeError(f"{path}: no migrations recorded after the build")
    finally:
        connection.close()


def _build(target: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix=f".build-{target.stem}-", dir=target.parent))
    try:
        database, media = work / "db.sqlite3", work / "media"
        media.mkdir()
        env = build_env(database, media)
        manage("migrate", "--no-input", env=env)
        manage("load_catalog", env=env)
        _settle(database)
        media_target = catalog_media(target)
        shutil.rmtree(media_target, ignore_errors=True)
        media.rename(media_target)
        os.replace(database, target)  # last: the database appears only when everything is in place
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _prune(current: Path) -> None:
    others = sorted(
        (p for p in CACHE_DIR.glob("catalog-*.sqlite3") if p != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in others[KEEP:]:
        stale.unlink(missing_ok=True)
        shutil.rmtree(catalog_media(stale), ignore_errors=True)


def catalog_db() -> Path:
    """The path of the cached catalog database, building it first if it is missing or out of date."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    target = CACHE_DIR / f"catalog-{catalog_key()}.sqlite3"
    if target.exists():
        return target
    with open(CACHE_DIR / "catalog.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building the same file
        try:
            if not target.exists():
                for leftover in CACHE_DIR.glob(".build-*"):  # from a build that was killed; we hold the lock
                    shutil.rmtree(leftover, ignore_errors=True)
                started = time.monotonic()
                print(f"\nBuilding the cached catalog database {target.relative_to(BASE_DIR)} ...", end="", flush=True)
                _build(target)
                print(f" built in {time.monotonic() - started:.1f} s", flush=True)
                _prune(target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


if __name__ == "__main__":
    print(catalog_db())
