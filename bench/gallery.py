"""Gallery page server time with 10,000 images: target 50 ms.

Measured once the galleries app exists: seed one gallery of 10,000 images in the bench
database, then time the gallery page's view on the server (Server-Timing, or the view
called in-process against the bench database), median of 20 requests after a warm-up.
Until then this reports "not measured".
"""

from __future__ import annotations

import importlib.util

from bench.registry import Bench, benchmark
from bench.report import Figure

NAME = "gallery page server time (10,000 images)"


@benchmark("gallery page")
def gallery_page(bench: Bench) -> list[Figure]:
    if importlib.util.find_spec("galleries") is None:
        return [Figure(NAME, None, "ms", "<= 50 ms", note="the galleries app is not installed")]
    return [measure_gallery_page(bench)]


def measure_gallery_page(bench: Bench) -> Figure:
    """To be wired to the galleries app: seed, request, time (see the module docstring)."""
    return Figure(NAME, None, "ms", "<= 50 ms", note="galleries exists; its benchmark is not wired")
