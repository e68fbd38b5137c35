"""Admin search latency: the portal's Wagtail search backend beside Wagtail's stock database backend.

    .venv/bin/python bench/bench_admin_search.py [--rounds 40] [--database FILE]

Times whole admin requests in process with Django's test client, logged in
as a superuser: the page search (``/admin/pages/search/?q=…``, the headline
figure is 低保) and the page chooser's search. Each backend in turn is
``WAGTAILSEARCH_BACKENDS["default"]``, alternating request by request, so a
busy moment on the shared machine hits both alike. Both answer from the same
database: the stock backend's own index tables are kept by the portal
backend too.

Without ``--database`` a throwaway SQLite database is migrated and the demo
catalog loaded (a few minutes). ``--database`` takes a copy of an existing
one instead, e.g. the catalog database the tests build under
``var/test-cache/``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_site import rounds, set_up_demo_site, use_database  # noqa: E402

BACKENDS = {"portal": "search.wagtail_backend", "stock": "wagtail.search.backends.database"}
PAGE_SEARCH = [
    "低保",
    "医疗保险",
    "qh-mz-001",
    "dibao",
    "最低生活保障申请",
]  # the last: a whole name, which stock finds too
CHOOSER = ["医疗保险"]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def use_copy(database: Path) -> None:
    target = Path(tempfile.mkdtemp(prefix="bench-admin-search-")) / "bench.sqlite3"
    shutil.copyfile(database, target)
    use_database(target)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database", type=Path, help="copy this catalog database instead of loading one")
    options = parser.parse_args()
    if options.database:
        use_copy(options.database)
    else:
        set_up_demo_site("bench-admin-search-")

    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.urls import reverse
    from wagtail.models import Page

    from search.models import SearchDocument

    user = get_user_model().objects.create_superuser("bench-admin", "bench@example.cn", "bench-admin-pw")
    client = Client()
    client.force_login(user)
    requests = [(reverse("wagtailadmin_pages:search"), q) for q in PAGE_SEARCH]
    requests += [(reverse("wagtailadmin_choose_page_search"), q) for q in CHOOSER]

    def settings_for(name: str):
        return override_settings(WAGTAILSEARCH_BACKENDS={"default": {"BACKEND": BACKENDS[name]}})

    def request(name: str, url: str, query: str) -> float:
        with settings_for(name):
            start = time.perf_counter()
            response = client.get(url, {"q": query})
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (name, url, query, response.status_code)
        return elapsed

    def matches(name: str, query: str) -> int:
        """How many pages the views list (both search all pages with autocomplete, for a superuser)."""
        with settings_for(name):
            return Page.objects.exclude(depth=1).autocomplete(query).count()

    for name in BACKENDS:  # warm up: the dictionary, the vocabulary, template caches
        for url, query in requests:
            request(name, url, query)

    def backend_only(name: str, query: str) -> float:
        """The search alone, as the page search asks it: count, then the first page of 20."""
        with settings_for(name):
            start = time.perf_counter()
            results = Page.objects.all().autocomplete(query)
            results.count()
            list(results[:20])
            return (time.perf_counter() - start) * 1000

    times: dict[tuple[str, str, str], list[float]] = {}
    for _ in rounds(options.rounds):
        for url, query in requests:
            for name in BACKENDS:
                times.setdefault((name, url, query), []).append(request(name, url, query))
        for name in BACKENDS:
            times.setdefault((name, "backend only", "低保"), []).append(backend_only(name, "低保"))

    print(
        f"demo catalog: {Page.objects.count()} pages, {SearchDocument.objects.count()} in the portal's index; "
        f"{options.rounds} requests per line, in process (Django test client, superuser)"
    )
    print(f"{'request':44} {'backend':8} {'p50 ms':>8} {'p95 ms':>8} {'found':>6}")
    for url, query in [*requests, ("backend only", "低保")]:
        for name in BACKENDS:
            values = times[(name, url, query)]
            label = f"{url}?q={query}"
            print(f"{label:44} {name:8} {statistics.median(values):8.1f} {p95(values):8.1f} {matches(name, query):6d}")


if __name__ == "__main__":
    main()
