"""`python -m bench [--only NAME[,NAME]]`: start the stack, run the benchmarks, print the
table, write bench/results.json."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

import django

# The benchmarks name channel groups with the product's own functions, whose modules load
# models: Django is set up as the integration tests set it up (pytest-django, pyproject).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from bench import gallery, paint, pictures, relay, streams  # noqa: E402, F401  (each registers)
from bench.registry import BENCHMARKS, Bench  # noqa: E402
from bench.report import Figure, table, write_results  # noqa: E402
from tests.integration.stack import DB_NAME, Stack, require_services  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.json"
# The heavy streams benchmark last: it restarts the worker.
RUN_ORDER = (
    "picture sizes",
    "worker steps",
    "relay latency",
    "time to first partial",
    "browser paint",
    "streams per worker",
    "gallery page",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", help=f"comma-separated, of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else sorted(BENCHMARKS, key=run_position)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}")

    require_services(redis_server=True)
    started = time.monotonic()
    stack = Stack(
        "bench",
        db_name=f"{DB_NAME}_bench",
        own_redis=True,
        worker_concurrency=200,
        # Pictures that weigh what real ones do: every byte-bound step is measured at size.
        realistic=True,
        # The production default, not the tests' short one: a resync reads the database.
        # The allocator settings `make worker` runs with (Makefile).
        env={
            "WEBSOCKET_RESYNC_SECONDS": "20",
            "MALLOC_MMAP_THRESHOLD_": "1048576",
            "MALLOC_ARENA_MAX": "2",
        },
    )
    figures: list[Figure] = []
    try:
        print(f"starting the stack (logs in {stack.artifacts})", flush=True)
        stack.start()
        bench = Bench(stack, stack.sign_up("bench"))
        for name in chosen:
            print(f"running {name} ...", flush=True)
            figures += run_one(name, bench)
    finally:
        stack.stop()
    print()
    print(table(figures))
    write_results(RESULTS, figures, time.monotonic() - started)
    print(f"\nwritten to {RESULTS}")
    return 1 if any(figure.met is False for figure in figures) else 0


def run_position(name: str) -> int:
    return RUN_ORDER.index(name) if name in RUN_ORDER else len(RUN_ORDER)


def run_one(name: str, bench: Bench) -> list[Figure]:
    try:
        return BENCHMARKS[name](bench)
    except Exception as exc:
        traceback.print_exc()
        return [Figure(name, None, note=f"failed: {type(exc).__name__}: {exc}"[:200])]


if __name__ == "__main__":
    sys.exit(main())
