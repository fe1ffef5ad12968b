"""Image models and their limits (openai-image-protocol.md §6).

Data only; upstream.capabilities validates options against it and re-exports its names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from upstream.messages import Listing, UserMessage

Mode = Literal["responses", "generate", "edit", "variation"]
MODES: Final = ("responses", "generate", "edit", "variation")
OPTION_NAMES: Final = (
    "size",
    "quality",
    "output_format",
    "output_compression",
    "background",
    "moderation",
    "input_fidelity",
    "partial_images",
    "n",
    "style",
    "action",
)

GPT_QUALITIES: Final = ("low", "medium", "high", "auto")
GPT_FORMATS: Final = ("png", "jpeg", "webp")
GPT_FIXED_SIZES: Final = ("1024x1024", "1536x1024", "1024x1536", "auto")
BACKGROUNDS: Final = ("transparent", "opaque", "auto")
MODERATIONS: Final = ("auto", "low")
ACTIONS: Final = ("generate", "edit", "auto")
MAX_PARTIAL_IMAGES: Final = 3


@dataclass(frozen=True)
class SizeRules:
    """Free WxH sizes (gpt-image-2, seed S3 and the SDK)."""

    multiple_of: int = 16
    max_edge: int = 3840
    max_ratio: int = 3
    min_pixels: int = 655_360
    max_pixels: int = 8_294_400
    # Beyond 2560x1440 the provider calls the output experimental.
    experimental_above_pixels: int = 3_686_400

    def broken_rules(self, width: int, height: int) -> list[UserMessage]:
        long, short = max(width, height), min(width, height)
        broken = []
        bad_edges = tuple(str(e) for e in dict.fromkeys((width, height)) if e % self.multiple_of)
        if bad_edges:
            broken.append(
                UserMessage(
                    "size_rule_multiple",
                    {"multiple": self.multiple_of, "edges": Listing(bad_edges, " and ")},
                )
            )
        if long > self.max_edge:
            broken.append(UserMessage("size_rule_max_edge", {"max_edge": self.max_edge}))
        if short == 0 or long > self.max_ratio * short:
            ratio = f"{long / short:.3g}:1" if short else UserMessage("size_ratio_unbounded")
            broken.append(
                UserMessage("size_rule_ratio", {"max_ratio": self.max_ratio, "ratio": ratio})
            )
        pixels = width * height
        if not self.min_pixels <= pixels <= self.max_pixels:
            broken.append(
                UserMessage(
                    "size_rule_area",
                    {
                        "low": f"{self.min_pixels:,}",
                        "high": f"{self.max_pixels:,}",
                        "pixels": f"{pixels:,}",
                    },
                )
            )
        return broken


GPT_IMAGE_2_SIZE_RULES: Final = SizeRules()


@dataclass(frozen=True)
class ImageModelSpec:
    name: str
    family: Literal["dall-e", "gpt-image", "other"]
    modes: tuple[Mode, ...]
    sizes: tuple[str, ...]
    qualities: tuple[str, ...]
    max_n: int
    max_prompt_chars: int
    output_formats: tuple[str, ...] = ("png",)
    supports_transparency: bool = False
    # Accepted input_fidelity values; empty = the option is refused.
    input_fidelities: tuple[str, ...] = ()
    max_input_images: int = 0
    supports_mask: bool = False
    styles: tuple[str, ...] = ()
    size_rules: SizeRules | None = None
    known: bool = True
    note: str = ""
    # OpenAI's shutdown date (its deprecations page); gateways may keep serving the model.
    openai_shutdown: date | None = None
    # Offered by the provider as a preview (gpt-image-2 transparency): allowed, labelled so.
    transparency_preview: bool = False

    @property
    def is_gpt_image(self) -> bool:
        return self.family == "gpt-image"

    @property
    def supports_streaming(self) -> bool:
        """Images API `stream` and `partial_images` exist for GPT image models only."""
        return self.is_gpt_image

    @property
    def supports_compression(self) -> bool:
        return any(f in self.output_formats for f in ("jpeg", "webp"))


def _gpt_image(name: str, **overrides: Any) -> ImageModelSpec:
    fields: dict[str, Any] = {
        "family": "gpt-image",
        "modes": ("responses", "generate", "edit"),
        "sizes": GPT_FIXED_SIZES,
        "qualities": GPT_QUALITIES,
        "max_n": 10,
        "max_prompt_chars": 32_000,
        "output_formats": GPT_FORMATS,
        "supports_transparency": True,
        "input_fidelities": ("high", "low"),
        "max_input_images": 16,
        "supports_mask": True,
    }
    return ImageModelSpec(name=name, **{**fields, **overrides})


MODELS: dict[str, ImageModelSpec] = {
    "dall-e-2": ImageModelSpec(
        name="dall-e-2",
        family="dall-e",
        modes=("generate", "edit", "variation"),
        sizes=("256x256", "512x512", "1024x1024"),
        # The published schema accepts `auto` for every model (it picks the best quality).
        qualities=("standard", "auto"),
        max_n=10,
        max_prompt_chars=1000,
        max_input_images=1,
        supports_mask=True,
        openai_shutdown=date(2026, 5, 12),
    ),
    "dall-e-3": ImageModelSpec(
        name="dall-e-3",
        family="dall-e",
        modes=("generate",),
        sizes=("1024x1024", "1792x1024", "1024x1792"),
        qualities=("standard", "hd", "auto"),
        max_n=1,
        max_prompt_chars=4000,
        styles=("vivid", "natural"),
        openai_shutdown=date(2026, 5, 12),
    ),
    "gpt-image-1": _gpt_image("gpt-image-1", openai_shutdown=date(2026, 10, 23)),
    "gpt-image-1-mini": _gpt_image(
        "gpt-image-1-mini", input_fidelities=(), openai_shutdown=date(2026, 12, 1)
    ),
    "gpt-image-1.5": _gpt_image("gpt-image-1.5", openai_shutdown=date(2026, 12, 1)),
    "chatgpt-image-latest": _gpt_image("chatgpt-image-latest", openai_shutdown=date(2026, 12, 1)),
    # The published schema (InputFidelity) allows high and low for gpt-image-2 and calls its
    # transparency a preview; a gateway rejecting either says so in its profile (S3).
    "gpt-image-2": _gpt_image(
        "gpt-image-2",
        sizes=(
            *GPT_FIXED_SIZES[:3],
            "2048x2048",
            "2048x1152",
            "1152x2048",
            "3840x2160",
            "2160x3840",
            "auto",
        ),
        transparency_preview=True,
        size_rules=GPT_IMAGE_2_SIZE_RULES,
    ),
}

# Snapshot names like gpt-image-2-2026-04-21 share the limits of their base model.
_SNAPSHOT = re.compile(r"^(?P<base>.+)-\d{4}-\d{2}-\d{2}$")
SIZE_PATTERN = re.compile(r"^(\d+)x(\d+)$")


def family_of(name: str) -> str | None:
    """The built-in table's entry a model name belongs to (itself or its dated snapshot)."""
    key = name.strip().lower()
    if key in MODELS:
        return key
    snapshot = _SNAPSHOT.match(key)
    if snapshot and snapshot["base"] in MODELS:
        return snapshot["base"]
    return None


def get_model(name: str) -> ImageModelSpec:
    """The spec for a model name; an unknown name gets conservative limits, marked so."""
    family = family_of(name)
    if family is None:
        return unverified_model(name)
    # A snapshot shares its family's limits and name, so per-model rules match it too.
    return MODELS[family]


def unverified_model(name: str) -> ImageModelSpec:
    """What Studio dares to send to a model it does not know: one plain PNG at a time,
    through the Images API, no option that only some models accept. Never another model's
    limits: a wrong "yes" costs a failed turn, a wrong "no" only a missing option."""
    return ImageModelSpec(
        name=name.strip(),
        family="other",
        modes=("generate", "edit"),
        sizes=("1024x1024", "auto"),
        qualities=("auto",),
        max_n=1,
        max_prompt_chars=4000,
        max_input_images=1,
        known=False,
        note=(
            f"{name.strip()} is unverified: Studio does not know its limits, so it offers "
            "only the options every image model takes until staff confirm more."
        ),
    )
