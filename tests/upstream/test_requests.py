from __future__ import annotations

import pytest

from upstream.client import InputFile
from upstream.errors import InvalidRequest
from upstream.profiles import DEFAULT_INSTRUCTIONS, GATEWAY, OPENAI
from upstream.requests import (
    Continuation,
    build_images_params,
    build_responses_body,
    data_url,
)

PNG = InputFile("fox.png", b"\x89PNG fox", "image/png")
PNG_URL = "data:image/png;base64,iVBORyBmb3g="
JPEG = InputFile("ref.jpg", b"jpeg", "image/jpeg")
JPEG_URL = "data:image/jpeg;base64,anBlZw=="
MASK = InputFile("mask.png", b"mask", "image/png")
MASK_URL = "data:image/png;base64,bWFzaw=="
TOOL = {"model": "gpt-image-1", "size": "1024x1024", "quality": "high"}
FORCE_TOOL = {"type": "image_generation"}


def responses(profile=OPENAI, tool_options=TOOL, **kwargs):
    return build_responses_body(
        profile=profile,
        text_model="gpt-5",
        prompt=kwargs.pop("prompt", "make it snow"),
        tool_options=tool_options,
        **kwargs,
    )


def test_data_url():
    assert data_url(PNG) == PNG_URL


def test_first_turn_on_openai_is_a_plain_string():
    assert responses() == {
        "model": "gpt-5",
        "input": "make it snow",
        "tools": [{"type": "image_generation", **TOOL}],
        "tool_choice": FORCE_TOOL,
        "stream": True,
    }


def test_first_turn_on_the_gateway_is_a_list_with_instructions():
    assert responses(profile=GATEWAY, stream=False) == {
        "model": "gpt-5",
        "instructions": DEFAULT_INSTRUCTIONS,
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "make it snow"}]}],
        "tools": [{"type": "image_generation", **TOOL}],
        "tool_choice": FORCE_TOOL,
        "stream": True,
    }


def test_given_instructions_win_and_non_streaming_is_kept_on_openai():
    body = responses(instructions="Draw in ink.", stream=False)
    assert body["instructions"] == "Draw in ink."
    assert body["stream"] is False


def test_strategy_a_sends_previous_response_id():
    continuation = Continuation("previous_response_id", previous_response_id="resp_1")
    assert responses(continuation=continuation, instructions="Draw in ink.") == {
        "model": "gpt-5",
        "instructions": "Draw in ink.",
        "previous_response_id": "resp_1",
        "input": "make it snow",
        "tools": [{"type": "image_generation", **TOOL}],
        "tool_choice": FORCE_TOOL,
        "stream": True,
    }


def test_strategy_b_sends_the_image_call_reference():
    continuation = Continuation("image_call", image_call_id="ig_7")
    assert responses(continuation=continuation) == {
        "model": "gpt-5",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "make it snow"}]},
            {"type": "item_reference", "id": "ig_7"},
        ],
        "tools": [{"type": "image_generation", **TOOL}],
        "tool_choice": FORCE_TOOL,
        "stream": True,
    }


def test_strategy_c_resends_the_image_first_and_asks_for_an_edit():
    continuation = Continuation("resend_image", image=PNG)
    body = responses(continuation=continuation, input_images=[JPEG], mask=MASK)
    assert body == {
        "model": "gpt-5",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "make it snow"},
                    {"type": "input_image", "image_url": PNG_URL, "detail": "auto"},
                    {"type": "input_image", "image_url": JPEG_URL, "detail": "auto"},
                ],
            }
        ],
        "tools": [
            {
                "type": "image_generation",
                **TOOL,
                "input_image_mask": {"image_url": MASK_URL},
                "action": "edit",
            }
        ],
        "tool_choice": FORCE_TOOL,
        "stream": True,
    }


def test_strategy_c_on_the_gateway():
    continuation = Continuation("resend_image", image=PNG)
    tool_options = {"model": "gpt-image-2", "size": "2048x1152", "n": 3, "quality": None}
    assert responses(profile=GATEWAY, continuation=continuation, tool_options=tool_options) == {
        "model": "gpt-5",
        "instructions": DEFAULT_INSTRUCTIONS,
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "make it snow"},
                    {"type": "input_image", "image_url": PNG_URL, "detail": "auto"},
                ],
            }
        ],
        "tools": [
            {
                "type": "image_generation",
                "model": "gpt-image-2",
                "size": "2048x1152",
                "action": "edit",
            }
        ],
        "tool_choice": FORCE_TOOL,
        "stream": True,
    }


def test_an_explicit_action_is_kept():
    continuation = Continuation("resend_image", image=PNG)
    body = responses(continuation=continuation, tool_options={**TOOL, "action": "generate"})
    assert body["tools"][0]["action"] == "generate"


def test_reference_images_without_continuation_leave_the_action_to_the_model():
    body = responses(input_images=[JPEG])
    assert body["tools"] == [{"type": "image_generation", **TOOL}]
    assert body["input"][0]["content"][1] == {
        "type": "input_image",
        "image_url": JPEG_URL,
        "detail": "auto",
    }


@pytest.mark.parametrize(
    ("continuation", "param"),
    [
        (
            Continuation("previous_response_id", previous_response_id="resp_1"),
            "previous_response_id",
        ),
        (Continuation("image_call", image_call_id="ig_1"), "continuation"),
    ],
)
def test_gateway_refuses_stored_ids(continuation, param):
    with pytest.raises(InvalidRequest) as caught:
        responses(profile=GATEWAY, continuation=continuation)
    assert caught.value.param == param
    assert "resend the image instead" in caught.value.message


