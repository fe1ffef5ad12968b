"""Figures, the table they print as, and the JSON file they are kept in."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    name: str
    value: float | None  # None: not measured (the note says why)
    unit: str = ""
    target: str = ""  # e.g. "<= 25"
    met: bool | None = None
    note: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "not measured"
        return f"{self.value:,.1f} {self.unit}".strip()


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile; the largest value for small samples at p99."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def at_most(name: str, value: float, unit: str, limit: float, note: str = "") -> Figure:
    return Figure(name, value, unit, f"<= {limit:g} {unit}", value <= limit, note)


def at_least(name: str, value: float, unit: str, limit: float, note: str = "") -> Figure:
    return Figure(name, value, unit, f">= {limit:g} {unit}", value >= limit, note)


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "target", "", "note")]
    for figure in figures:
        verdict = {True: "ok", False: "MISSED", None: ""}[figure.met]
        rows.append((figure.name, figure.shown, figure.target, verdict, figure.note))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_results(path: Path, figures: list[Figure], seconds: float) -> None:
    document = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(seconds, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "figures": [asdict(figure) for figure in figures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
