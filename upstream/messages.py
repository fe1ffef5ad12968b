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
    # Building the request (upstream.requests): a continuation or option the provider or
    # the endpoint cannot take.
    "continuation_unknown": gettext_noop("Unknown continuation strategy %(strategy)r."),
    "continuation_incomplete": gettext_noop("A %(strategy)s continuation needs %(field)s."),
    "mask_without_image": gettext_noop(
        "A mask needs the image it applies to in the request; resend that image."
    ),
    "previous_response_id_unsupported": gettext_noop(
        "The %(provider)s provider does not support previous_response_id; resend the image instead."
    ),
    "image_call_unsupported": gettext_noop(
        "The %(provider)s provider cannot look up earlier image calls by id; resend the image "
        "instead."
    ),
    "tool_option_unknown": gettext_noop("The image_generation tool has no option %(name)r."),
    "images_mode_unknown": gettext_noop(
        "Unknown Images API mode %(mode)r; expected one of: %(modes)s."
    ),
}

# What the options panel says about a model (upstream.model_specs, upstream.gateway_models).
MODEL_NOTES: dict[str, str] = {
    "model_unverified": gettext_noop(
        "%(model)s is unverified: Studio does not know its limits, so it offers only the "
        "options every image model takes until staff confirm more."
    ),
    "gateway_progress_one_image": gettext_noop(
        "Served by tu-zi: reports its progress in words, one image per request."
    ),
    "gateway_four_images": gettext_noop(
        "Served by tu-zi: up to 4 images per request at one price."
    ),
    "gateway_words_and_pictures": gettext_noop("Answers in words and pictures."),
    "gateway_emoji_progress": gettext_noop("Reports its progress in emoji lines."),
    "gateway_size_param": gettext_noop("Takes the size as well as the aspect ratio."),
    "gateway_images_api": gettext_noop(
        "Served by tu-zi: called like gpt-image-1 on the Images API."
    ),
    "gateway_async_form": gettext_noop("The asynchronous form of %(model)s."),
}

# Why bytes are not a picture Studio takes (upstream.image_bytes): the end of a sentence.
NOT_AN_IMAGE: dict[str, str] = {
    "image_empty": gettext_noop("it was empty"),
    "image_svg": gettext_noop("it was an SVG drawing, not a picture"),
    "image_web_page": gettext_noop("it was a web page, not a picture"),
    "image_json": gettext_noop("it was JSON, not a picture"),
    "image_text": gettext_noop("it was text, not a picture"),
    "image_unreadable": gettext_noop("it was not an image we can read"),
    "image_format": gettext_noop("it was a %(format)s file"),
    "image_too_many_pixels": gettext_noop("it was %(width)sx%(height)s pixels, more than allowed"),
    "image_bomb": gettext_noop("it expands to too many pixels to be safe"),
    "image_damaged": gettext_noop("it was damaged or cut short"),
}

