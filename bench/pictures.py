"""Realistic pictures: the sizes the simulator produces and what it takes to make them, and
what a worker spends on each partial image, step by step (bench/worker_steps.py)."""

from __future__ import annotations

import base64
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.registry import Bench, benchmark
from bench.report import Figure
from tests.integration.stack import DB_NAME, POSTGRES_URL
from upstream.simulator.options import resolve
from upstream.simulator.rendering import ImageTask, render

ROOT = Path(__file__).resolve().parents[1]
RUN_STEPS = "import json; from bench.worker_steps import run; print('RESULT ' + json.dumps(run()))"
# (label, model, size, output_format, output_compression)
CASES = [
    ("1024x1024 png", "gpt-image-1", "1024x1024", "png", None),
    ("1536x1024 png", "gpt-image-1", "1536x1024", "png", None),
    ("3840x2160 png", "gpt-image-2", "3840x2160", "png", None),
    ("1024x1024 jpeg 90", "gpt-image-1", "1024x1024", "jpeg", 90),
    ("1024x1024 jpeg 50", "gpt-image-1", "1024x1024", "jpeg", 50),
    ("1024x1024 webp 90", "gpt-image-1", "1024x1024", "webp", 90),
    ("1024x1024 webp 50", "gpt-image-1", "1024x1024", "webp", 50),
]


@benchmark("picture sizes")
def picture_sizes(bench: Bench) -> list[Figure]:
    """Rendered here, in this process, as the simulator renders a new picture (its cache
    makes a repeated prompt free)."""
    figures = []
    for index, (label, model, size, output_format, compression) in enumerate(CASES):
        params = {"size": size, "output_format": output_format, "partial_images": 3}
        if compression is not None:
            params["output_compression"] = compression
        options = resolve(params, model=model)
        started = time.perf_counter()
        rendered = render(ImageTask(f"a harbour at dawn, take {index}", options, realistic=True))
        took = time.perf_counter() - started
        final = len(base64.b64decode(rendered.b64))
        partials = [len(base64.b64decode(p)) for p in rendered.partials_b64]
        figures.append(
            Figure(
                f"simulator picture {label}",
                final / 1e6,
                "MB",
                note=f"partials {statistics.median(partials) / 1e6:.2f} MB; "
                f"new picture + 3 partials rendered in {took * 1000:.0f} ms",
            )
        )
    return figures


@benchmark("worker steps")
def worker_steps(bench: Bench) -> list[Figure]:
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES_URL.replace('postgresql://', 'postgres://')}/{DB_NAME}_steps",
        "REDIS_URL": bench.stack.redis_url,
    }
    done = subprocess.run(
        [sys.executable, "-c", RUN_STEPS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    steps = result["steps"]
    total_cpu = sum(step["cpu_ms"] for step in steps.values())
    figures = [
        Figure(
            f"worker CPU per partial: {name}",
            step["cpu_ms"],
            "ms",
            note=f"wall {step['wall_ms']:.1f} ms, {step['cpu_ms'] / total_cpu:.0%} of the CPU",
        )
        for name, step in steps.items()
    ]
    return [
        *figures,
        Figure(
            "worker CPU per partial: all steps",
            total_cpu,
            "ms",
            note=f"a {result['partial_bytes'] / 1e6:.1f} MB PNG partial; its preview "
            f"{result['preview_bytes'] / 1e3:.0f} KB",
        ),
    ]
