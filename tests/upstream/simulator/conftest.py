"""The shared `simulator` and `sim` fixtures live in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from upstream.simulator.server import RunningSimulator


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=30) as http:
        yield http
