from __future__ import annotations

import json

import pytest

from upstream.capabilities import MODELS, allowed_choices, estimate_output_tokens, get_model
from upstream.errors import InvalidRequest
from upstream.profiles import GATEWAY, OPENAI


def test_unknown_models_are_unverified_with_conservative_limits_never_gpt_image_1s():
    spec = get_model("gpt-image-9")
    assert not spec.known
    assert "unverified" in spec.note.english
    assert spec.modes == ("generate", "edit")
    assert (spec.sizes, spec.qualities, spec.output_formats) == (
        ("1024x1024", "auto"),
        ("auto",),
        ("png",),
    )
    assert (spec.max_n, spec.supports_transparency, spec.input_fidelities) == (1, False, ())
    assert not spec.is_gpt_image and not spec.supports_streaming
    assert get_model("gpt-image-2-2026-04-21") is MODELS["gpt-image-2"]
    assert get_model("gpt-image-1").known


def test_openai_shutdown_dates_come_with_the_table():
    assert str(MODELS["gpt-image-1"].openai_shutdown) == "2026-10-23"
    assert str(MODELS["dall-e-3"].openai_shutdown) == "2026-05-12"
    assert str(MODELS["gpt-image-1.5"].openai_shutdown) == "2026-12-01"
    assert MODELS["gpt-image-2"].openai_shutdown is None


def test_gpt_image_2_transparency_is_a_preview_on_openai_and_absent_on_the_gateway():
    on_openai = allowed_choices("gpt-image-2", OPENAI)
    assert on_openai["supports_transparency"] and on_openai["transparency_preview"]
    assert on_openai["input_fidelities"] == ["high", "low"]
    on_gateway = allowed_choices("gpt-image-2", GATEWAY)
    assert not on_gateway["supports_transparency"]
    assert "transparent" not in on_gateway["backgrounds"]


def test_every_protocol_model_is_known():
    assert set(MODELS) == {
        "dall-e-2",
        "dall-e-3",
        "gpt-image-1",
        "gpt-image-1-mini",
        "gpt-image-1.5",
        "gpt-image-2",
        "chatgpt-image-latest",
    }


# The gpt-image-1 output-token table of openai-image-protocol.md §6.
PROTOCOL_TOKENS = {
    ("low", "1024x1024"): 272,
    ("low", "1024x1536"): 408,
    ("low", "1536x1024"): 400,
    ("medium", "1024x1024"): 1056,
    ("medium", "1024x1536"): 1584,
    ("medium", "1536x1024"): 1568,
    ("high", "1024x1024"): 4160,
    ("high", "1024x1536"): 6240,
    ("high", "1536x1024"): 6208,
}


@pytest.mark.parametrize(("quality", "size"), list(PROTOCOL_TOKENS))
def test_estimate_matches_the_protocol_table(quality, size):
    expected = PROTOCOL_TOKENS[quality, size]
    assert estimate_output_tokens(model="gpt-image-1", size=size, quality=quality) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"model": "gpt-image-1", "size": "1024x1024", "quality": "low", "partial_images": 2}, 472),
        ({"model": "gpt-image-1", "size": "auto", "quality": "medium"}, 1056),
        ({"model": "gpt-image-1", "size": None, "quality": "auto"}, 4160),
        ({"model": "gpt-image-2", "size": "2048x2048", "quality": "low"}, 272 * 4),
        # 16:9 is nearest to 3:2, then scaled by area: 6208 * 2048*1152 / (1536*1024)
        ({"model": "gpt-image-2", "size": "2048x1152", "quality": "high"}, 9312),
        ({"model": "gpt-image-2", "size": "1152x2048", "quality": "high"}, 9360),
        ({"model": "dall-e-3", "size": "1024x1024", "quality": "hd"}, 0),
        ({"model": "dall-e-2", "size": "256x256", "quality": None, "partial_images": 0}, 0),
    ],
)
def test_estimate_other_cases(kwargs, expected):
    assert estimate_output_tokens(**kwargs) == expected


def test_estimate_refuses_a_size_it_cannot_read():
    with pytest.raises(InvalidRequest) as caught:
        estimate_output_tokens(model="gpt-image-1", size="huge", quality="low")
    assert caught.value.param == "size"


def test_allowed_choices_for_gpt_image_2_on_the_gateway():
    choices = allowed_choices("gpt-image-2", GATEWAY)
    assert json.loads(json.dumps(choices)) == choices
    assert choices["supports_custom_size"]
    assert choices["size_rules"] == {
        "multiple_of": 16,
        "max_edge": 3840,
        "max_ratio": 3,
        "min_pixels": 655_360,
        "max_pixels": 8_294_400,
        "experimental_above_pixels": 3_686_400,
    }
    assert not choices["supports_transparency"]
    assert choices["backgrounds"] == ["opaque", "auto"]
    assert choices["input_fidelities"] == []
    assert not choices["supports_input_fidelity"]
    assert choices["max_n"] == 1  # the gateway answers one image per request
    assert choices["modes"] == ["responses", "generate", "edit"]
    assert "3840x2160" in choices["sizes"]


def test_allowed_choices_for_gpt_image_1_on_openai():
    choices = allowed_choices("gpt-image-1", OPENAI)
    assert choices == {
        "model": "gpt-image-1",
        "known": True,
        "note": "",
        "modes": ["responses", "generate", "edit"],
        "sizes": ["1024x1024", "1536x1024", "1024x1536", "auto"],
        "supports_custom_size": False,
        "size_rules": None,
        "qualities": ["low", "medium", "high", "auto"],
        "output_formats": ["png", "jpeg", "webp"],
        "supports_compression": True,
        "backgrounds": ["transparent", "opaque", "auto"],
        "supports_transparency": True,
        "transparency_preview": False,
        "moderations": ["auto", "low"],
        "input_fidelities": ["high", "low"],
        "supports_input_fidelity": True,
        "styles": [],
        "max_n": 10,
        "max_prompt_chars": 32000,
        "max_input_images": 16,
        "supports_mask": True,
        "max_partial_images": 3,
        "actions": ["generate", "edit", "auto"],
    }


def test_allowed_choices_for_dall_e_3():
    choices = allowed_choices("dall-e-3", OPENAI)
    assert choices["modes"] == ["generate"]
    assert choices["qualities"] == ["standard", "hd", "auto"]
    assert choices["styles"] == ["vivid", "natural"]
    assert choices["max_n"] == 1
    assert choices["max_partial_images"] == 0
    assert choices["backgrounds"] == []
    assert choices["actions"] == []
    assert not choices["supports_mask"]


def test_allowed_choices_for_an_unknown_model_carry_the_note():
    choices = allowed_choices("gpt-image-9", OPENAI)
    assert not choices["known"]
    assert "gpt-image-9" in choices["note"]
