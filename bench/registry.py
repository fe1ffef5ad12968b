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

    def restart_worker(self, env: dict[str, str] | None = None) -> None:
        """A fresh worker process; with ``env`` as its whole environment, for one baseline
        round, else the stack's own."""
        configured = self.stack.env
        self.stack.env = env if env is not None else configured
        try:
            self.stack.restart_worker()
        finally:
            self.stack.env = configured


Benchmark = Callable[[Bench], list[Figure]]
BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(function: Benchmark) -> Benchmark:
        BENCHMARKS[name] = function
        return function

    return register
