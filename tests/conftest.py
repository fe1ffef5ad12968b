"""Shared fixtures: the simulated provider on a loopback port, people, conversations."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image as PILImage

from upstream.simulator.server import RunningSimulator, start_in_thread


@pytest.fixture(scope="session")
def simulator() -> Iterator[RunningSimulator]:
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def sim(simulator: RunningSimulator) -> Iterator[RunningSimulator]:
    """The shared simulator, reset to defaults around each test."""
    simulator.clear()
    simulator.configure(latency=(0.0, 0.0), gateway=False, models=[], id_length=0, api_key="")
    yield simulator
    simulator.clear()
    simulator.configure(latency=(0.0, 0.0), gateway=False, models=[], id_length=0, api_key="")


@pytest.fixture
def media(settings, tmp_path):
    """Image files in a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return settings


@pytest.fixture
def studio_settings(media, sim, django_db_blocker):
    """Unit-test settings: turns run inline on commit, in-memory channels, the simulator
    as the environment's provider."""
    settings = media
    settings.TURN_DISPATCH = "inline"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.OPENAI_BASE_URL = sim.url
    settings.OPENAI_API_KEY = ""
    settings.UPSTREAM_MAX_RETRIES = 2
    from providers.seeding import seed_from_environment

    with django_db_blocker.unblock():
        seed_from_environment()
    return settings


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a turn and run it to the end (turns dispatch inline on commit in these tests)."""
    from conversations.services import start_turn

    def start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            turn = start_turn(**kwargs)
        turn.refresh_from_db()
        return turn

    return start


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="correct-horse-9")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="correct-horse-9")


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie", password="correct-horse-9")


@pytest.fixture
def conversation(alice, studio_settings):
    from conversations.services import create_conversation

    return create_conversation(owner=alice, title="Foxes")


def png_bytes(size=(64, 64), color=(200, 40, 40, 255), mode="RGBA", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, color if mode != "L" else 0).save(buffer, format=fmt)
    return buffer.getvalue()


def use_gateway_provider(name: str = "gateway"):
    """Make the environment's (simulated) provider a constrained gateway named ``name``."""
    from providers.models import Provider

    provider = Provider.objects.get(from_environment=True)
    provider.name, provider.wire_profile, provider.stored_ids = name, "gateway", False
    provider.save()
    return provider
