"""Turns through gateway presets, against the simulator playing each gateway."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from conversations.failures import failure_text
from conversations.models import Image, Turn
from providers.services import create_provider

pytestmark = pytest.mark.django_db


def finals(turn: Turn) -> list[Image]:
    return list(turn.images.filter(role=Image.Role.FINAL))


def chat_calls(sim) -> list[dict]:
    return [r for r in sim.requests() if r["path"] == "/v1/chat/completions"]


@pytest.fixture
def tuzi(sim, studio_settings):
    sim.configure(persona="tuzi")
    return create_provider(name="tu-zi", preset="tuzi", base_url=sim.url, api_key="sk-tuzi-0000")


def test_a_chat_image_model_turn_and_a_follow_up(run, conversation, alice, sim, tuzi):
    options = {"provider": tuzi.pk, "model": "gpt-4o-image-vip"}
    first = run(
        conversation=conversation,
        author=alice,
        prompt="four red foxes",
        api_mode="generate",
        options=options,
    )
    assert first.status == "completed", first.error_message
    assert len(finals(first)) == 4
    assert first.cost == Decimal("0.1")  # one call of four pictures, at the gateway's price
    second = run(
        conversation=conversation,
        author=alice,
        prompt="now in snow",
        api_mode="edit",
        parent=first,
        options=options,
    )

    assert second.status == "completed", second.error_message
    assert second.continuation == "resend_image"
    calls = chat_calls(sim)
    assert len(calls) == 2
    follow_up = calls[1]["json"]["messages"]
    assert follow_up[0] == {"role": "user", "content": "four red foxes"}
    sent = follow_up[-1]["content"]
    assert sent[0]["text"].startswith("now in snow")
    assert sent[1]["image_url"]["url"]["image"] is True


def test_a_chat_turn_publishes_its_progress(run, conversation, alice, sim, tuzi, monkeypatch):
    import json

    from conversations import events

    sent = []
    monkeypatch.setattr(events, "_send_event", lambda cid, text: sent.append(json.loads(text)))
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a fox",
        api_mode="generate",
        options={"provider": tuzi.pk, "model": "gpt-4o-image"},
    )

    assert turn.status == "completed", turn.error_message
    progress = [e for e in sent if e["type"] == "turn.progress"]
    assert progress and {e["stage"] for e in progress} <= {"queued", "generating", "done"}
    percents = [e["percent"] for e in progress if e["percent"] is not None]
    assert percents == sorted(percents)
    assert [e["sequence"] for e in sent] == sorted(e["sequence"] for e in sent)


@pytest.mark.parametrize(
    ("tag", "code", "words", "chinese"),
    [
        ("[chat:apology]", "no_image", "sorry", "图像提供商的回答中没有图片：“"),
        ("[chat:empty]", "empty_image_link", "empty", "图像提供商回答了一个空的图片链接"),
    ],
)
def test_a_chat_answer_without_a_picture_fails_with_the_gateways_words(
    run, conversation, alice, sim, tuzi, tag, code, words, chinese
):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt=f"a fox {tag}",
        api_mode="generate",
        options={"provider": tuzi.pk, "model": "gpt-4o-image"},
    )
    assert turn.status == "failed"
    assert turn.error_code == code
    assert words in turn.error_message.lower()
    assert not finals(turn)
    assert len(chat_calls(sim)) <= 3
    # Studio's sentence in the reader's language, the gateway's words quoted as they came.
    with translation.override("zh-hans"):
        assert chinese in failure_text(turn.error_detail, turn.error_message)


# preset -> (persona, simulator gateway mode, api mode, model)
PRESET_RUNS = {
    "litellm": ("litellm", False, "responses", "gpt-image-1"),
    "newapi": ("newapi", False, "responses", "gpt-image-1"),
    "oneapi": ("oneapi", False, "generate", "gpt-4o-image"),
    "tuzi": ("tuzi", False, "generate", "gpt-image-1"),
    "vibeapi": ("", True, "responses", "gpt-image-1"),
}


def on_preset(sim, key):
    persona, gateway, mode, model = PRESET_RUNS[key]
    sim.configure(persona=persona, gateway=gateway)
    provider = create_provider(name=key, preset=key, base_url=sim.url, api_key="sk-gw-0000")
    return mode, {"provider": provider.pk, "model": model}


def upstream_calls(sim) -> list[dict]:
    return [r for r in sim.requests() if r["path"].startswith("/v1/") and r["method"] == "POST"]


@pytest.mark.parametrize("key", sorted(PRESET_RUNS))
def test_a_turn_and_a_follow_up_on_every_preset(
    run, conversation, alice, sim, studio_settings, key
):
    mode, options = on_preset(sim, key)
    first = run(
        conversation=conversation, author=alice, prompt="a red fox", api_mode=mode, options=options
    )
    assert first.status == "completed", first.error_message
    follow_mode = "edit" if mode == "generate" else mode
    second = run(
        conversation=conversation,
        author=alice,
        prompt="now in snow",
        api_mode=follow_mode,
        parent=first,
        options=options,
    )
    assert second.status == "completed", second.error_message
    assert finals(second)
    stored_ids = key in ("litellm", "newapi")
    assert second.continuation == ("previous_response_id" if stored_ids else "resend_image")
    if key == "litellm":
        assert len(first.response_id) > 400  # the proxy's own ids, read back as they are


@pytest.mark.parametrize("key", sorted(PRESET_RUNS))
def test_a_failing_provider_is_called_at_most_three_times_for_a_turn(
    run, conversation, alice, sim, studio_settings, key
):
    mode, options = on_preset(sim, key)
    sim.inject("server_error", times=20)
    turn = run(
        conversation=conversation, author=alice, prompt="a red fox", api_mode=mode, options=options
    )
    assert turn.status == "failed"
    assert turn.error_message and "Traceback" not in turn.error_message
    assert 1 <= len(upstream_calls(sim)) <= 3, [r["path"] for r in upstream_calls(sim)]


def test_images_api_calls_are_not_streamed_where_the_gateway_cannot_relay_them(
    run, conversation, alice, sim, studio_settings
):
    _mode, options = on_preset(sim, "litellm")
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a red fox",
        api_mode="generate",
        options={**options, "partial_images": 2},
    )
    assert turn.status == "completed", turn.error_message
    (call,) = [r for r in sim.requests() if r["path"] == "/v1/images/generations"]
    assert not call["json"].get("stream")


@pytest.mark.parametrize("key", sorted(PRESET_RUNS))
def test_a_moderation_refusal_blocks_the_turn_on_every_preset(
    run, conversation, alice, sim, studio_settings, key
):
    mode, options = on_preset(sim, key)
    sim.inject("moderation", times=5)
    turn = run(
        conversation=conversation, author=alice, prompt="a red fox", api_mode=mode, options=options
    )
    assert turn.status == "blocked", (turn.status, turn.error_code, turn.error_message)
    assert "safety" in turn.error_message.lower()
    assert len(upstream_calls(sim)) <= 3


@pytest.mark.parametrize("key", sorted(PRESET_RUNS))
def test_an_exhausted_quota_fails_at_once_with_a_clear_message(
    run, conversation, alice, sim, studio_settings, key
):
    mode, options = on_preset(sim, key)
    sim.inject("insufficient_quota", times=5)
    turn = run(
        conversation=conversation, author=alice, prompt="a red fox", api_mode=mode, options=options
    )
    assert turn.status == "failed"
    assert turn.error_code == "insufficient_quota"
    assert "run out of credit" in turn.error_message
    assert len(upstream_calls(sim)) <= 3


def test_a_link_to_redis_fails_the_turn_and_stores_nothing(
    run, conversation, alice, sim, studio_settings
):
    # The simulator is on loopback, so loopback links are not refused for being private
    # (tests/upstream cover that); this one is still no picture, and nothing is kept.
    _mode, options = on_preset(sim, "tuzi")
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a fox [chat:private_link]",
        api_mode="generate",
        options={**options, "model": "gpt-4o-image"},
    )
    assert turn.status == "failed"
    assert turn.error_code in ("image_link_refused", "image_download_failed"), turn.error_code
    assert "6379" not in turn.error_message or "refused" in turn.error_message.lower()
    assert not turn.images.exists()
