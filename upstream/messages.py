"""What upstream errors say to a person: stable codes with parameters (docs/i18n.md).

This package imports no Django, so it cannot know the reader's language. Each message here
has a stable code, an English sentence with %(name)s placeholders, and the values that fill
them. The English sentence doubles as the msgid: `gettext_noop` marks it so Django's
extraction puts it in the catalogs, and the Django side (common.translate) looks it up in the
reader's language and fills in the values. Used alone, upstream speaks the English sentence.
A provider's own words (its error message) have no code and pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


def gettext_noop(message: str) -> str:
    """Marks a sentence for extraction (xgettext knows this name) and returns it unchanged."""
    return message


# Pre-flight refusals (upstream.capabilities): nothing was sent. Each names the option or
# value a person can change.
REFUSALS: dict[str, str] = {
    "mode_unknown": gettext_noop("Unknown mode %(mode)r; expected one of: %(modes)s."),
    "mode_variation_dalle2_only": gettext_noop(
        "Only dall-e-2 can make variations; %(model)s cannot."
    ),
    "mode_unsupported": gettext_noop("%(model)s cannot %(action)s; it can %(can)s."),
    "mode_responses": gettext_noop("use the Responses image tool"),
    "mode_generate": gettext_noop("generate images"),
    "mode_edit": gettext_noop("edit images"),
    "mode_variation": gettext_noop("make variations"),
    "response_format_chosen": gettext_noop(
        "response_format is chosen by Studio (images are always fetched as base64); leave it out."
    ),
    "option_unknown": gettext_noop("Unknown option %(name)r; known options: %(names)s."),
    "option_not_whole": gettext_noop("%(name)s must be a whole number."),
    "option_not_whole_value": gettext_noop("%(name)s must be a whole number, not %(value)r."),
    "option_out_of_range": gettext_noop(
        "%(name)s must be between %(low)s and %(high)s; got %(number)s."
    ),
    "option_invalid_choice": gettext_noop(
        "%(value)r is not a valid %(name)s for %(model)s; choose one of: %(choices)s."
    ),
    "option_not_supported": gettext_noop("%(model)s does not support %(name)s."),
    "compression_png_only_model": gettext_noop(
        "%(model)s does not support output_compression (it only makes PNG)."
    ),
    "partial_images_not_streamed": gettext_noop(
        "%(model)s does not support partial_images (only GPT image models stream)."
    ),
    "style_dalle3_only": gettext_noop(
        "%(model)s does not support style (style is a dall-e-3 option)."
    ),
    "size_breaks_rules": gettext_noop("%(size)s does not fit %(model)s's size rules: %(rules)s."),
    "size_rule_multiple": gettext_noop(
        "both edges must be multiples of %(multiple)s (%(edges)s is not)"
    ),
    "size_rule_max_edge": gettext_noop("the longest edge may be at most %(max_edge)s px"),
    "size_rule_ratio": gettext_noop(
        "the long edge may be at most %(max_ratio)s times the short one (this is %(ratio)s)"
    ),
    "size_ratio_unbounded": gettext_noop("unbounded"),
    "size_rule_area": gettext_noop(
        "the area must be between %(low)s and %(high)s pixels (this is %(pixels)s)"
    ),
    "size_unavailable": gettext_noop(
        "%(model)s cannot make %(size)s images; its sizes are %(sizes)s."
    ),
    "size_unavailable_or_rules": gettext_noop(
        "%(model)s cannot make %(size)s images; its sizes are %(sizes)s or any WxH within its "
        "size rules."
    ),
    "size_not_wxh": gettext_noop("%(size)r is not a size like 1024x1024."),
    "transparency_unavailable": gettext_noop("%(model)s cannot make a transparent background."),
    "transparency_unavailable_provider": gettext_noop(
        "%(model)s cannot make a transparent background with the %(provider)s provider."
    ),
    "input_fidelity_rejected": gettext_noop(
        "The %(provider)s provider rejects input_fidelity for %(model)s (it always reads input "
        "images at high fidelity); leave it out."
    ),
    "input_fidelity_needs_images": gettext_noop(
        "input_fidelity only applies when there are input images (edit or the Responses tool)."
    ),
    "one_image_per_request": gettext_noop("%(model)s makes one image per request; n must be 1."),
    "action_responses_only": gettext_noop(
        "action only applies to the Responses image tool; the Images API picks the endpoint "
        "instead."
    ),
    "transparency_needs_png": gettext_noop(
        "A transparent background needs PNG or WebP output; JPEG has no transparency."
    ),
    "compression_not_png": gettext_noop(
        "output_compression only applies to JPEG or WebP output; PNG is lossless. Choose jpeg "
        "or webp, or leave compression out."
    ),
    "variation_no_prompt": gettext_noop(
        "Variations take no prompt: dall-e-2 varies the image alone."
    ),
    "prompt_required": gettext_noop("Please describe the image: a prompt is required."),
    "prompt_too_long": gettext_noop(
        "The prompt is %(length)s characters long; %(model)s accepts at most %(limit)s."
    ),
    "generate_no_images": gettext_noop("Generating takes no input images; edit them instead."),
    "mode_needs_image": gettext_noop("To %(action)s, add an image."),
    "too_many_images_one": gettext_noop(
        "%(model)s takes at most 1 input image here; got %(count)s."
    ),
    "too_many_images": gettext_noop(
        "%(model)s takes at most %(limit)s input images here; got %(count)s."
    ),
    "mask_unsupported": gettext_noop("%(model)s cannot use a mask to %(action)s."),
    "mask_needs_edit": gettext_noop(
        "A mask marks what to change in an image; edit an image to use one."
    ),
}

MESSAGES: dict[str, str] = {
    "provider_rejected": gettext_noop("The image provider rejected the request."),
    "provider_key_refused": gettext_noop("The image provider did not accept the API key."),
    "provider_forbidden": gettext_noop(
        "The API key is not allowed to do this at the image provider."
    ),
    "provider_not_found": gettext_noop("The image provider could not find what was asked for."),
    "provider_timeout": gettext_noop("The image provider timed out handling the request."),
    "provider_conflict": gettext_noop("The image provider reported a conflict; try again."),
    "provider_unprocessable": gettext_noop("The image provider could not process the request."),
    "provider_rate_limited": gettext_noop(
        "The image provider is rate limiting requests; try again shortly."
    ),
    "provider_internal_error": gettext_noop(
        "The image provider had an internal error (HTTP %(status)s)."
    ),
    "provider_status": gettext_noop("The image provider answered HTTP %(status)s."),
    "moderation_blocked": gettext_noop("The image provider's safety system blocked this request."),
    "insufficient_quota": gettext_noop("The image provider account has run out of credit."),
    "model_not_found": gettext_noop(
        "The image provider does not offer this model to this API key: %(message)s"
    ),
    **REFUSALS,
}
# The provider's own message, shown as it came.
PROVIDER_MESSAGE = "provider_message"

_STATUS_CODES = {
    400: "provider_rejected",
    401: "provider_key_refused",
    403: "provider_forbidden",
    404: "provider_not_found",
    408: "provider_timeout",
    409: "provider_conflict",
    422: "provider_unprocessable",
    429: "provider_rate_limited",
}


@dataclass(frozen=True)
class UserMessage:
    """A code and its values; a value may itself be a UserMessage or a Listing of them."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return MESSAGES.get(self.code, "%(message)s")

    @property
    def english(self) -> str:
        return self.template % {name: _english(value) for name, value in self.params.items()}


