from __future__ import annotations

import pytest

from upstream.capabilities import (
    validate_options,
)
from upstream.errors import InvalidRequest
from upstream.profiles import GATEWAY, OPENAI

PROMPT = "a red fox in the snow"


def validate(model="gpt-image-1", mode="generate", profile=OPENAI, prompt=PROMPT, **kwargs):
    options = kwargs.pop("options", {})
    return validate_options(
        model=model, mode=mode, options=options, profile=profile, prompt=prompt, **kwargs
    )


VALID = [
    # (model, mode, options, extra kwargs, expected normalized options)
    ("gpt-image-1", "generate", {}, {}, {}),
    (
        "gpt-image-1",
        "generate",
        {"size": "1536X1024", "quality": "HIGH", "n": "3", "style": None, "moderation": ""},
        {},
        {"size": "1536x1024", "quality": "high", "n": 3},
    ),
    (
        "gpt-image-1",
        "responses",
        {"background": "transparent", "output_format": "webp", "output_compression": 80},
        {},
        {"background": "transparent", "output_format": "webp", "output_compression": 80},
    ),
    ("gpt-image-1", "generate", {"output_format": "jpg"}, {}, {"output_format": "jpeg"}),
    (
        "gpt-image-1",
        "edit",
        {"input_fidelity": "high"},
        {"image_count": 16, "has_mask": True},
        {"input_fidelity": "high"},
    ),
    (
        "gpt-image-1",
        "responses",
        {"action": "edit", "partial_images": 3},
        {},
        {"action": "edit", "partial_images": 3},
    ),
    ("gpt-image-1", "generate", {"partial_images": 0}, {}, {"partial_images": 0}),
    (
        "gpt-image-1",
        "generate",
        {"output_format": "jpeg", "output_compression": 0},
        {},
        {"output_format": "jpeg", "output_compression": 0},
    ),
    (
        "gpt-image-1.5",
        "edit",
        {"input_fidelity": "low"},
        {"image_count": 2},
        {"input_fidelity": "low"},
    ),
    ("gpt-image-1-mini", "responses", {"quality": "low"}, {}, {"quality": "low"}),
    ("chatgpt-image-latest", "generate", {"size": "auto"}, {}, {"size": "auto"}),
    ("gpt-image-2", "generate", {"size": "2048x1152"}, {}, {"size": "2048x1152"}),
    ("gpt-image-2", "generate", {"size": "3840x2160"}, {}, {"size": "3840x2160"}),
    ("gpt-image-2", "generate", {"size": "1008x656"}, {}, {"size": "1008x656"}),
    ("gpt-image-2", "generate", {"size": "2304x768"}, {}, {"size": "2304x768"}),
    ("gpt-image-2-2026-04-21", "generate", {"size": "1280x720"}, {}, {"size": "1280x720"}),
    (
        "gpt-image-2",
        "edit",
        {"input_fidelity": "high"},
        {"image_count": 1},
        {"input_fidelity": "high"},
    ),
    ("gpt-image-2", "responses", {"background": "opaque"}, {}, {"background": "opaque"}),
    ("dall-e-2", "generate", {"size": "256x256", "n": 10}, {}, {"size": "256x256", "n": 10}),
    (
        "dall-e-2",
        "edit",
        {"quality": "standard"},
        {"image_count": 1, "has_mask": True},
        {"quality": "standard"},
    ),
    (
        "dall-e-3",
        "generate",
        {"quality": "hd", "style": "Natural", "n": 1, "size": "1792x1024"},
        {},
        {"quality": "hd", "style": "natural", "n": 1, "size": "1792x1024"},
    ),
    ("gpt-image-9", "generate", {"quality": "auto"}, {}, {"quality": "auto"}),
    (
        "gpt-image-2",
        "edit",
        {"input_fidelity": "low"},
        {"image_count": 1},
        {"input_fidelity": "low"},
    ),
    ("gpt-image-2", "generate", {"background": "transparent"}, {}, {"background": "transparent"}),
    ("dall-e-2", "generate", {"quality": "auto"}, {}, {"quality": "auto"}),
    ("dall-e-3", "generate", {"quality": "auto"}, {}, {"quality": "auto"}),
]


@pytest.mark.parametrize(("model", "mode", "options", "kwargs", "expected"), VALID)
def test_valid_combinations_are_normalized(model, mode, options, kwargs, expected):
    assert validate(model=model, mode=mode, options=options, **kwargs) == expected


def test_variation_needs_one_image_and_no_prompt():
    result = validate(
        model="dall-e-2",
        mode="variation",
        prompt="",
        image_count=1,
        options={"n": 2, "size": "512x512"},
    )
    assert result == {"n": 2, "size": "512x512"}


def test_gateway_accepts_n_for_parallel_calls():
    assert validate(profile=GATEWAY, options={"n": 4}) == {"n": 4}


