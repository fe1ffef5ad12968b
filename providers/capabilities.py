"""A provider's model as Studio uses it: the built-in table, then staff's overrides.

Models the table does not know stay "unverified" with conservative limits
(upstream.model_specs.unverified_model) until staff confirm capabilities for them.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Final

from django.utils.translation import gettext

from common.translate import join_list
from upstream.gateway_models import gateway_model, is_chat_image_model
from upstream.model_specs import ImageModelSpec, SizeRules, family_of, get_model

# Names that are text models, never image models, whatever a gateway lists.
_TEXT_MODEL = re.compile(
    r"^(gpt-[345]|gpt-4o|o[1-9]|chatgpt-4o|text-|davinci|babbage|claude|gemini|llama|qwen|"
    r"deepseek|mistral|whisper|tts|omni-moderation|text-embedding)",
    re.I,
)
# Names that look like image models a gateway serves under its own names.
_IMAGE_HINT = re.compile(r"image|dall-e|flux|imagen|seedream|midjourney|sdxl|diffusion", re.I)

OVERRIDABLE: Final = {
    "modes": tuple,
    "sizes": tuple,
    "qualities": tuple,
    "output_formats": tuple,
    "supports_transparency": bool,
    "input_fidelities": tuple,
    "max_n": int,
    "max_prompt_chars": int,
    "max_input_images": int,
    "supports_mask": bool,
    "styles": tuple,
    "size_rules": dict,
}


def classify(name: str) -> str:
    if is_chat_image_model(name):
        return "image"  # a gateway's chat image model, whatever its name looks like
    if family_of(name) is not None or (_IMAGE_HINT.search(name) and not _TEXT_MODEL.match(name)):
        return "image"
    if _TEXT_MODEL.match(name):
        return "text"
    return "other"


def is_known(name: str) -> bool:
    return family_of(name) is not None


def spec_for(name: str, *, overrides: dict[str, Any] | None = None, confirmed: bool = False):
    """The capabilities Studio validates options against for this provider's model."""
    spec = _chat_model_spec(name) or get_model(name)
    if not overrides and not confirmed:
        return spec
    fields = {key: _coerce(key, value) for key, value in (overrides or {}).items()}
    if confirmed and not spec.known:
        # Staff vouch for it: it is a GPT-image-like model with the limits they gave.
        fields.setdefault("family", "gpt-image")
        fields["note"] = None
    return dataclasses.replace(spec, known=spec.known or confirmed, **fields)


def check_overrides(overrides: Any) -> dict[str, Any]:
    """Staff's overrides, checked; ValueError with a message naming the bad field."""
    if not isinstance(overrides, dict):
        raise ValueError(gettext("Capability overrides must be a JSON object."))
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise ValueError(
            gettext("Unknown capability %(name)s; these can be changed: %(names)s.")
            % {"name": unknown[0], "names": join_list(OVERRIDABLE)}
        )
    for key, value in overrides.items():
        _coerce(key, value)
    return overrides


def _coerce(key: str, value: Any) -> Any:
    kind = OVERRIDABLE[key]
    if kind is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(gettext("%(name)s must be a list of strings.") % {"name": key})
        return tuple(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(gettext("%(name)s must be true or false.") % {"name": key})
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(gettext("%(name)s must be a whole number.") % {"name": key})
        return value
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(gettext("size_rules must be an object or null."))
    try:
        return SizeRules(**value)
    except TypeError:
        raise ValueError(gettext("size_rules has an unknown field.")) from None


def describe(spec: ImageModelSpec) -> str:
    return "verified" if spec.known else "unverified"


# A chat image model's ratios, as the sizes the options panel offers (the ratio goes into
# the prompt, upstream.chat.request).
_RATIO_SIZES: Final = {"1:1": "1024x1024", "2:3": "1024x1536", "3:2": "1536x1024"}


def _chat_model_spec(name: str) -> ImageModelSpec | None:
    """A gateway's chat image model: drawn from a prompt and up to its references, in the
    ratios it knows; the gateway table (upstream.gateway_models) vouches for it."""
    if not is_chat_image_model(name):
        return None
    model = gateway_model(name)
    sizes = tuple(_RATIO_SIZES[r] for r in model.ratios if r in _RATIO_SIZES)
    return dataclasses.replace(
        get_model(name),
        known=True,
        sizes=(*sizes, "auto"),
        max_input_images=model.max_references,
        note=model.note,
    )
