"""Gallery page server time with 10,000 images: target 50 ms per page.

bench/gallery_page.py builds the gallery in a throwaway PostgreSQL database beside the
stack's and times the pages through Django's test client, in process: the server's own
time (middleware, session, queries, template), without the network. It runs in a child
process so its Django setup stays its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.registry import Bench, benchmark
from bench.report import Figure
from tests.integration.stack import DB_NAME, POSTGRES_URL

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
RUN = "import json; from bench.gallery_page import run; print('RESULT ' + json.dumps(run()))"


@benchmark("gallery page")
def gallery_page(bench: Bench) -> list[Figure]:
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES_URL.replace('postgresql://', 'postgres://')}/{DB_NAME}_gallery",
    }
    done = subprocess.run(
        [sys.executable, "-c", RUN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    return [
        Figure(
            f"gallery {case['case']}",
            case["median_ms"],
            "ms",
            f"<= {TARGET_MS:.0f} ms",
            met=case["median_ms"] <= TARGET_MS,
            note=f"p90 {case['p90_ms']:.1f} ms, {case['queries']} queries, "
            f"{result['items']:,} images on {result['database']}",
        )
        for case in result["cases"]
    ]