INVALID = [
    # (model, mode, options, extra kwargs, param, message fragment)
    ("gpt-image-1", "generate", {"colour": "red"}, {}, "colour", "Unknown option 'colour'"),
    (
        "gpt-image-1",
        "generate",
        {"response_format": "url"},
        {},
        "response_format",
        "always fetched as base64",
    ),
    (
        "gpt-image-1",
        "generate",
        {"quality": "ultra"},
        {},
        "quality",
        "choose one of: low, medium, high, auto",
    ),
    (
        "gpt-image-1",
        "generate",
        {"output_format": "gif"},
        {},
        "output_format",
        "choose one of: png, jpeg, webp",
    ),
    ("gpt-image-1", "generate", {"moderation": "none"}, {}, "moderation", "auto, low"),
    (
        "gpt-image-1",
        "generate",
        {"background": "transparent", "output_format": "jpeg"},
        {},
        "background",
        "A transparent background needs PNG or WebP output; JPEG has no transparency.",
    ),
    (
        "gpt-image-1",
        "generate",
        {"output_compression": 50},
        {},
        "output_compression",
        "only applies to JPEG or WebP",
    ),
    (
        "gpt-image-1",
        "generate",
        {"output_format": "png", "output_compression": 50},
        {},
        "output_compression",
        "PNG is lossless",
    ),
    (
        "gpt-image-1",
        "generate",
        {"output_format": "webp", "output_compression": 101},
        {},
        "output_compression",
        "between 0 and 100; got 101",
    ),
    (
        "gpt-image-1",
        "generate",
        {"output_format": "webp", "output_compression": -1},
        {},
        "output_compression",
        "between 0 and 100",
    ),
    (
        "gpt-image-1",
        "generate",
        {"output_format": "webp", "output_compression": "lots"},
        {},
        "output_compression",
        "whole number",
    ),
    (
        "gpt-image-1",
        "generate",
        {"size": "1000x1000"},
        {},
        "size",
        "gpt-image-1 cannot make 1000x1000 images; its sizes are 1024x1024, 1536x1024, "
        "1024x1536, auto",
    ),
    (
        "gpt-image-2",
        "generate",
        {"size": "4000x1000"},
        {},
        "size",
        "the longest edge may be at most 3840 px",
    ),
    (
        "gpt-image-2",
        "generate",
        {"size": "4000x1000"},
        {},
        "size",
        "at most 3 times the short one (this is 4:1)",
    ),
    (
        "gpt-image-2",
        "generate",
        {"size": "1000x1024"},
        {},
        "size",
        "both edges must be multiples of 16 (1000 is not)",
    ),
    (
        "gpt-image-2",
        "generate",
        {"size": "512x512"},
        {},
        "size",
        "between 655,360 and 8,294,400 pixels (this is 262,144)",
    ),
    ("gpt-image-2", "generate", {"size": "3840x2176"}, {}, "size", "8,294,400 pixels"),
    ("gpt-image-2", "generate", {"size": "big"}, {}, "size", "or any WxH within its size rules"),
    ("dall-e-3", "generate", {"n": 2}, {}, "n", "dall-e-3 makes one image per request"),
    ("gpt-image-1", "generate", {"n": 11}, {}, "n", "between 1 and 10; got 11"),
    ("gpt-image-1", "generate", {"n": 0}, {}, "n", "between 1 and 10"),
    ("gpt-image-1", "generate", {"n": True}, {}, "n", "whole number"),
    (
        "dall-e-2",
        "generate",
        {},
        {"prompt": "x" * 1001},
        "prompt",
        "1,001 characters long; dall-e-2 accepts at most 1,000",
    ),
    ("dall-e-3", "generate", {}, {"prompt": "x" * 4001}, "prompt", "at most 4,000"),
    ("gpt-image-1", "responses", {}, {"prompt": "x" * 32001}, "prompt", "at most 32,000"),
    ("gpt-image-1", "generate", {}, {"prompt": "   "}, "prompt", "a prompt is required"),
    ("gpt-image-1", "edit", {}, {"prompt": "", "image_count": 1}, "prompt", "a prompt is required"),
    (
        "gpt-image-1-mini",
        "edit",
        {"input_fidelity": "high"},
        {"image_count": 1},
        "input_fidelity",
        "gpt-image-1-mini does not support input_fidelity",
    ),
    (
        "dall-e-2",
        "edit",
        {"input_fidelity": "high"},
        {"image_count": 1},
        "input_fidelity",
        "dall-e-2 does not support input_fidelity",
    ),
    (
        "gpt-image-2",
        "edit",
        {"input_fidelity": "high"},
        {"image_count": 1, "profile": GATEWAY},
        "input_fidelity",
        "The gateway provider rejects input_fidelity for gpt-image-2",
    ),
    (
        "gpt-image-9",
        "generate",
        {"quality": "medium"},
        {},
        "quality",
        "'medium' is not a valid quality for gpt-image-9",
    ),
    (
        "gpt-image-9",
        "generate",
        {"background": "opaque"},
        {},
        "background",
        "gpt-image-9 does not support background",
    ),
    (
        "gpt-image-1",
        "generate",
        {"input_fidelity": "high"},
        {},
        "input_fidelity",
        "only applies when there are input images",
    ),
    (
        "gpt-image-1",
        "edit",
        {"input_fidelity": "max"},
        {"image_count": 1},
        "input_fidelity",
        "choose one of: high, low",
    ),
    (
        "gpt-image-2",
        "generate",
        {"background": "transparent"},
        {"profile": GATEWAY},
        "background",
        "gpt-image-2 cannot make a transparent background with the gateway provider",
    ),
    (
        "dall-e-3",
        "generate",
        {"background": "opaque"},
        {},
        "background",
        "dall-e-3 does not support background",
    ),
    (
        "gpt-image-1",
        "variation",
        {},
        {"prompt": "", "image_count": 1},
        "model",
        "Only dall-e-2 can make variations; gpt-image-1 cannot",
    ),
    (
        "dall-e-3",
        "variation",
        {},
        {"prompt": "", "image_count": 1},
        "model",
        "Only dall-e-2 can make variations",
    ),
    (
        "dall-e-3",
        "edit",
        {},
        {"image_count": 1},
        "model",
        "dall-e-3 cannot edit images; it can generate images",
    ),
    ("dall-e-2", "responses", {}, {}, "model", "dall-e-2 cannot use the Responses image tool"),
    ("gpt-image-1", "inpaint", {}, {}, "mode", "Unknown mode 'inpaint'"),
    ("dall-e-2", "edit", {}, {"image_count": 2}, "image", "dall-e-2 takes at most 1 input image"),
    ("gpt-image-1", "edit", {}, {"image_count": 17}, "image", "at most 16 input images"),
    ("gpt-image-1", "responses", {}, {"image_count": 17}, "image", "got 17"),
    ("gpt-image-1", "edit", {}, {"image_count": 0}, "image", "To edit images, add an image"),
    ("gpt-image-1", "generate", {}, {"image_count": 1}, "image", "edit them instead"),
    (
        "dall-e-2",
        "variation",
        {},
        {"prompt": "", "image_count": 2},
        "image",
        "at most 1 input image",
    ),
    ("dall-e-2", "variation", {}, {"image_count": 1}, "prompt", "Variations take no prompt"),
    (
        "dall-e-2",
        "variation",
        {},
        {"prompt": "", "image_count": 1, "has_mask": True},
        "mask",
        "cannot use a mask",
    ),
    ("dall-e-3", "generate", {}, {"has_mask": True}, "mask", "dall-e-3 cannot use a mask"),
    ("gpt-image-1", "generate", {}, {"has_mask": True}, "mask", "edit an image to use one"),
    (
        "gpt-image-1",
        "generate",
        {"partial_images": 4},
        {},
        "partial_images",
        "between 0 and 3; got 4",
    ),
    ("gpt-image-1", "generate", {"partial_images": -1}, {}, "partial_images", "between 0 and 3"),
    (
        "dall-e-2",
        "generate",
        {"partial_images": 1},
        {},
        "partial_images",
        "only GPT image models stream",
    ),
    ("dall-e-3", "generate", {"style": "anime"}, {}, "style", "choose one of: vivid, natural"),
    ("gpt-image-1", "generate", {"style": "vivid"}, {}, "style", "style is a dall-e-3 option"),
    ("dall-e-3", "generate", {"quality": "high"}, {}, "quality", "choose one of: standard, hd"),
    ("dall-e-2", "generate", {"output_format": "webp"}, {}, "output_format", "choose one of: png"),
    (
        "dall-e-2",
        "generate",
        {"output_compression": 10},
        {},
        "output_compression",
        "it only makes PNG",
    ),
    ("dall-e-3", "generate", {"size": "1024x1536"}, {}, "size", "1024x1024, 1792x1024, 1024x1792"),
    (
        "gpt-image-1",
        "generate",
        {"action": "edit"},
        {},
        "action",
        "only applies to the Responses image tool",
    ),
    ("gpt-image-1", "responses", {"action": "inpaint"}, {}, "action", "generate, edit, auto"),
]


@pytest.mark.parametrize(("model", "mode", "options", "kwargs", "param", "fragment"), INVALID)
def test_invalid_combinations_are_refused(model, mode, options, kwargs, param, fragment):
    with pytest.raises(InvalidRequest) as caught:
        validate(model=model, mode=mode, options=options, **kwargs)
    assert caught.value.param == param
    assert fragment in caught.value.message
