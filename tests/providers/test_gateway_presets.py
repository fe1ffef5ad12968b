"""Every gateway preset can be chosen when adding a provider, and sets its switches."""

from __future__ import annotations

import pytest

from common.errors import InvalidInput
from conversations.models import Turn
from conversations.planning import TurnRequest
from conversations.services import start_turn
from providers.clients import client_for, profile_for
from providers.models import Provider
from providers.services import create_provider
from upstream.presets import PRESETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff, studio_settings):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_is_offered_on_the_providers_page(staff_client, preset):
    page = staff_client.get("/providers/").content.decode()
    assert f'<option value="{preset}">' in page


@pytest.mark.parametrize(
    ("preset", "endpoints", "streaming", "stored", "retries"),
    [
        ("openai", ["responses", "generate", "edit", "variation", "files"], True, True, 2),
        ("litellm", ["responses", "generate", "edit"], False, True, 0),
        ("newapi", ["responses", "generate", "edit", "chat"], False, True, 2),
        ("oneapi", ["generate", "chat"], False, False, 2),
        ("tuzi", ["generate", "edit", "variation", "chat"], False, False, 2),
        ("vibeapi", ["responses", "generate", "edit"], False, False, 2),
    ],
)
def test_a_provider_added_from_a_preset_starts_with_its_switches(
    studio_settings, preset, endpoints, streaming, stored, retries
):
    provider = create_provider(name=preset, preset=preset, api_key="sk-test-0000")
    assert provider.base_url == PRESETS[preset].example_base_url
    assert provider.endpoints == endpoints
    assert (provider.images_streaming, provider.stored_ids) == (streaming, stored)
    assert provider.max_retries == retries
    with client_for(provider) as client:
        assert client._max_retries == retries


def test_only_openai_and_the_simulator_run_responses_in_the_background(studio_settings):
    made = {
        key: create_provider(name=key, preset=key, api_key="sk-test-0000")
        for key in ("openai", "litellm", "newapi", "simulator")
    }
    resumable = {key for key, provider in made.items() if profile_for(provider).background_resume}
    assert resumable == {"openai", "simulator"}


def test_a_mode_the_preset_lacks_is_refused_before_anything_is_stored(
    conversation, alice, studio_settings, sim
):
    litellm = create_provider(name="LiteLLM", preset="litellm", base_url=sim.url)
    sim.clear()
    with pytest.raises(InvalidInput, match="LiteLLM does not offer Images: variations"):
        start_turn(
            TurnRequest(
                conversation=conversation,
                author=alice,
                prompt="",
                api_mode="variation",
                options={"provider": litellm.pk, "model": "dall-e-2"},
            )
        )
    assert not Turn.objects.exists() and not sim.requests()
    assert Provider.objects.filter(name="LiteLLM").exists()


def test_a_chat_capable_gateway_offers_its_chat_image_models(studio_settings):
    from providers.presenters import present_options

    tuzi = create_provider(name="tu-zi", preset="tuzi", api_key="sk-test-0000")
    litellm = create_provider(name="LiteLLM", preset="litellm", api_key="sk-test-0000")
    offered = {(m["provider"], m["model"]) for m in present_options()["models"].values()}
    assert ("tu-zi", "gpt-4o-image-vip") in offered
    assert ("LiteLLM", "gpt-4o-image-vip") not in offered
    assert (litellm.name, "gpt-image-1") in offered and (tuzi.name, "gpt-image-1") in offered
