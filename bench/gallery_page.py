"""Server time of a gallery page with 10,000 images: the first page and one 9,000 items deep.

Builds the gallery (rows only; the pages never open image files) in a throwaway database,
then times each page through Django's test client, in process, so the figures are the
server's own time without the network: middleware, session, queries, template. ``run()``
returns the figures; ``python bench/gallery_page.py`` prints them as a table.

The database is SQLite in a temporary directory unless DATABASE_URL is set, in which case
Django's test-database utilities create (and drop) a throwaway database on that server.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = 10_000
DEEP = 9_000
WARMUP = 5
REPEATS = 60
TARGET_MS = 50.0


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="studio-bench-gallery-") as var_dir:
        _configure_django(var_dir)
        from django.db import connection
        from django.test.utils import setup_test_environment, teardown_test_environment

        setup_test_environment()
        original = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            from tests.galleries.builders import build_large_gallery

            gallery, member = build_large_gallery(SIZE, role="editor")
            _refresh_statistics()
            cases = _measure(gallery, member)
            vendor = connection.vendor
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
            teardown_test_environment()
    return {
        "name": "gallery_page",
        "items": SIZE,
        "database": vendor,
        "repeats": REPEATS,
        "target_ms": TARGET_MS,
        "cases": cases,
        "within_target": all(case["median_ms"] <= TARGET_MS for case in cases),
    }


def _configure_django(var_dir: str) -> None:
    """Set Django up for this run, unless the process that imported us already did."""
    from django.conf import settings

    if settings.configured:
        return
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ["STUDIO_VAR_DIR"] = var_dir
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-serving-anything")
    # Production-like: no debug query log, cached templates.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Static files are served from the finders; the bench collects none.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def _refresh_statistics() -> None:
    """Give the planner what a live database has: statistics of the rows just inserted."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _measure(gallery, member) -> list[dict]:
    from django.test import Client

    from galleries.pagination import encode_cursor, order

    client = Client()
    client.force_login(member)
    page = f"/galleries/{gallery.pk}/"
    api = f"/api/galleries/{gallery.pk}/items/"

    def deep(sort: str) -> str:
        return encode_cursor(sort, order(gallery.items.all(), sort)[DEEP])

    cases = [
        ("page, newest first, first page", page, {}),
        (f"page, newest first, item {DEEP:,}", page, {"cursor": deep("date")}),
        ("page, by hand, first page", page, {"sort": "hand"}),
        (f"page, by hand, item {DEEP:,}", page, {"sort": "hand", "cursor": deep("hand")}),
        ("json, newest first, first page", api, {}),
        (f"json, newest first, item {DEEP:,}", api, {"cursor": deep("date")}),
        ("json, search 'study number 9'", api, {"q": "study number 9"}),
        # One match: the search reads the whole gallery to find it.
        ("json, search 'study number 4242'", api, {"q": "study number 4242"}),
    ]
    return [_time(client, label, url, params) for label, url, params in cases]


def _time(client, label: str, url: str, params: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        _get(client, url, params)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url, params)
    # Counted now: the captured list is a view of the connection's log, which the next
    # request clears.
    query_count = len(queries.captured_queries)
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        _get(client, url, params)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "case": label,
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(statistics.quantiles(samples, n=10)[8], 2),
        "queries": query_count,
    }


def _get(client, url: str, params: dict):
    # secure=True: the settings may redirect plain HTTP to HTTPS, which would time a redirect.
    response = client.get(url, params, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params} answered {response.status_code}")
    return response


def _print_table(result: dict) -> None:
    print(
        f"Gallery page, {result['items']:,} images, {result['database']}, "
        f"median of {result['repeats']} (target {result['target_ms']:.0f} ms)"
    )
    width = max(len(case["case"]) for case in result["cases"])
    print(f"{'case':<{width}}  {'median ms':>9}  {'p90 ms':>7}  {'queries':>7}")
    for case in result["cases"]:
        print(
            f"{case['case']:<{width}}  {case['median_ms']:>9.2f}  {case['p90_ms']:>7.2f}  "
            f"{case['queries']:>7}"
        )
    print("within target" if result["within_target"] else "OVER TARGET")


if __name__ == "__main__":
    _print_table(run())
