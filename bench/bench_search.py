"""Search speed: dictionary start-up, API latency beside stock Wagtail search,
and the embedded backend at 1k, 10k and 100k synthetic documents.

    .venv/bin/python bench/bench_search.py [--sizes 1000 10000 100000] [--rounds 5]

Runs on a throwaway SQLite database in a temporary folder. Synthetic
documents reuse the demo catalog's analyzed token strings with a varied
title word, so their term statistics look like real guides; foreign-key
checks are off on that throwaway connection because the rows have no pages.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_site import set_up_demo_site  # noqa: E402

LOAD_PROBE = """
import resource, time
start = time.perf_counter()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from search.analysis import segmenter, analyze_query
segmenter.tokenizer
analyze_query("申请低保需要什么材料")
print(time.perf_counter() - start, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def dictionary_cost() -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", LOAD_PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, megabytes = out.stdout.split()
    return float(seconds), float(megabytes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()

    load_s, load_mb = dictionary_cost()
    set_up_demo_site("bench-search-")
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from wagtail.models import Page, Site

    from home.towns import town_path
    from search.engine import search
    from search.evaluation import read_cases
    from search.models import SearchDocument

    queries = [c.query for c in read_cases(settings.BASE_DIR.parent / "shared/search-eval/dev-queries.tsv")]
    client = Client()
    site = Site.objects.get(is_default_site=True)
    site_root = town_path(site)
    client.get("/api/search/", {"q": "低保"})  # warm up: vocabulary and caches

    from search.wagtail_backend import STOCK_BACKEND

    def timed(fn, query: str) -> float:
        start = time.perf_counter()
        fn(query)
        return (time.perf_counter() - start) * 1000

    api = [timed(lambda q: client.get("/api/search/", {"q": q}), q) for _ in range(options.rounds) for q in queries]
    # The baseline is stock Wagtail's database backend, named because the portal's is the default.
    pages = Page.objects.live().descendant_of(site.root_page).specific()
    stock = [
        timed(lambda q: list(pages.search(q, backend=STOCK_BACKEND)[:10]), q)
        for _ in range(options.rounds)
        for q in queries
    ]
    print(f"dictionary load (fresh process): {load_s:.2f} s, {load_mb:.0f} MB")
    print(f"demo catalog ({SearchDocument.objects.count()} documents), {len(api)} requests each:")
    print(f"  portal JSON API        p50 {statistics.median(api):6.1f} ms   p95 {p95(api):6.1f} ms")
    print(f"  baseline: stock Wagtail p50 {statistics.median(stock):6.1f} ms   p95 {p95(stock):6.1f} ms")

    real = list(SearchDocument.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys=OFF")
    made = 0
    for size in sorted(options.sizes):
        batch = []
        while made + len(batch) < size:
            source = real[(made + len(batch)) % len(real)]
            n = made + len(batch)
            batch.append(
                SearchDocument(
                    page_id=10_000_000 + n,
                    root_path=source.root_path,
                    doc_type=source.doc_type,
                    code=f"SYN-{n}",
                    title=f"{source.title}{n}",
                    url=f"/syn/{n}/",
                    summary=source.summary,
                    category=source.category,
                    life_events=source.life_events,
                    level=source.level,
                    online=source.online,
                    keywords=source.keywords,
                    title_terms=f"{source.title_terms} 合成{n % 997}",
                    keyword_terms=source.keyword_terms,
                    body_terms=source.body_terms,
                    pinyin_terms=source.pinyin_terms,
                    code_terms=f"syn{n}",
                )
            )
        SearchDocument.objects.bulk_create(batch, batch_size=2000)
        created = list(SearchDocument.objects.filter(page_id__gte=10_000_000 + made).order_by("pk"))
        from search.backends.embedded import EmbeddedBackend

        EmbeddedBackend().index(created)
        made = size
        times = [timed(lambda q: search(q, site_root, log=False), q) for _ in range(options.rounds) for q in queries]
        print(
            f"embedded backend at {size:>6} synthetic + {len(real)} real documents: "
            f"p50 {statistics.median(times):6.1f} ms   p95 {p95(times):6.1f} ms"
        )


if __name__ == "__main__":
    main()
