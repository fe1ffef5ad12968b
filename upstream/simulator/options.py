"""Image options: model defaults, size rules and validation (protocol §1.2, §3, §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from upstream.simulator.api_errors import APIError, invalid, invalid_value

GPT_FIXED_SIZES = ("1024x1024", "1536x1024", "1024x1536")
DALLE2_SIZES = ("256x256", "512x512", "1024x1024")
DALLE3_SIZES = ("1024x1024", "1792x1024", "1024x1792")
FORMATS = ("png", "jpeg", "webp")
GPT_QUALITIES = ("low", "medium", "high", "auto")
BACKGROUNDS = ("transparent", "opaque", "auto")
# Options only GPT image models accept: their presence makes the Images API default model
# gpt-image-1 instead of dall-e-2 (protocol §3.1).
GPT_ONLY_OPTIONS = (
    "output_format",
    "output_compression",
    "background",
    "moderation",
    "partial_images",
    "stream",
    "input_fidelity",
)


def is_dalle(model: str) -> bool:
    return model.startswith("dall-e")


def is_free_size(model: str) -> bool:
    """gpt-image-2 (and unknown future models) take any WxH within the gpt-image-2 rules."""
    return model.startswith("gpt-image-2") or not (
        is_dalle(model) or model.startswith(("gpt-image-1", "chatgpt-image"))
    )


@dataclass
class ImageOptions:
    model: str
    size: tuple[int, int]
    quality: str  # resolved: never "auto"
    output_format: str
    output_compression: int | None
    background: str  # resolved: transparent or opaque
    partial_images: int
    input_fidelity: str | None
    moderation: str

    @property
    def size_str(self) -> str:
        return f"{self.size[0]}x{self.size[1]}"

    @property
    def transparent(self) -> bool:
        return self.background == "transparent"

    def echo(self) -> dict[str, Any]:
        """Fields the API echoes next to an image (item, Images response, stream events)."""
        return {
            "size": self.size_str,
            "quality": self.quality,
            "background": self.background,
            "output_format": self.output_format,
        }


def parse_size(model: str, value: Any, *, base: tuple[int, int] | None = None) -> tuple[int, int]:
    """Validate a size for a model; "auto" follows the input picture's shape for edits."""
    text = str(value or "auto").strip().lower()
    if text == "auto":
        if is_dalle(model):
            return (1024, 1024)
        return _auto_size(base)
    allowed = DALLE2_SIZES if model == "dall-e-2" else DALLE3_SIZES if model == "dall-e-3" else None
    if allowed is None and not is_free_size(model):
        allowed = GPT_FIXED_SIZES
    if allowed is not None:
        if text not in allowed:
            choices = ", ".join(f"'{s}'" for s in allowed)
            raise invalid_value("size", text, choices + ("" if is_dalle(model) else ", and 'auto'"))
        w, h = text.split("x")
        return (int(w), int(h))
    return _free_size(text)


def _auto_size(base: tuple[int, int] | None) -> tuple[int, int]:
    if base is None:
        return (1024, 1024)
    ratio = base[0] / base[1]
    if ratio > 1.2:
        return (1536, 1024)
    if ratio < 1 / 1.2:
        return (1024, 1536)
    return (1024, 1024)


def _free_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match:
        raise invalid(
            f"Invalid size '{text}'. Expected WIDTHxHEIGHT or 'auto'.", "size", "invalid_value"
        )
    w, h = int(match.group(1)), int(match.group(2))
    problem = None
    if w % 16 or h % 16:
        problem = "both edges must be multiples of 16"
    elif max(w, h) > 3840:
        problem = "the longest edge must be at most 3840"
    elif max(w, h) > 3 * min(w, h):
        problem = "the aspect ratio must be at most 3:1"
    elif not 655_360 <= w * h <= 8_294_400:
        problem = "the total pixels must be between 655,360 and 8,294,400"
    if problem:
        raise invalid(f"Invalid size '{text}': {problem}.", "size", "invalid_value")
    return (w, h)


def resolve(
    params: dict[str, Any],
    *,
    model: str,
    base_size: tuple[int, int] | None = None,
    gateway: bool = False,
) -> ImageOptions:
    """Validate and resolve the options shared by the Responses tool and the Images API."""
    fmt = str(params.get("output_format") or "png").lower()
    if fmt not in FORMATS:
        raise invalid_value("output_format", fmt, "'png', 'jpeg', and 'webp'")
    if is_dalle(model) and fmt != "png":
        raise invalid(
            f"The '{model}' model only supports png output.", "output_format", "invalid_value"
        )
    background = str(params.get("background") or "auto").lower()
    if background not in BACKGROUNDS:
        raise invalid_value("background", background, "'transparent', 'opaque', and 'auto'")
    if background == "transparent" and fmt == "jpeg":
        raise invalid(
            "Transparent background is not supported for the 'jpeg' output format.",
            "background",
            "invalid_value",
        )
    if background == "transparent" and gateway and model.startswith("gpt-image-2"):
        raise invalid(
            "Transparent background is not supported for gpt-image-2.",
            "background",
            "invalid_value",
        )
    fidelity = params.get("input_fidelity")
    if fidelity is not None and gateway and model.startswith("gpt-image-2"):
        raise APIError(
            400,
            "input_fidelity is not supported for model gpt-image-2.",
            param="input_fidelity",
            code="invalid_input_fidelity_model",
        )
    return ImageOptions(
        model=model,
        size=parse_size(model, params.get("size"), base=base_size),
        quality=_quality(model, params.get("quality")),
        output_format=fmt,
        output_compression=_compression(params.get("output_compression"), fmt),
        background="transparent" if background == "transparent" else "opaque",
        partial_images=_partials(params.get("partial_images")),
        input_fidelity=str(fidelity) if fidelity is not None else None,
        moderation=str(params.get("moderation") or "auto"),
    )


def _quality(model: str, value: Any) -> str:
    text = str(value or "auto").lower()
    if is_dalle(model):
        allowed = ("standard", "hd", "auto") if model == "dall-e-3" else ("standard", "auto")
        if text not in allowed:
            raise invalid_value("quality", text, ", ".join(f"'{q}'" for q in allowed))
        return "standard" if text == "auto" else text
    if text not in GPT_QUALITIES:
        raise invalid_value("quality", text, "'low', 'medium', 'high', and 'auto'")
    # Recorded traffic shows "auto" resolved to "high" in the output item.
    return "high" if text == "auto" else text


def _compression(value: Any, fmt: str) -> int | None:
    if value is None or value == "":
        return None
    number = as_int(value, "output_compression")
    if not 0 <= number <= 100:
        code = "decimal_below_min_value" if number < 0 else "decimal_above_max_value"
        raise invalid(
            f"Invalid 'output_compression': {number}. Expected 0 to 100.",
            "output_compression",
            code,
        )
    return number if fmt in ("jpeg", "webp") else None


def _partials(value: Any) -> int:
    number = as_int(value if value not in (None, "") else 0, "partial_images")
    if not 0 <= number <= 3:
        code = "decimal_below_min_value" if number < 0 else "decimal_above_max_value"
        raise invalid(
            f"Invalid 'partial_images': {number}. Expected a value between 0 and 3.",
            "partial_images",
            code,
        )
    return number


def as_int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(
            f"Invalid type for '{param}': expected an integer.", param, "invalid_type"
        ) from None


def drawing_quality(quality: str) -> str:
    return {"standard": "medium", "hd": "high"}.get(quality, quality)