# A stream that broke or made no sense (upstream.stream, upstream.chat), a gateway's answer
# (upstream.chat) and the image links in it (upstream.downloads).
GATEWAY_MESSAGES: dict[str, str] = {
    "chat_no_image": gettext_noop("The image provider answered without an image."),
    "chat_no_image_saying": gettext_noop(
        "The image provider answered without an image: “%(quote)s”"
    ),
    "chat_empty_link": gettext_noop("The image provider answered with an empty image link."),
    "chat_empty_link_saying": gettext_noop(
        "The image provider answered with an empty image link: “%(quote)s”"
    ),
    "stream_ended_early": gettext_noop(
        "The image provider ended the stream before the image was finished."
    ),
    "stream_not_an_event_stream": gettext_noop(
        "The image provider answered with %(content_type)s instead of an event stream."
    ),
    "stream_no_content_type": gettext_noop(
        "The image provider answered with no content type instead of an event stream."
    ),
    "stream_malformed_event": gettext_noop("The image provider sent a malformed event."),
    "chat_silent": gettext_noop("The image provider ended the answer before saying anything."),
    "chat_malformed_chunk": gettext_noop("The image provider sent a malformed chunk."),
    "chat_unexpected_answer": gettext_noop("The image provider sent an unexpected answer."),
    "chat_image_not_a_picture": gettext_noop(
        "The image in the answer is not a picture: %(reason)s."
    ),
    "chat_prompt_required": gettext_noop("A prompt is needed."),
    "chat_too_many_images": gettext_noop(
        "Chat image models take at most %(limit)s images per request (this one has "
        "%(count)s, counting the image being edited)."
    ),
    "chat_size_not_wxh": gettext_noop("Size %(size)r is not WIDTHxHEIGHT."),
    "chat_reference_not_http": gettext_noop("A reference link must be an http(s) URL."),
    "connection_broke_mid_stream": gettext_noop(
        "The connection to the image provider broke mid-stream (%(kind)s)."
    ),
    "connection_broke_mid_answer": gettext_noop(
        "The connection to the image provider broke mid-answer (%(kind)s)."
    ),
    "download_host_unknown": gettext_noop("The image link's host %(host)s could not be found."),
    "download_too_many_redirects": gettext_noop("The image link redirected too many times."),
    "download_not_a_picture": gettext_noop("The image link did not lead to a picture: %(reason)s."),
    "download_status": gettext_noop("The image link answered HTTP %(status)s."),
    "download_status_expired": gettext_noop(
        "The image link answered HTTP %(status)s; it may have expired."
    ),
    "download_too_slow": gettext_noop(
        "Downloading the image took longer than %(seconds)s seconds."
    ),
    "download_failed": gettext_noop("The image could not be downloaded (%(kind)s)."),
    "download_too_large": gettext_noop("The image at the link is larger than %(limit)s."),
    "download_not_http": gettext_noop("The image link is not an http or https address."),
    "download_private_address": gettext_noop(
        "The image link points at a private or local network address (%(address)s); it was "
        "not downloaded."
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
    **MODEL_NOTES,
    **NOT_AN_IMAGE,
    **GATEWAY_MESSAGES,
    # A provider whose preset lacks an endpoint (upstream.presets), one sentence per endpoint
    # so each reads whole in every language.
    "missing_endpoint.responses": gettext_noop(
        "This provider (%(provider)s) has no Responses API."
    ),
    "missing_endpoint.images.generations": gettext_noop(
        "This provider (%(provider)s) has no image generation."
    ),
    "missing_endpoint.images.edits": gettext_noop(
        "This provider (%(provider)s) has no image edits."
    ),
    "missing_endpoint.images.variations": gettext_noop(
        "This provider (%(provider)s) has no image variations."
    ),
    "missing_endpoint.files": gettext_noop("This provider (%(provider)s) has no file uploads."),
    "missing_endpoint.chat.completions": gettext_noop(
        "This provider (%(provider)s) has no chat image models."
    ),
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


def to_json(value: Any) -> Any:
    """A message (or a value) as JSON, its inner messages and listings as objects, so it
    can be stored and said again later (conversations.failures)."""
    if isinstance(value, UserMessage):
        return {"code": value.code, "params": {k: to_json(v) for k, v in value.params.items()}}
    if isinstance(value, Listing):
        return {"items": [to_json(item) for item in value.items], "separator": value.separator}
    return value


def from_json(value: Any) -> Any:
    """What to_json stored, as messages and listings again."""
    if isinstance(value, dict) and "code" in value:
        params = value.get("params") or {}
        return UserMessage(str(value["code"]), {k: from_json(v) for k, v in params.items()})
    if isinstance(value, dict) and "items" in value:
        items = tuple(from_json(item) for item in value["items"])
        return Listing(items, str(value.get("separator", ", ")))
    return value


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
    # Studio's own sentence about what a gateway did (upstream.chat, upstream.downloads).
    said = getattr(error, "said", None)
    if said is not None:
        return said
    # Our own sentence for a bare status (errors.error_from_response wrote it from the table).
    if error.status is not None and error.message == for_status(error.status).english:
        return for_status(error.status)
    return UserMessage(PROVIDER_MESSAGE, {"message": error.message})
