"""Presets: the switches a kind of provider starts with; staff adjust them per provider.

`wire_profile` names an upstream.profiles profile (request shape and stream quirks); the
switches say what this provider offers on top. `openai_lineup` means OpenAI's own shutdown
dates (the built-in table's) apply, as they do to OpenAI and not to a gateway, which keeps
serving older models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ENDPOINTS: Final = ("responses", "generate", "edit", "variation", "files")
ENDPOINT_LABELS: Final = {
    "responses": "Responses API (image tool)",
    "generate": "Images: generate",
    "edit": "Images: edit",
    "variation": "Images: variations",
    "files": "Files",
}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    wire_profile: str
    base_url: str
    endpoints: tuple[str, ...] = ENDPOINTS
    images_streaming: bool = True
    stored_ids: bool = True
    max_retries: int = 2
    timeout_seconds: int = 300
    openai_lineup: bool = False
    help: str = ""


PRESETS: Final = {
    preset.name: preset
    for preset in (
        Preset(
            name="openai",
            label="OpenAI",
            wire_profile="openai",
            base_url="https://api.openai.com/v1",
            openai_lineup=True,
            help="OpenAI's own API: every endpoint, stored ids, OpenAI's shutdown dates.",
        ),
        Preset(
            name="gateway",
            label="OpenAI-compatible gateway",
            wire_profile="gateway",
            base_url="https://gateway.example.com/v1",
            endpoints=("responses", "generate", "edit"),
            stored_ids=False,
            # A gateway retries upstream on its own; retrying again multiplies the wait.
            max_retries=0,
            help=(
                "A constrained relay (tu-zi, VibeAPI, new-api, LiteLLM...): instructions and "
                "list input required, streamed Responses only, no stored ids, no files."
            ),
        ),
        Preset(
            name="simulator",
            label="Simulated provider",
            wire_profile="openai",
            base_url="http://127.0.0.1:8765/v1",
            help="Studio's built-in simulator: draws pictures locally, no key needed.",
        ),
    )
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise ValueError(f"Unknown preset {name!r}; known presets: {known}.") from None
