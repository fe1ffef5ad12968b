"""Request bodies for the Responses image tool and the Images API.

Pure functions: they take validated options (capabilities.validate_options) and a
provider profile, and never produce a field the profile cannot take.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from upstream.capabilities import get_model
from upstream.errors import InvalidRequest
from upstream.messages import Listing
from upstream.profiles import (
    IMAGE_CALL,
    PREVIOUS_RESPONSE_ID,
    RESEND_IMAGE,
    ProviderProfile,
    Strategy,
)

if TYPE_CHECKING:
    # Typing only: the builders stay importable without the HTTP client.
    from upstream.client import InputFile
    from upstream.model_specs import ImageModelSpec

# Fields of the image_generation tool (protocol §1.2); input_image_mask is built here.
TOOL_FIELDS: Final = frozenset(
    {
        "model",
        "quality",
        "size",
        "output_format",
        "output_compression",
        "background",
        "moderation",
        "partial_images",
        "input_fidelity",
        "action",
    }
)

# Images API fields per mode (protocol §3), besides prompt/model/stream/response_format.
IMAGES_FIELDS: Final = {
    "generate": frozenset(
        {
            "n",
            "size",
            "quality",
            "style",
            "output_format",
            "output_compression",
            "background",
            "moderation",
            "partial_images",
        }
    ),
    # moderation is specified only for the JSON form of edits and the SDK does not send it
    # in multipart, so it is left out rather than risk a 400 on an unknown field.
    "edit": frozenset(
        {
            "n",
            "size",
            "quality",
            "output_format",
            "output_compression",
            "background",
            "input_fidelity",
            "partial_images",
        }
    ),
    "variation": frozenset({"n", "size"}),
}


# Images API fields the published schema documents as "only supported for the GPT image
# models".
GPT_IMAGE_ONLY: Final = (
    "output_format",
    "output_compression",
    "background",
    "moderation",
    "partial_images",
    "input_fidelity",
)


def data_url(file: InputFile) -> str:
    """`data:<type>;base64,<bytes>`: how Responses takes inline images and masks."""
    encoded = base64.b64encode(file.data).decode("ascii")
    return f"data:{file.content_type};base64,{encoded}"


@dataclass(frozen=True)
class Continuation:
    """How a turn continues from an earlier image (protocol §8, architecture decision 4)."""

    strategy: Strategy
    previous_response_id: str | None = None
    image_call_id: str | None = None
    image: InputFile | None = None

    def __post_init__(self) -> None:
        needed = {
            PREVIOUS_RESPONSE_ID: ("previous_response_id", self.previous_response_id),
            IMAGE_CALL: ("image_call_id", self.image_call_id),
            RESEND_IMAGE: ("image", self.image),
        }
        if self.strategy not in needed:
            raise InvalidRequest.refused(
                "continuation_unknown", param="continuation", strategy=self.strategy
            )
        field_name, value = needed[self.strategy]
        if not value:
            raise InvalidRequest.refused(
                "continuation_incomplete",
                param="continuation",
                strategy=self.strategy,
                field=field_name,
            )


def build_responses_body(
    *,
    profile: ProviderProfile,
    text_model: str,
    prompt: str,
    tool_options: Mapping[str, Any],
    continuation: Continuation | None = None,
    input_images: Sequence[InputFile] = (),
    mask: InputFile | None = None,
    instructions: str | None = None,
    stream: bool = True,
) -> dict[str, Any]:
    """POST /responses body forcing the image_generation tool.

    tool_options are validated options plus the image `model`; `n` is dropped (the tool
    has none). A resent image goes first: a mask applies to the first input image, and
    the first image keeps the most detail.
    """
    _check_continuation_supported(profile, continuation)
    images = list(input_images)
    if continuation is not None and continuation.strategy == RESEND_IMAGE:
        images.insert(0, continuation.image)
    if mask is not None and not images:
        raise InvalidRequest.refused("mask_without_image", param="mask")
    body: dict[str, Any] = {
        "model": text_model,
        "input": _responses_input(profile, prompt, images, continuation),
        "tools": [_image_tool(profile, tool_options, continuation, mask)],
        "tool_choice": {"type": "image_generation"},
        # Stream-only gateways answer 500 or nothing to a plain request.
        "stream": stream or profile.stream_only,
    }
    # Instructions are not inherited through previous_response_id, so they are sent on
    # every request that has them.
    text = instructions or (profile.default_instructions if profile.requires_instructions else None)
    if text:
        body["instructions"] = text
    if continuation is not None and continuation.strategy == PREVIOUS_RESPONSE_ID:
        body["previous_response_id"] = continuation.previous_response_id
    return body


def _check_continuation_supported(
    profile: ProviderProfile, continuation: Continuation | None
) -> None:
    if continuation is None:
        return
    if continuation.strategy == PREVIOUS_RESPONSE_ID and not profile.supports_previous_response_id:
        raise InvalidRequest.refused(
            "previous_response_id_unsupported",
            param="previous_response_id",
            provider=profile.name,
        )
    if continuation.strategy == IMAGE_CALL and not profile.supports_item_reference:
        raise InvalidRequest.refused(
            "image_call_unsupported", param="continuation", provider=profile.name
        )


def _responses_input(
    profile: ProviderProfile,
    prompt: str,
    images: list[InputFile],
    continuation: Continuation | None,
) -> str | list[dict[str, Any]]:
    is_image_call = continuation is not None and continuation.strategy == IMAGE_CALL
    if not images and not is_image_call and not profile.input_must_be_list:
        return prompt
    content: list[dict[str, Any]] = [{"type": "input_text", "text": prompt}]
    content += [
        {"type": "input_image", "image_url": data_url(image), "detail": "auto"} for image in images
    ]
    items: list[dict[str, Any]] = [{"role": "user", "content": content}]
    if is_image_call:
        # The published schema's ItemReferenceParam. OpenAI's guide shows the id-only
        # image_generation_call item, but the schema requires status and result on it, so
        # schema-validating gateways and proxies refuse that form.
        items.append({"type": "item_reference", "id": continuation.image_call_id})
    return items


def _image_tool(
    profile: ProviderProfile,
    tool_options: Mapping[str, Any],
    continuation: Continuation | None,
    mask: InputFile | None,
) -> dict[str, Any]:
    options = {k: v for k, v in tool_options.items() if v is not None and k != "n"}
    unknown = sorted(set(options) - TOOL_FIELDS)
    if unknown:
        raise InvalidRequest.refused("tool_option_unknown", param=unknown[0], name=unknown[0])
    if "input_fidelity" in options and options.get("model") in (
        profile.rejects_input_fidelity_models
    ):
        raise InvalidRequest.refused(
            "input_fidelity_rejected",
            param="input_fidelity",
            provider=profile.name,
            model=options["model"],
        )
    tool: dict[str, Any] = {"type": "image_generation", **options}
    if mask is not None:
        tool["input_image_mask"] = {"image_url": data_url(mask)}
    # A resent image or a mask means "change this picture": without action "edit" the
    # model may draw a fresh one. The caller's explicit action wins.
    resends = continuation is not None and continuation.strategy == RESEND_IMAGE
    if (resends or mask is not None) and "action" not in options:
        tool["action"] = "edit"
    return tool


def build_images_params(
    *,
    profile: ProviderProfile,
    mode: str,
    model: str,
    prompt: str,
    options: Mapping[str, Any],
    stream: bool,
) -> dict[str, Any]:
    """Fields for /images/generations (JSON) or /images/edits and /variations (multipart).

    Multipart fields are strings. Files (image[], mask) are passed to the client apart.
    """
    if mode not in IMAGES_FIELDS:
        raise InvalidRequest.refused(
            "images_mode_unknown", param="mode", mode=mode, modes=Listing(tuple(IMAGES_FIELDS))
        )
    spec = get_model(model)
    params: dict[str, Any] = {"model": model}
    if mode != "variation":
        params["prompt"] = prompt
    params.update((k, v) for k, v in options.items() if v is not None and k in IMAGES_FIELDS[mode])
    # Without provider-side n (the gateway silently returns one) the engine makes
    # parallel calls instead.
    if not profile.supports_n:
        params.pop("n", None)
    if profile.size_always_sent and "size" in IMAGES_FIELDS[mode]:
        params.setdefault("size", default_size(spec))
    if spec.is_gpt_image:
        _set_streaming(params, stream and mode != "variation")
    else:
        # Options of GPT image models only (the schema says so of each): a DALL·E or an
        # unverified model may refuse them, and for DALL·E they change nothing.
        for name in GPT_IMAGE_ONLY:
            params.pop(name, None)
    if spec.family == "dall-e":
        # DALL·E answers with 60-minute URLs by default; bytes in hand are simpler.
        params["response_format"] = "b64_json"
    return params if mode == "generate" else _multipart_fields(params)


def default_size(spec: ImageModelSpec) -> str:
    """The size OpenAI uses when none is sent: `auto` for GPT image models, else 1024x1024."""
    for size in ("auto", "1024x1024"):
        if size in spec.sizes:
            return size
    return spec.sizes[0]


def _set_streaming(params: dict[str, Any], stream: bool) -> None:
    if stream:
        params["stream"] = True
    else:
        # Partial images only exist on a stream.
        params.pop("partial_images", None)


def _multipart_fields(params: Mapping[str, Any]) -> dict[str, str]:
    def as_text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {k: as_text(v) for k, v in params.items()}
