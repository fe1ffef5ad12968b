"""Options a gateway drops: the options panel says so, and a turn asking for one is refused."""

from __future__ import annotations

import json

import pytest

from conversations.models import Image, Turn
from providers.services import create_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, alice, studio_settings):
    client.force_login(alice)
    return client


@pytest.fixture
def litellm(sim, studio_settings):
    sim.configure(persona="litellm")
    return create_provider(name="LiteLLM", preset="litellm", base_url=sim.url)


def post_turn(api, conversation, **fields):
    data = {"prompt": "a red fox", **fields}
    data["options"] = json.dumps(data.get("options", {}))
    return api.post(f"/api/conversations/{conversation.pk}/turns/", data)


def test_a_turn_asking_for_an_option_the_gateway_drops_is_refused_and_nothing_is_stored(
    api, conversation, sim, litellm
):
    sim.clear()
    response = post_turn(
        api,
        conversation,
        api_mode="generate",
        options={"provider": litellm.pk, "model": "gpt-image-1", "output_format": "webp"},
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "output_format"
    assert error["message"].startswith("This provider ignores output_format;")
    assert "LiteLLM" in error["message"]
    assert not Turn.objects.exists() and not Image.objects.exists()
    assert not sim.requests()


def test_the_same_option_passes_in_a_mode_that_keeps_it(api, conversation, sim, litellm):
    # LiteLLM relays the Responses API whole; only its Images API routes drop options.
    response = post_turn(
        api,
        conversation,
        api_mode="responses",
        options={"provider": litellm.pk, "model": "gpt-image-1", "output_format": "webp"},
    )
    assert response.status_code in (200, 201, 202), response.content
    assert Turn.objects.count() == 1


def test_asking_for_what_the_gateway_does_anyway_is_not_refused(api, conversation, litellm):
    response = post_turn(
        api,
        conversation,
        api_mode="generate",
        options={"provider": litellm.pk, "model": "gpt-image-1", "output_format": "png"},
    )
    assert response.status_code in (200, 201, 202), response.content


def test_the_options_panel_is_told_which_options_a_provider_drops_per_mode(api, litellm):
    data = api.get("/api/capabilities/").json()
    model = data["models"][f"{litellm.pk}:gpt-image-1"]

    assert model["dropped_options"]["generate"] == [
        "background",
        "moderation",
        "output_compression",
        "output_format",
    ]
    assert "input_fidelity" in model["dropped_options"]["edit"]
    assert "responses" not in model["dropped_options"]
    assert (
        "ignores background, moderation, output_compression, output_format"
        in (model["dropped_notes"]["generate"])
    )


def test_a_provider_that_drops_nothing_has_no_note(api, studio_settings):
    data = api.get("/api/capabilities/").json()
    assert all(not m["dropped_options"] and not m["dropped_notes"] for m in data["models"].values())
