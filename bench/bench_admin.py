"""Admin speed: the guide edit view and the guide workbench, beside plain Wagtail screens, in one run.

    .venv/bin/python bench/bench_admin.py [--rounds 20]

Runs on a throwaway SQLite database with the demo catalog, as a superuser,
through Django's test client in this process (server time: middleware, view,
templates; no network, no browser). QH-MZ-001's sheet is rendered first so its
明白纸 panel shows a real render.

Two phases: first with every guide published (QH-MZ-001 opens from its page
row), then with a draft of QH-MZ-001 (the edit form opens that revision), where
two screens make a new draft before each request: the first view of a new
revision (nothing cached for it) and the workbench right after an edit. Within a
phase every screen is requested once to warm up, then the screens take turns
for ``--rounds`` rounds, so a busy machine slows them alike. For each: wall-clock
median and p95, CPU median (steadier on a shared machine) and the queries of one
request (``CaptureQueriesContext``).

Baselines in the same run: the guide edit view with the project's two panels
(质量检查, 明白纸) hidden, the edit view of a NoticePage (a plain Wagtail page),
and Wagtail's own page listing of the service directory (the same 147 guides).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_site import p95, rounds, set_up_demo_site  # noqa: E402


@dataclass
class Screen:
    label: str
    url: str
    before: Callable[[], None] | None = None  # untimed, before each request
    hidden_panels: bool = False
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: int = 0
    panels: list[float] = field(default_factory=list)  # ms spent in the project's two panels, per request
    panel_queries: int = 0


class PanelMeter:
    """Time and queries inside the guide quality and sheet panels (their ``render_html``), per request."""

    def __init__(self):
        from django.db import connection

        from services.panels import GuideQualityPanel
        from sheets.panels import SheetPanel

        self.connection = connection
        self.seconds, self.queries = 0.0, 0
        for cls in (GuideQualityPanel.BoundPanel, SheetPanel.BoundPanel):
            self._wrap(cls)

    def _wrap(self, cls) -> None:
        render = cls.render_html
        meter = self

        def measured(panel, parent_context=None):
            def count(execute, *args):
                meter.queries += 1
                return execute(*args)

            start = time.perf_counter()
            with meter.connection.execute_wrapper(count):
                html = render(panel, parent_context)
            meter.seconds += time.perf_counter() - start
            return html

        cls.render_html = measured

    def reset(self) -> None:
        self.seconds, self.queries = 0.0, 0


@contextmanager
def project_panels_hidden(hidden: bool):
    """The guide quality and sheet panels not shown (their ``is_shown`` False), for the baseline."""
    from services.panels import GuideQualityPanel
    from sheets.panels import SheetPanel

    bound = (GuideQualityPanel.BoundPanel, SheetPanel.BoundPanel)
    if hidden:
        for cls in bound:
            cls.is_shown = lambda self: False
    try:
        yield
    finally:
        for cls in bound:
            if "is_shown" in cls.__dict__:
                del cls.is_shown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per screen")
    options = parser.parse_args()

    set_up_demo_site("bench-admin-")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Site

    from notices.models import NoticePage
    from services.models import ServiceIndexPage, ServiceItemPage
    from sheets import production

    site = Site.objects.get(is_default_site=True)
    guide = ServiceItemPage.objects.get(code="QH-MZ-001")
    production.get_sheet(site, guide.code)
    notice = NoticePage.objects.live().order_by("path").first()
    directory = ServiceIndexPage.objects.get()
    unit = guide.responsible_unit
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-pw-1")
    client = Client()
    client.force_login(user)

    def new_draft() -> None:
        page = ServiceItemPage.objects.get(pk=guide.pk)
        page.summary = page.summary.rstrip("。") + "。"  # the same text, but a new revision to open
        page.save_revision(user=user)

    edit = f"/admin/pages/{guide.pk}/edit/"
    workbench = "/admin/guides/workbench/"
    published = [
        Screen("guide edit view (QH-MZ-001, published, no draft)", edit),
        Screen("baseline: the same, project panels hidden", edit, hidden_panels=True),
        Screen("baseline: NoticePage edit view", f"/admin/pages/{notice.pk}/edit/"),
        Screen("workbench, first 50 of 147 guides", workbench),
        Screen("workbench, page 3 (guides 101-147)", f"{workbench}?p=3"),
        Screen("workbench, one unit", f"{workbench}?responsible_unit={unit.pk}"),
        Screen("workbench, sorted by quality problems", f"{workbench}?ordering=-problem_count"),
        Screen("workbench CSV export, all 147", f"{workbench}?export=csv"),
        Screen("baseline: Wagtail's page listing of the directory", f"/admin/pages/{directory.pk}/"),
    ]
    with_draft = [  # in this order: the second and third screens open the draft the first one made
        Screen("guide edit view, first view of a new draft", edit, before=new_draft),
        Screen("guide edit view (QH-MZ-001 with a draft)", edit),
        Screen("baseline: the same, project panels hidden", edit, hidden_panels=True),
        Screen("workbench, first view after a new draft", workbench, before=new_draft),
    ]

    meter = PanelMeter()

    def fetch(screen: Screen) -> None:
        response = client.get(screen.url)
        assert response.status_code == 200, (screen.url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)

    def run(screens: list[Screen]) -> None:
        for screen in screens:  # warm up: fonts, templates, caches
            with project_panels_hidden(screen.hidden_panels):
                fetch(screen)
        for _ in rounds(options.rounds):  # the screens take turns
            for screen in screens:
                if screen.before:
                    screen.before()
                with project_panels_hidden(screen.hidden_panels):
                    meter.reset()
                    wall, cpu = time.perf_counter(), time.process_time()
                    fetch(screen)
                    screen.cpu.append((time.process_time() - cpu) * 1000)
                    screen.wall.append((time.perf_counter() - wall) * 1000)
                    screen.panels.append(meter.seconds * 1000)
        for screen in screens:
            if screen.before:
                screen.before()
            meter.reset()
            with project_panels_hidden(screen.hidden_panels), CaptureQueriesContext(connection) as queries:
                fetch(screen)
            screen.queries, screen.panel_queries = len(queries), meter.queries

    run(published)
    new_draft()
    run(with_draft)

    print(f"{options.rounds} requests per screen, in-process (Django test client), SQLite, demo catalog\n")
    print("| screen | wall median | wall p95 | CPU median | queries | of which the two project panels |")
    print("|---|---|---|---|---|---|")
    for s in [*published, *with_draft]:
        wall = f"{statistics.median(s.wall):.0f} ms | {p95(s.wall):.0f} ms"
        panels = f"{statistics.median(s.panels):.1f} ms, {s.panel_queries} queries" if any(s.panels) else ""
        print(f"| {s.label} | {wall} | {statistics.median(s.cpu):.0f} ms | {s.queries} | {panels} |")


if __name__ == "__main__":
    main()
