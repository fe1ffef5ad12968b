"""Pre-flight validation of image options, token estimates and UI choices.

validate_options() refuses a bad combination before any network call, with a message a
person can act on; allowed_choices() gives the browser's options panel the same facts.
The model table itself lives in upstream.model_specs and is re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Final

from upstream.errors import InvalidRequest
from upstream.messages import Listing, mode_label
from upstream.model_specs import (
    ACTIONS,
    BACKGROUNDS,
    GPT_IMAGE_2_SIZE_RULES,
    MAX_PARTIAL_IMAGES,
    MODELS,
    MODERATIONS,
    MODES,
    OPTION_NAMES,
    SIZE_PATTERN,
    ImageModelSpec,
    Mode,
    SizeRules,
    get_model,
)
from upstream.profiles import ProviderProfile

__all__ = [
    "GPT_IMAGE_2_SIZE_RULES",
    "MODELS",
    "MODES",
    "OPTION_NAMES",
    "ImageModelSpec",
    "Mode",
    "SizeRules",
    "allowed_choices",
    "estimate_output_tokens",
    "get_model",
    "validate_options",
]

# ---------------------------------------------------------------------------------------
# Validation


def validate_options(
    *,
    model: str,
    mode: str,
    options: Mapping[str, Any],
    profile: ProviderProfile,
    prompt: str = "",
    image_count: int = 0,
    has_mask: bool = False,
    spec: ImageModelSpec | None = None,
) -> dict[str, Any]:
    """Normalized options for `model` in `mode`, or InvalidRequest(message, param=field).

    image_count is the number of input images the request will carry (for Responses,
    including a resent earlier image). `n` is kept for the Responses mode too: the tool
    has no `n`, so the engine turns it into a prompt request or parallel calls. `spec`
    replaces the built-in table's entry (a provider's catalogue with staff overrides).
    """
    spec = spec or get_model(model)
    _check_mode(spec, mode)
    normalized = _normalize(options)
    for name, value in normalized.items():
        normalized[name] = _OPTION_CHECKS[name](spec, mode, profile, value)
    _check_format_combinations(normalized)
    _check_prompt(spec, mode, prompt)
    _check_inputs(spec, mode, image_count, has_mask)
    return normalized


def _check_mode(spec: ImageModelSpec, mode: str) -> None:
    if mode not in MODES:
        raise InvalidRequest.refused("mode_unknown", param="mode", mode=mode, modes=Listing(MODES))
    if mode not in spec.modes:
        if mode == "variation":
            raise InvalidRequest.refused(
                "mode_variation_dalle2_only", param="model", model=spec.name
            )
        raise InvalidRequest.refused(
            "mode_unsupported",
            param="model",
            model=spec.name,
            action=mode_label(mode),
            can=Listing(tuple(mode_label(m) for m in spec.modes)),
        )


def _normalize(options: Mapping[str, Any]) -> dict[str, Any]:
    normalized: dict[str, Any] = {}
    for name, value in options.items():
        # Form posts send "" for an untouched field: same as not set.
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name == "response_format":
            raise InvalidRequest.refused("response_format_chosen", param=name)
        if name not in OPTION_NAMES:
            raise InvalidRequest.refused(
                "option_unknown", param=name, name=name, names=Listing(OPTION_NAMES)
            )
        normalized[name] = value.strip().lower() if isinstance(value, str) else value
    return normalized


def _as_int(name: str, value: Any, low: int, high: int) -> int:
    # bool is an int subclass, but True as a count is a bug upstream of us.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidRequest.refused("option_not_whole", param=name, name=name)
    try:
        number = int(value)
    except ValueError:
        raise InvalidRequest.refused(
            "option_not_whole_value", param=name, name=name, value=value
        ) from None
    if not low <= number <= high:
        raise InvalidRequest.refused(
            "option_out_of_range", param=name, name=name, low=low, high=high, number=number
        )
    return number


def _enum(name: str, value: Any, allowed: tuple[str, ...], model: str) -> str:
    if value not in allowed:
        raise InvalidRequest.refused(
            "option_invalid_choice",
            param=name,
            value=value,
            name=name,
            model=model,
            choices=Listing(allowed),
        )
    return value


def _not_supported(
    name: str, spec: ImageModelSpec, code: str = "option_not_supported"
) -> InvalidRequest:
    return InvalidRequest.refused(code, param=name, model=spec.name, name=name)


def _check_size(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> str:
    # Accept a multiplication sign between the edges, as people type it.
    size = str(value).replace("\u00d7", "x").replace(" ", "")
    if size in spec.sizes:
        return size
    match = SIZE_PATTERN.match(size)
    if spec.size_rules is not None and match:
        broken = spec.size_rules.broken_rules(int(match[1]), int(match[2]))
        if not broken:
            return f"{int(match[1])}x{int(match[2])}"
        raise InvalidRequest.refused(
            "size_breaks_rules",
            param="size",
            size=size,
            model=spec.name,
            rules=Listing(tuple(broken), "; "),
        )
    code = "size_unavailable_or_rules" if spec.size_rules else "size_unavailable"
    raise InvalidRequest.refused(
        code, param="size", model=spec.name, size=size, sizes=Listing(spec.sizes)
    )


def _check_quality(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> str:
    return _enum("quality", value, spec.qualities, spec.name)


def _check_output_format(
    spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any
) -> str:
    fmt = "jpeg" if value == "jpg" else value
    return _enum("output_format", fmt, spec.output_formats, spec.name)


def _check_compression(
    spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any
) -> int:
    if not spec.supports_compression:
        raise _not_supported("output_compression", spec, "compression_png_only_model")
    return _as_int("output_compression", value, 0, 100)


def _check_background(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> str:
    if not spec.is_gpt_image:
        raise _not_supported("background", spec)
    background = _enum("background", value, BACKGROUNDS, spec.name)
    if background == "transparent" and not _transparency(spec, profile):
        if spec.supports_transparency:
            raise InvalidRequest.refused(
                "transparency_unavailable_provider",
                param="background",
                model=spec.name,
                provider=profile.name,
            )
        raise InvalidRequest.refused(
            "transparency_unavailable", param="background", model=spec.name
        )
    return background


def _transparency(spec: ImageModelSpec, profile: ProviderProfile) -> bool:
    return spec.supports_transparency and spec.name not in profile.rejects_transparency_models


def _check_moderation(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> str:
    if not spec.is_gpt_image:
        raise _not_supported("moderation", spec)
    return _enum("moderation", value, MODERATIONS, spec.name)


def _check_input_fidelity(
    spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any
) -> str:
    if spec.name in profile.rejects_input_fidelity_models:
        raise InvalidRequest.refused(
            "input_fidelity_rejected",
            param="input_fidelity",
            provider=profile.name,
            model=spec.name,
        )
    if not spec.input_fidelities:
        raise _not_supported("input_fidelity", spec)
    if mode == "generate":
        raise InvalidRequest.refused("input_fidelity_needs_images", param="input_fidelity")
    return _enum("input_fidelity", value, spec.input_fidelities, spec.name)


def _check_partial_images(
    spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any
) -> int:
    if not spec.supports_streaming:
        raise _not_supported("partial_images", spec, "partial_images_not_streamed")
    return _as_int("partial_images", value, 0, MAX_PARTIAL_IMAGES)


def _check_n(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> int:
    if spec.max_n == 1:
        n = _as_int("n", value, 1, 10)
        if n != 1:
            raise InvalidRequest.refused("one_image_per_request", param="n", model=spec.name)
        return n
    return _as_int("n", value, 1, spec.max_n)


def _check_style(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> str:
    if not spec.styles:
        raise _not_supported("style", spec, "style_dalle3_only")
    return _enum("style", value, spec.styles, spec.name)


def _check_action(spec: ImageModelSpec, mode: str, profile: ProviderProfile, value: Any) -> str:
    if mode != "responses":
        raise InvalidRequest.refused("action_responses_only", param="action")
    return _enum("action", value, ACTIONS, spec.name)


_OPTION_CHECKS: Final = {
    "size": _check_size,
    "quality": _check_quality,
    "output_format": _check_output_format,
    "output_compression": _check_compression,
    "background": _check_background,
    "moderation": _check_moderation,
    "input_fidelity": _check_input_fidelity,
    "partial_images": _check_partial_images,
    "n": _check_n,
    "style": _check_style,
    "action": _check_action,
}


def _check_format_combinations(options: Mapping[str, Any]) -> None:
    fmt = options.get("output_format", "png")
    if options.get("background") == "transparent" and fmt == "jpeg":
        raise InvalidRequest.refused("transparency_needs_png", param="background")
    if "output_compression" in options and fmt == "png":
        raise InvalidRequest.refused("compression_not_png", param="output_compression")


def _check_prompt(spec: ImageModelSpec, mode: str, prompt: str) -> None:
    text = prompt.strip()
    if mode == "variation":
        if text:
            raise InvalidRequest.refused("variation_no_prompt", param="prompt")
        return
    if not text:
        raise InvalidRequest.refused("prompt_required", param="prompt")
    # Checked in the Responses mode too: the text model hands the prompt on to the image
    # model, which has the same limit.
    if len(prompt) > spec.max_prompt_chars:
        raise InvalidRequest.refused(
            "prompt_too_long",
            param="prompt",
            length=f"{len(prompt):,}",
            model=spec.name,
            limit=f"{spec.max_prompt_chars:,}",
        )


def _check_inputs(spec: ImageModelSpec, mode: str, image_count: int, has_mask: bool) -> None:
    if mode == "generate" and image_count:
        raise InvalidRequest.refused("generate_no_images", param="image")
    if mode in ("edit", "variation") and image_count < 1:
        raise InvalidRequest.refused("mode_needs_image", param="image", action=mode_label(mode))
    limit = 1 if mode == "variation" else spec.max_input_images
    if image_count > limit:
        raise InvalidRequest.refused(
            "too_many_images_one" if limit == 1 else "too_many_images",
            param="image",
            model=spec.name,
            limit=limit,
            count=image_count,
        )
    if has_mask:
        if not spec.supports_mask or mode == "variation":
            raise InvalidRequest.refused(
                "mask_unsupported", param="mask", model=spec.name, action=mode_label(mode)
            )
        if mode == "generate":
            raise InvalidRequest.refused("mask_needs_edit", param="mask")


# ---------------------------------------------------------------------------------------
# Token estimate (gpt-image-1 output tokens, S0/S1/S2)

OUTPUT_TOKENS: Final = {
    "low": {"1024x1024": 272, "1024x1536": 408, "1536x1024": 400},
    "medium": {"1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568},
    "high": {"1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208},
}
PARTIAL_IMAGE_TOKENS: Final = 100


def estimate_output_tokens(
    *, model: str, size: str | None, quality: str | None, partial_images: int = 0
) -> int:
    """Image output tokens for one image; DALL·E bills per image, so 0."""
    spec = get_model(model)
    if not spec.is_gpt_image:
        return 0
    # Observed traffic shows "auto" resolving to high, so estimate on the safe side.
    table = OUTPUT_TOKENS.get((quality or "auto").lower(), OUTPUT_TOKENS["high"])
    width, height = _parse_size(size)
    key = f"{width}x{height}"
    if key in table:
        base = table[key]
    else:
        nearest = min(table, key=lambda s: _aspect_distance(s, width, height))
        nearest_w, nearest_h = _parse_size(nearest)
        base = round(table[nearest] * (width * height) / (nearest_w * nearest_h))
    return base + PARTIAL_IMAGE_TOKENS * partial_images


def _parse_size(size: str | None) -> tuple[int, int]:
    if not size or size == "auto":
        return 1024, 1024
    match = SIZE_PATTERN.match(size.strip().lower())
    if not match or not int(match[1]) or not int(match[2]):
        raise InvalidRequest.refused("size_not_wxh", param="size", size=size)
    return int(match[1]), int(match[2])


def _aspect_distance(table_size: str, width: int, height: int) -> float:
    table_w, table_h = _parse_size(table_size)
    return abs(math.log((table_w / table_h) / (width / height)))


# ---------------------------------------------------------------------------------------
# What a UI may offer


def allowed_choices(
    model: str, profile: ProviderProfile, spec: ImageModelSpec | None = None
) -> dict[str, Any]:
    """The options panel's facts for `model` under `profile`, as JSON-able data."""
    spec = spec or get_model(model)
    fidelities = (
        [] if spec.name in profile.rejects_input_fidelity_models else list(spec.input_fidelities)
    )
    rules = spec.size_rules
    return {
        "model": spec.name,
        "known": spec.known,
        "note": spec.note,
        "modes": list(spec.modes),
        "sizes": list(spec.sizes),
        "supports_custom_size": rules is not None,
        "size_rules": None if rules is None else asdict(rules),
        "qualities": list(spec.qualities),
        "output_formats": list(spec.output_formats),
        "supports_compression": spec.supports_compression,
        "backgrounds": _backgrounds(spec, profile),
        "supports_transparency": _transparency(spec, profile),
        "transparency_preview": _transparency(spec, profile) and spec.transparency_preview,
        "moderations": list(MODERATIONS) if spec.is_gpt_image else [],
        "input_fidelities": fidelities,
        "supports_input_fidelity": bool(fidelities),
        "styles": list(spec.styles),
        # A provider without `n` answers one image per request.
        "max_n": spec.max_n if profile.supports_n else 1,
        "max_prompt_chars": spec.max_prompt_chars,
        "max_input_images": spec.max_input_images,
        "supports_mask": spec.supports_mask,
        "max_partial_images": MAX_PARTIAL_IMAGES if spec.supports_streaming else 0,
        "actions": list(ACTIONS) if "responses" in spec.modes else [],
    }


def _backgrounds(spec: ImageModelSpec, profile: ProviderProfile) -> list[str]:
    if not spec.is_gpt_image:
        return []
    return [b for b in BACKGROUNDS if b != "transparent" or _transparency(spec, profile)]
