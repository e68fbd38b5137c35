"""Browser journeys: the real portal served by ``manage.py runserver``, driven by Playwright in headless Chromium.

The server runs on a copy of the cached catalog database (tests/catalog_db.py)
with the dev settings, as a resident or an editor would meet it, together with
the two background processes ``make run`` starts: the task worker
(``db_worker``, sheets after a publish) and the scheduler (``run_scheduler``,
scheduled go-live and expiry, here every SCHEDULER_INTERVAL seconds). Chromium
is Debian's, at /usr/bin/chromium; nothing here downloads a browser.

Every journey step is photographed to ``var/screenshots/<test name>/NN-step.png``
and timed in ``steps.txt`` beside the pictures; the server's output goes to
``var/screenshots/server.log`` (``server-gw0.log`` … under pytest-xdist), the worker's and the scheduler's to
``worker.log`` and ``scheduler.log`` beside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.catalog_db import BASE_DIR, build_env, catalog_db, catalog_media, manage

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = BASE_DIR / "var" / "screenshots"
# Each test worker runs its own portal: its logs carry the worker's name (server-gw0.log).
LOG_SUFFIX = f"-{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else ""
HERE = Path(__file__).resolve().parent

# The scheduler runs every few seconds here (30 s by default), so a journey waits seconds for a go-live.
SCHEDULER_INTERVAL = 3
# The background processes that run beside the server, as `make run` starts them: name -> manage.py arguments.
BACKGROUND = {
    "worker": ["db_worker", "--backend", "sheets", "--queue-name", "*", "--no-reload", "--interval", "0.5"],
    "scheduler": ["run_scheduler"],
}

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "browser-admin-Pw-1"  # a throwaway database; only the test server ever sees it

CREATE_USERS = f"""
from django.contrib.auth import get_user_model
User = get_user_model()
User.objects.create_superuser({ADMIN_USERNAME!r}, "admin@example.invalid", {ADMIN_PASSWORD!r})
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"))


@contextlib.contextmanager
def _visible_output(config: pytest.Config) -> Iterator[None]:
    """Let a progress line through pytest's output capture."""
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        yield


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's whole process group, then kill it if it does not go."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class Portal:
    url: str
    database: Path
    log: Path
    username: str = ADMIN_USERNAME
    password: str = ADMIN_PASSWORD
    timings: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # what manage.py needs to work on this portal's database
    background_logs: dict[str, Path] = field(default_factory=dict)  # worker, scheduler

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def background_tail(self, name: str, chars: int = 4000) -> str:
        log = self.background_logs.get(name)
        return log.read_text(errors="replace")[-chars:] if log and log.exists() else ""


def _start_background(env: dict[str, str]) -> tuple[list[subprocess.Popen], dict[str, Path]]:
    """The worker and the scheduler on the portal's database, each logging beside the server log."""
    processes, logs = [], {}
    for name, args in BACKGROUND.items():
        logs[name] = ARTIFACTS / f"{name}{LOG_SUFFIX}.log"
        with open(logs[name], "w") as out:
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(BASE_DIR / "manage.py"), *args],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return processes, logs