@dataclass(frozen=True)
class Listing:
    """Values joined into one: ", " between list items, "; " between clauses, " and "."""

    items: tuple[Any, ...]
    separator: str = ", "

    @property
    def english(self) -> str:
        return self.separator.join(_english(item) for item in self.items)


def _english(value: Any) -> Any:
    return value.english if isinstance(value, UserMessage | Listing) else value


def mode_label(mode: str) -> UserMessage:
    """What a mode does, as a verb phrase: "edit images"."""
    return UserMessage(f"mode_{mode}")


class _Describable(Protocol):
    message: str
    status: int | None
    code: str | None

    @property
    def is_moderation_block(self) -> bool: ...


def for_status(status: int) -> UserMessage:
    """What to say when a provider answered ``status`` without a message of its own."""
    if status >= 500:
        return UserMessage("provider_internal_error", {"status": status})
    if status in _STATUS_CODES:
        return UserMessage(_STATUS_CODES[status])
    return UserMessage("provider_status", {"status": status})


def describe(error: _Describable) -> UserMessage:
    """The message for a person about ``error`` (an UpstreamError), without ids or codes."""
    refusal = getattr(error, "refusal", None)
    if refusal is not None:
        return refusal
    if error.is_moderation_block:
        return UserMessage("moderation_blocked")
    if error.status is not None and error.code == "insufficient_quota":
        return UserMessage("insufficient_quota")
    if error.status is not None and error.code == "model_not_found":
        return UserMessage("model_not_found", {"message": error.message})
    # Our own sentence for a bare status (errors.error_from_response wrote it from the table).
    if error.status is not None and error.message == for_status(error.status).english:
        return for_status(error.status)
    return UserMessage(PROVIDER_MESSAGE, {"message": error.message})
