"""Options a provider's gateway silently drops (its preset says which, per mode).

A dropped option would change nothing but the person would believe it did, so the options
panel says which ones a provider ignores and a turn asking for one is refused before
anything is stored. Asking for what the provider does anyway (OpenAI's default) is harmless
and passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.utils.translation import gettext

from providers.models import Provider
from providers.presets import PRESETS
from upstream.gateway_models import is_chat_image_model

# What the provider does when an option is not sent, which is what dropping it gives.
UNSENT_VALUES: Final[dict[str, Any]] = {
    "n": 1,
    "background": "auto",
    "moderation": "auto",
    "output_format": "png",
    "output_compression": 100,
    "partial_images": 0,
    "input_fidelity": "low",
}


class OptionDropped(Exception):
    def __init__(self, message: str, *, option: str) -> None:
        super().__init__(message)
        self.message, self.option = message, option


def dropped_options(provider: Provider, model: str, mode: str) -> list[str]:
    """The options `provider` ignores for `model` in `mode`, sorted; chat image models take
    none of them anyway."""
    preset = PRESETS.get(provider.preset)
    if preset is None or is_chat_image_model(model):
        return []
    return sorted(preset.drops(mode))


def dropped_note(provider: Provider, options: list[str]) -> str:
    return gettext("%(provider)s ignores %(options)s in this mode; Studio does not send them.") % {
        "provider": provider.name,
        "options": ", ".join(options),
    }


def check_options_kept(
    provider: Provider, model: str, mode: str, requested: Mapping[str, Any]
) -> None:
    """OptionDropped when `requested` asks for something the provider would ignore."""
    for option in dropped_options(provider, model, mode):
        if option in requested and not _is_unsent_value(option, requested[option]):
            raise OptionDropped(
                gettext(
                    "This provider ignores %(option)s; leave it out or choose another "
                    "provider (%(provider)s drops it in this mode)."
                )
                % {"option": option, "provider": provider.name},
                option=option,
            )


def _is_unsent_value(option: str, value: Any) -> bool:
    return str(value).strip().lower() == str(UNSENT_VALUES.get(option, "")).lower()
