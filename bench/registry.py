"""The benchmarks `make bench` runs, in order: each takes the running stack and returns its
figures. A module registers its benchmarks with @benchmark when bench/__main__ imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.report import Figure
from tests.integration.stack import Browser, Stack


@dataclass
class Bench:
    stack: Stack
    browser: Browser


Benchmark = Callable[[Bench], list[Figure]]
BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(function: Benchmark) -> Benchmark:
        BENCHMARKS[name] = function
        return function

    return register
