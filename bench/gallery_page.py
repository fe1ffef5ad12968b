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
            gallery, member = _build_gallery(SIZE)
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


def _build_gallery(size: int):
    from django.contrib.auth import get_user_model

    from conversations.models import Conversation, Image, Turn
    from galleries.models import Gallery, GalleryItem
    from galleries.services import POSITION_GAP
    from teams.models import Membership, Team

    member = get_user_model().objects.create_user("bench-member")
    team = Team.objects.create(name="Bench")
    Membership.objects.create(team=team, user=member, role=Membership.Role.EDITOR)
    conversation = Conversation.objects.create(owner=member, team=team, title="Foxes")
    turns = Turn.objects.bulk_create(
        Turn(
            conversation=conversation,
            author=member,
            prompt=f"a red fox in the snow, study number {n}",
            revised_prompt=f"A photorealistic red fox standing in fresh snow, variation {n}",
            image_model="gpt-image-1",
            options={"size": "1024x1024", "quality": "high"},
            status=Turn.Status.COMPLETED,
        )
        for n in range(size)
    )
    images = Image.objects.bulk_create(
        Image(
            turn=turn,
            role=Image.Role.FINAL,
            file=f"images/{conversation.pk}/{turn.pk}/final.png",
            thumbnail=f"images/{conversation.pk}/{turn.pk}/final-thumb.webp",
            width=1024,
            height=1024,
            format="png",
            bytes=1_500_000,
            sha256="0" * 64,
        )
        for turn in turns
    )
    gallery = Gallery.objects.create(team=team, name="Ten thousand foxes", created_by=member)
    GalleryItem.objects.bulk_create(
        GalleryItem(
            gallery=gallery,
            image=image,
            added_by=member,
            caption=f"Fox {n}" if n % 3 == 0 else "",
            position=n * POSITION_GAP,
        )
        for n, image in enumerate(images, start=1)
    )
    return gallery, member


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
