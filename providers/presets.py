"""Presets as the providers app uses them: upstream.presets holds every preset's switches;
this module names the endpoints the way a provider's switches do (by API mode) and turns a
preset into the switches a new provider starts with. Staff adjust them per provider.
"""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from upstream.presets import PRESETS, Preset, get_preset

__all__ = [
    "ENDPOINTS",
    "ENDPOINT_LABELS",
    "PRESETS",
    "Preset",
    "get_preset",
    "presented_presets",
    "preset_choices",
    "switches",
]

ENDPOINTS: Final = ("responses", "generate", "edit", "variation", "files", "chat")
ENDPOINT_LABELS: Final = {
    "responses": _("Responses API (image tool)"),
    "generate": _("Images: generate"),
    "edit": _("Images: edit"),
    "variation": _("Images: variations"),
    "files": _("Files"),
    "chat": _("Chat completions (chat image models)"),
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


def preset_choices() -> list[tuple[str, Any]]:
    """The presets as model choices, each label in the reader's language."""
    return [(preset.key, _(preset.label)) for preset in PRESETS.values()]


def presented_presets() -> list[dict[str, str]]:
    """The presets as the add-a-provider form lists them, in the active language."""
    return [
        {"key": preset.key, "label": gettext(preset.label), "note": gettext(preset.note)}
        for preset in PRESETS.values()
    ]
