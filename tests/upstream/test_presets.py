from __future__ import annotations

import pytest

from upstream.gateway_models import gateway_model, is_chat_image_model
from upstream.presets import MAX_UPSTREAM_CALLS_PER_FAILURE, PRESETS, get_preset
from upstream.profiles import PROFILES


def test_every_preset_reaches_the_provider_at_most_three_times_for_a_failed_call():
    for preset in PRESETS.values():
        assert preset.upstream_calls_per_failure <= MAX_UPSTREAM_CALLS_PER_FAILURE, preset.key


def test_the_gateway_retrying_itself_turns_studios_retries_off():
    litellm = get_preset("litellm")
    assert litellm.own_retries == 2 and litellm.studio_retries == 0


def test_every_preset_names_a_known_profile():
    for preset in PRESETS.values():
        assert preset.profile in PROFILES


def test_the_presets_studio_offers():
    assert set(PRESETS) == {
        "openai",
        "gateway",
        "simulator",
        "litellm",
        "newapi",
        "oneapi",
        "tuzi",
        "vibeapi",
    }


def test_a_missing_endpoint_is_said_in_plain_words():
    message = get_preset("litellm").missing_endpoint_message("images.variations")
    assert message.english == "This provider (LiteLLM proxy) has no image variations."
    assert get_preset("openai").missing_endpoint_message("images.variations") is None
    assert not get_preset("oneapi").has("responses")


def test_dropped_options_per_mode():
    litellm = get_preset("litellm")
    assert "moderation" in litellm.drops("generate")
    assert "input_fidelity" in litellm.drops("edit") and "moderation" not in litellm.drops("edit")
    assert get_preset("openai").drops("generate") == frozenset()
    assert get_preset("oneapi").size_always_sent


def test_unknown_preset():
    with pytest.raises(ValueError, match="known presets"):
        get_preset("azure")


def test_gateway_models():
    vip = gateway_model("gpt-4o-image-vip")
    assert (vip.transport, vip.images_per_call, vip.price_per_call) == ("chat", 4, 0.10)
    assert gateway_model("GPT-4o-Image").name == "gpt-4o-image"
    assert gateway_model("gpt-image-2-vip").size_param
    assert gateway_model("gpt-image-1-vip").transport == "images"
    assert gateway_model("gpt-image-1") is None


def test_async_forms_of_chat_models():
    model = gateway_model("gpt-4o-image-async")
    assert model.asynchronous and model.transport == "chat"
    assert gateway_model("gpt-image-1-vip-async") is None
    assert is_chat_image_model("sora_image") and not is_chat_image_model("gpt-image-2")
