from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from upstream.simulator.server import RunningSimulator, start_in_thread


@pytest.fixture(scope="session")
def simulator() -> Iterator[RunningSimulator]:
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def sim(simulator: RunningSimulator) -> Iterator[RunningSimulator]:
    """The shared server, reset to defaults around each test."""
    simulator.clear()
    simulator.configure(latency=(0.0, 0.0), gateway=False)
    yield simulator
    simulator.clear()
    simulator.configure(latency=(0.0, 0.0), gateway=False)


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=30) as http:
        yield http
