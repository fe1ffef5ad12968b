"""The environment seeds a provider on first start and updates it later."""

from __future__ import annotations

import pytest

from providers.models import Provider
from providers.seeding import seed_from_environment

pytestmark = pytest.mark.django_db


def test_no_key_means_the_simulator(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = "http://127.0.0.1:8765/v1"
    provider = seed_from_environment()
    assert (provider.name, provider.preset, provider.key_hint) == (
        "Simulator",
        "simulator",
        "no key",
    )
    assert not provider.openai_lineup


def test_a_key_makes_the_environment_provider_openai_and_a_second_start_updates_it(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = "http://127.0.0.1:8765/v1"
    seed_from_environment()
    settings.OPENAI_API_KEY = "sk-live-abcdefgh-9876"
    settings.OPENAI_BASE_URL = "https://api.openai.com/v1"
    provider = seed_from_environment()
    assert Provider.objects.filter(from_environment=True).count() == 1
    assert (provider.name, provider.preset, provider.openai_lineup) == ("OpenAI", "openai", True)
    assert provider.key_hint == "…9876"
    assert provider.timeout_seconds >= 300


def test_the_gateway_profile_gives_the_gateway_preset(settings):
    settings.OPENAI_API_KEY = "sk-gw-0000000000001111"
    settings.OPENAI_BASE_URL = "https://relay.example/v1"
    settings.STUDIO_PROVIDER_PROFILE = "gateway"
    provider = seed_from_environment()
    assert (provider.preset, provider.wire_profile, provider.stored_ids) == (
        "gateway",
        "gateway",
        False,
    )
    assert provider.max_retries == 0