def test_a_mask_without_an_image_in_the_request_is_refused():
    continuation = Continuation("previous_response_id", previous_response_id="resp_1")
    with pytest.raises(InvalidRequest) as caught:
        responses(continuation=continuation, mask=MASK)
    assert caught.value.param == "mask"


@pytest.mark.parametrize(
    ("tool_options", "param"),
    [
        ({"style": "vivid"}, "style"),
        ({"response_format": "url"}, "response_format"),
    ],
)
def test_fields_the_tool_does_not_have_are_refused(tool_options, param):
    with pytest.raises(InvalidRequest) as caught:
        responses(tool_options=tool_options)
    assert caught.value.param == param


def test_input_fidelity_is_never_sent_where_the_profile_rejects_it():
    options = {"model": "gpt-image-2", "input_fidelity": "high"}
    with pytest.raises(InvalidRequest) as caught:
        responses(profile=GATEWAY, tool_options=options)
    assert caught.value.param == "input_fidelity"
    assert responses(tool_options=options)["tools"][0]["input_fidelity"] == "high"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"strategy": "previous_response_id"}, "continuation"),
        ({"strategy": "image_call"}, "continuation"),
        ({"strategy": "resend_image"}, "continuation"),
        ({"strategy": "telepathy"}, "continuation"),
    ],
)
def test_a_continuation_needs_its_field(kwargs, param):
    with pytest.raises(InvalidRequest) as caught:
        Continuation(**kwargs)
    assert caught.value.param == param


def test_generate_params_are_json_typed():
    options = {
        "size": "1024x1024",
        "n": 2,
        "output_format": "webp",
        "output_compression": 50,
        "partial_images": 2,
        "moderation": "low",
    }
    params = build_images_params(
        profile=OPENAI,
        mode="generate",
        model="gpt-image-1",
        prompt="a fox",
        options=options,
        stream=True,
    )
    assert params == {"model": "gpt-image-1", "prompt": "a fox", "stream": True, **options}


def test_generate_without_stream_drops_partial_images():
    params = build_images_params(
        profile=OPENAI,
        mode="generate",
        model="gpt-image-1",
        prompt="a fox",
        options={"partial_images": 2},
        stream=False,
    )
    assert params == {"model": "gpt-image-1", "prompt": "a fox"}


def test_gateway_drops_n():
    params = build_images_params(
        profile=GATEWAY,
        mode="generate",
        model="gpt-image-2",
        prompt="a fox",
        options={"n": 4, "quality": "low"},
        stream=False,
    )
    assert params == {"model": "gpt-image-2", "prompt": "a fox", "quality": "low"}


def test_dall_e_3_asks_for_base64_and_never_streams():
    options = {"size": "1792x1024", "quality": "hd", "style": "vivid", "n": 1}
    params = build_images_params(
        profile=OPENAI,
        mode="generate",
        model="dall-e-3",
        prompt="a fox",
        options=options,
        stream=True,
    )
    assert params == {
        "model": "dall-e-3",
        "prompt": "a fox",
        "response_format": "b64_json",
        **options,
    }


def test_dall_e_gets_no_option_of_gpt_image_models_only():
    params = build_images_params(
        profile=OPENAI,
        mode="generate",
        model="dall-e-3",
        prompt="a fox",
        options={"output_format": "png", "quality": "auto", "background": "auto"},
        stream=True,
    )
    assert params == {
        "model": "dall-e-3",
        "prompt": "a fox",
        "quality": "auto",
        "response_format": "b64_json",
    }


def test_an_unverified_model_gets_neither_gpt_image_options_nor_response_format():
    params = build_images_params(
        profile=OPENAI,
        mode="generate",
        model="acme-painter-3",
        prompt="a fox",
        options={"size": "1024x1024", "output_format": "png"},
        stream=True,
    )
    assert params == {"model": "acme-painter-3", "prompt": "a fox", "size": "1024x1024"}


def test_edit_params_are_multipart_strings():
    options = {
        "size": "1536x1024",
        "n": 2,
        "input_fidelity": "high",
        "partial_images": 1,
        "background": "transparent",
        "moderation": "low",
    }
    params = build_images_params(
        profile=OPENAI,
        mode="edit",
        model="gpt-image-1",
        prompt="add a hat",
        options=options,
        stream=True,
    )
    assert params == {
        "model": "gpt-image-1",
        "prompt": "add a hat",
        "size": "1536x1024",
        "n": "2",
        "input_fidelity": "high",
        "partial_images": "1",
        "background": "transparent",
        "stream": "true",
    }


def test_dall_e_2_edit_and_variation():
    edit = build_images_params(
        profile=OPENAI,
        mode="edit",
        model="dall-e-2",
        prompt="a hat",
        options={"n": 3, "size": "512x512"},
        stream=True,
    )
    assert edit == {
        "model": "dall-e-2",
        "prompt": "a hat",
        "n": "3",
        "size": "512x512",
        "response_format": "b64_json",
    }
    variation = build_images_params(
        profile=OPENAI,
        mode="variation",
        model="dall-e-2",
        prompt="",
        options={"n": 2, "size": "256x256"},
        stream=False,
    )
    assert variation == {
        "model": "dall-e-2",
        "n": "2",
        "size": "256x256",
        "response_format": "b64_json",
    }


def test_unknown_images_mode_is_refused():
    with pytest.raises(InvalidRequest) as caught:
        build_images_params(
            profile=OPENAI,
            mode="responses",
            model="gpt-image-1",
            prompt="x",
            options={},
            stream=False,
        )
    assert caught.value.param == "mode"