@pytest.fixture(scope="session")
def portal(request, tmp_path_factory) -> Iterator[Portal]:
    """The portal served by ``manage.py runserver`` on a free port, on a copy of the cached catalog."""
    started = time.monotonic()
    with _visible_output(request.config):
        cached = catalog_db()
    ready_db = time.monotonic()

    work = tmp_path_factory.mktemp("portal")
    database, media = work / "db.sqlite3", work / "media"
    shutil.copyfile(cached, database)
    shutil.copytree(catalog_media(cached), media)
    env = build_env(database, media)
    port = _free_port()
    env.update(WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}", LOG_LEVEL="INFO")
    env["SCHEDULER_INTERVAL"] = str(SCHEDULER_INTERVAL)
    manage("shell", "-c", CREATE_USERS, env=env, timeout=120)
    ready_users = time.monotonic()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"server{LOG_SUFFIX}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown can stop everything it started
        )
    background, background_logs = _start_background(env)
    portal = Portal(
        url=f"http://127.0.0.1:{port}", database=database, log=log, env=env, background_logs=background_logs
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"runserver exited with {process.returncode}:\n{portal.log_tail()}")
            try:
                with urllib.request.urlopen(portal.url + "/", timeout=10) as response:
                    response.read()
                break
            except urllib.error.HTTPError as error:
                raise RuntimeError(f"home page answered {error.code}:\n{portal.log_tail()}") from error
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"runserver did not answer within 90 s:\n{portal.log_tail()}") from None
                time.sleep(0.2)
        for (name, _args), helper in zip(BACKGROUND.items(), background, strict=True):
            if helper.poll() is not None:
                raise RuntimeError(f"{name} exited with {helper.returncode}:\n{portal.background_tail(name)}")
        ready = time.monotonic()
        portal.timings = {
            "catalog database": ready_db - started,
            "copy and create users": ready_users - ready_db,
            "server start": ready - ready_users,
        }
        with _visible_output(request.config):
            summary = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in portal.timings.items())
            print(f"\nPortal at {portal.url} ({summary})", flush=True)
        yield portal
    finally:
        _stop(process)
        for helper in background:
            _stop(helper)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import expect, sync_playwright

    # A step that publishes (an approval renders the guide's sheet, updates search) can take
    # several seconds while the other test worker's portal and browser share the two cores.
    expect.set_options(timeout=20_000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@dataclass
class Journey:
    """One visitor's browser tab, with numbered screenshots and timed steps."""

    page: object  # playwright.sync_api.Page
    folder: Path
    started: float = field(default_factory=time.monotonic)
    steps: list[tuple[str, float]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def shot(self, step: str, *, page=None, full_page: bool = False) -> Path:
        """Photograph the tab (or another ``page``) as NN-<step>.png; note the time since the journey began.

        An admin screen is also read for English an editor would meet; what is
        found goes into ``problems``, which every journey asserts is empty.
        """
        from tests.browser.language import english_on_screen

        shown = page or self.page
        self.steps.append((step, time.monotonic() - self.started))
        path = self.folder / f"{len(self.steps):02d}-{step}.png"
        shown.screenshot(path=path, full_page=full_page, animations="disabled")
        if "/admin/" in shown.url:
            english = english_on_screen(shown)
            if english:
                self.problems.append(f"English on the admin screen at {step}: {english}")
        return path

    def log_in(self, username: str, password: str, *, shots: bool = False) -> None:
        """Sign in to the admin as an editor does, ending on the dashboard."""
        page = self.page
        page.goto("/admin/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        if shots:
            self.shot("login")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin/")
        if shots:
            self.shot("dashboard")

    def write_steps(self) -> None:
        lines = [f"{seconds:7.2f} s  {n:02d}-{step}" for n, (step, seconds) in enumerate(self.steps, 1)]
        lines.append(f"{time.monotonic() - self.started:7.2f} s  end")
        (self.folder / "steps.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def journey(request, browser, portal) -> Iterator[Callable[..., Journey]]:
    """Open a tab: ``journey(viewport=(360, 800), **context_options)``.

    Server errors (HTTP 5xx) and uncaught JavaScript errors seen by the tab are
    collected in ``journey.problems``.
    """
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    opened: list[tuple[object, Journey]] = []

    def open_journey(viewport: tuple[int, int] = (1280, 900), **options) -> Journey:
        width, height = viewport
        context = browser.new_context(
            base_url=portal.url, viewport={"width": width, "height": height}, locale="zh-CN", **options
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        tab = Journey(page=page, folder=folder)
        page.on("pageerror", lambda error: tab.problems.append(f"JavaScript error: {error}"))
        page.on(
            "response",
            lambda response: (
                tab.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")
                if response.status >= 500
                else None
            ),
        )
        opened.append((context, tab))
        return tab

    yield open_journey
    for context, tab in opened:
        tab.write_steps()
        context.close()
