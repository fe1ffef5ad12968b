"""Providers at work: a second simulator on its own port, staff, and a turn runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.models import Provider
from providers.services import create_provider
from upstream.simulator.server import RunningSimulator, start_in_thread

SECRET = "sk-proj-very-secret-key-1234567890-WXYZ"


@pytest.fixture(scope="session")
def second_simulator() -> Iterator[RunningSimulator]:
    running = start_in_thread(gateway=True)
    yield running
    running.stop()


@pytest.fixture
def gateway_sim(second_simulator) -> Iterator[RunningSimulator]:
    second_simulator.clear()
    second_simulator.configure(gateway=True, models=[], api_key=SECRET)
    yield second_simulator
    second_simulator.clear()
    second_simulator.configure(gateway=True, models=[], api_key="")


@pytest.fixture
def environment_provider(studio_settings) -> Provider:
    return Provider.objects.get(from_environment=True)


@pytest.fixture
def gateway(studio_settings, gateway_sim) -> Provider:
    """A second provider: the gateway preset, on the second simulator, with a real key."""
    return create_provider(name="Relay", preset="gateway", base_url=gateway_sim.url, api_key=SECRET)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("sam", password="correct-horse-9", is_staff=True)
