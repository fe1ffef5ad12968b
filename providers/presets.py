"""Presets as the providers app uses them: upstream.presets holds every preset's switches;
this module names the endpoints the way a provider's switches do (by API mode) and turns a
preset into the switches a new provider starts with. Staff adjust them per provider.
"""

from __future__ import annotations

from typing import Any, Final

from upstream.presets import PRESETS, Preset, get_preset

__all__ = ["ENDPOINTS", "ENDPOINT_LABELS", "PRESETS", "Preset", "get_preset", "switches"]

ENDPOINTS: Final = ("responses", "generate", "edit", "variation", "files", "chat")
ENDPOINT_LABELS: Final = {
    "responses": "Responses API (image tool)",
    "generate": "Images: generate",
    "edit": "Images: edit",
    "variation": "Images: variations",
    "files": "Files",
    "chat": "Chat completions (chat image models)",
}
# upstream.presets' endpoint names → a provider's endpoint switches.
SWITCH_FOR_ENDPOINT: Final = {
    "responses": "responses",
    "images.generations": "generate",
    "images.edits": "edit",
    "images.variations": "variation",
    "files": "files",
    "chat.completions": "chat",
}


def switches(preset: Preset) -> dict[str, Any]:
    """The switches a provider made from ``preset`` starts with."""
    offered = {SWITCH_FOR_ENDPOINT[endpoint] for endpoint in preset.endpoints}
    return {
        "wire_profile": preset.profile,
        "endpoints": [endpoint for endpoint in ENDPOINTS if endpoint in offered],
        "images_streaming": preset.images_streaming,
        "stored_ids": preset.stored_ids,
        "background_resume": preset.background_responses,
        "max_retries": preset.studio_retries,
        "timeout_seconds": preset.timeout_seconds,
        "openai_lineup": preset.openai_lineup,
    }
