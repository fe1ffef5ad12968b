"""Token figures (protocol §6): gpt-image-1 output tokens by size and quality."""

from __future__ import annotations

import math
from typing import Any

from upstream.simulator.options import ImageOptions

OUTPUT_TOKENS = {
    "low": {"1024x1024": 272, "1024x1536": 408, "1536x1024": 400},
    "medium": {"1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568},
    "high": {"1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208},
}
PARTIAL_IMAGE_TOKENS = 100


def output_image_tokens(options: ImageOptions) -> int:
    table = OUTPUT_TOKENS.get(options.quality, OUTPUT_TOKENS["medium"])
    if options.size_str in table:
        tokens = table[options.size_str]
    else:
        # Other sizes are scaled from the square figure by pixel area.
        tokens = round(table["1024x1024"] * options.size[0] * options.size[1] / (1024 * 1024))
    return tokens + PARTIAL_IMAGE_TOKENS * options.partial_images


def text_tokens(text: str) -> int:
    return max(1, len(text.split()))


def input_image_tokens(size: tuple[int, int], fidelity: str | None) -> int:
    """Vision-style tiles: 65 base + 129 per 512px tile; high fidelity costs more."""
    w, h = size
    scale = min(1.0, 2048 / max(w, h))
    w, h = w * scale, h * scale
    scale = min(1.0, 768 / min(w, h))
    tiles = math.ceil(w * scale / 512) * math.ceil(h * scale / 512)
    extra = (4160 if w == h else 6240) if fidelity == "high" else 0
    return 65 + 129 * tiles + extra


def image_usage(
    *, prompt: str, input_sizes: list[tuple[int, int]], options: ImageOptions, count: int
) -> dict[str, Any]:
    text = text_tokens(prompt)
    image_in = sum(input_image_tokens(s, options.input_fidelity) for s in input_sizes)
    out = output_image_tokens(options) * count
    return {
        "input_tokens": text + image_in,
        "input_tokens_details": {"text_tokens": text, "image_tokens": image_in},
        "output_tokens": out,
        "output_tokens_details": {"text_tokens": 0, "image_tokens": out},
        "total_tokens": text + image_in + out,
    }
