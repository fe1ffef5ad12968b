"""Provider profiles: what an OpenAI-compatible provider accepts and how it answers.

The flags follow openai-image-protocol.md §7; the continuation choice follows §8 and
architecture decision 4. Profiles are data: the request builders and the stream reader
consult them instead of testing provider names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Strategy = Literal["previous_response_id", "image_call", "resend_image"]

PREVIOUS_RESPONSE_ID: Final = "previous_response_id"
IMAGE_CALL: Final = "image_call"
RESEND_IMAGE: Final = "resend_image"

DEFAULT_INSTRUCTIONS: Final = (
    "You are an image generation assistant. Use the image_generation tool to create or edit "
    "the image the user asks for, following their words closely."
)


@dataclass(frozen=True)
class ProviderProfile:
    name: str

    requires_instructions: bool = False
    """Responses: always send `instructions` (default_instructions when none are given);
    the gateway answers 400 "Instructions are required" without them."""

    input_must_be_list: bool = False
    """Responses: send `input` as a list of messages even for plain text; the gateway
    answers 400 "Input must be a list" to a string."""

    stream_only: bool = False
    """Responses: force `stream: true`; the gateway answers 500 or nothing otherwise."""

    supports_previous_response_id: bool = True
    """Continuation A is possible (the provider stores responses and chains them)."""

    supports_item_reference: bool = True
    """Continuation B is possible (an `item_reference` to an earlier `ig_` image call is
    looked up server-side)."""

    supports_n: bool = True
    """Images API honours `n`; when false `n` is not sent and the engine makes parallel
    calls for several images (the gateway silently returns one)."""

    size_always_sent: bool = False
    """Images API: always send `size` (the model's own default when none was chosen); an
    older gateway forces 1024x1024 on a request without one."""

    multi_image_via_prompt: bool = True
    """Responses has no `n`: several images are obtained by asking for them in the
    prompt, each arriving as its own image_generation_call."""

    supports_files_api: bool = True
    """Inputs may be uploaded to /files and passed as `file_id`; when false, images
    travel inline as data URLs."""

    image_return: Literal["https_url", "data_url"] = "https_url"
    """What `data[].url` holds if a provider answers with a URL: a link to download
    within 60 minutes, or a `data:` URI with the bytes inline. Studio asks for b64_json
    wherever it can, so this only guides a fallback reader."""

    final_image_in_partial_event: bool = False
    """A `partial_image` event may carry the full final image (the gateway sends one
    even with partial_images 0); the reader must still prefer output_item.done."""

    emits_keepalive: bool = True
    """`keepalive` events arrive on long runs; the reader ignores them, but they reset
    an idle timeout."""

    image_usage_location: str = "tool_usage.image_gen"
    """Dotted path, in a Responses response, of the object holding image token usage
    (`usage` itself counts only the text model)."""

    done_status_may_be_generating: bool = False
    """`output_item.done` may say status "generating" while carrying the result; the
    reader treats any non-empty result as final."""

    rejects_input_fidelity_models: frozenset[str] = frozenset()
    """Image models for which `input_fidelity` must not be sent (400
    invalid_input_fidelity_model); validation refuses it before the call."""

    rejects_transparency_models: frozenset[str] = frozenset()
    """Image models whose transparent background the provider refuses (a gateway answers
    400 for gpt-image-2, S3, where OpenAI offers it as a preview)."""

    background_resume: bool = False
    """Responses turns run as background responses (`background: true`) whose stream can
    be resumed after a sequence number, retrieved and cancelled: a turn whose worker died
    continues on the same response instead of generating again."""

    default_instructions: str = DEFAULT_INSTRUCTIONS
    """Instructions sent when the profile requires them and the caller gave none."""

    continuation_strategies: tuple[Strategy, ...] = (
        PREVIOUS_RESPONSE_ID,
        IMAGE_CALL,
        RESEND_IMAGE,
    )
    """Strategies this provider supports, in order of preference."""

    def choose_continuation(
        self,
        *,
        has_response_id: bool,
        has_image_call_id: bool,
        is_branch: bool,
        has_mask: bool = False,
        has_references: bool = False,
    ) -> Strategy:
        """Pick how the next turn continues from its parent's image (protocol §8).

        A direct continuation of the latest turn prefers previous_response_id (nothing is
        re-uploaded); a branch from an older image prefers the image-call reference, which
        brings that image without the later history. Anything not stored or not supported
        falls back to resending the image, which works everywhere. With a mask the image
        must be in the request itself (the mask applies to the first input image), and so with
        references: the parent's image goes first so the model edits it, not a reference.
        """
        if has_mask or has_references:
            return RESEND_IMAGE
        available = {
            PREVIOUS_RESPONSE_ID: has_response_id and self.supports_previous_response_id,
            IMAGE_CALL: has_image_call_id and self.supports_item_reference,
            RESEND_IMAGE: True,
        }
        order = self._branch_order() if is_branch else self.continuation_strategies
        for strategy in order:
            if available[strategy]:
                return strategy
        return RESEND_IMAGE

    def _branch_order(self) -> tuple[Strategy, ...]:
        # Same strategies, but the image-call reference first: it names exactly the
        # image being branched from.
        rest = tuple(s for s in self.continuation_strategies if s != IMAGE_CALL)
        if IMAGE_CALL in self.continuation_strategies:
            return (IMAGE_CALL, *rest)
        return rest


OPENAI = ProviderProfile(name="openai", background_resume=True)

# VibeAPI-style gateway (seed S3, tested 2026-05-08). Unknown capabilities are assumed
# absent: a false "no" costs a re-upload, a false "yes" costs a failed turn.
GATEWAY = ProviderProfile(
    name="gateway",
    requires_instructions=True,
    input_must_be_list=True,
    stream_only=True,
    supports_previous_response_id=False,
    supports_item_reference=False,
    supports_n=False,
    supports_files_api=False,
    image_return="data_url",
    final_image_in_partial_event=True,
    done_status_may_be_generating=True,
    rejects_input_fidelity_models=frozenset({"gpt-image-2"}),
    rejects_transparency_models=frozenset({"gpt-image-2"}),
    continuation_strategies=(RESEND_IMAGE,),
)

PROFILES: dict[str, ProviderProfile] = {p.name: p for p in (OPENAI, GATEWAY)}


def get_profile(name: str) -> ProviderProfile:
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"Unknown provider profile {name!r}; known profiles: {known}.") from None
