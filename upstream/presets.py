"""Provider presets: the switches a known kind of gateway needs, as plain data.

A preset is chosen when a provider is added and fills in its switches; staff may change
them afterwards. Each records what the gateway was seen to do (docs/providers.md):

- endpoints it has (calling one it lacks gives 404 or 501: refuse before sending instead);
- whether Images API calls may stream (LiteLLM cannot relay those streams);
- whether stored ids (previous_response_id, image-call references) work;
- how often the gateway retries a failing call itself, and so how often Studio may: the
  provider is reached at most three times for one failed turn;
- the options it silently drops, per mode (the options panel says so, or refuses them);
- how its errors are wrapped (upstream.gateway_errors unwraps all of them anyway);
- whether `size` must always be sent (older gateways force 1024x1024 without one);
- whether it serves chat-completions image models (upstream.gateway_models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from upstream.messages import UserMessage, gettext_noop
from upstream.requests import GPT_IMAGE_ONLY

Endpoint = Literal[
    "responses",
    "images.generations",
    "images.edits",
    "images.variations",
    "files",
    "chat.completions",
]
ErrorEnvelope = Literal["openai", "litellm", "newapi"]

MAX_UPSTREAM_CALLS_PER_FAILURE: Final = 3

ALL_OPENAI_ENDPOINTS: Final[frozenset[Endpoint]] = frozenset(
    {"responses", "images.generations", "images.edits", "images.variations", "files"}
)
# What one-api and older new-api keep of an Images request; the GPT image options go.
_OLD_GATEWAY_DROPS: Final = frozenset(GPT_IMAGE_ONLY)


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    endpoints: frozenset[Endpoint]
    profile: str = "openai"
    """The upstream.profiles name for the Responses API's quirks."""
    images_streaming: bool = True
    stored_ids: bool = True
    own_retries: int = 0
    studio_retries: int = 2
    dropped_options: dict[str, frozenset[str]] = field(default_factory=dict)
    """Mode ("generate", "edit", "responses") → options the gateway silently drops."""
    error_envelope: ErrorEnvelope = "openai"
    size_always_sent: bool = False
    long_response_ids: bool = False
    """Response ids are the gateway's own, hundreds of characters long."""
    timeout_seconds: int = 300
    """How long one call may take, streams included."""
    openai_lineup: bool = False
    """OpenAI's own shutdown dates apply (a gateway keeps serving older models)."""
    background_responses: bool = False
    """Background responses are kept and can be streamed again after a sequence number."""
    example_base_url: str = ""
    note: str = ""

    @property
    def upstream_calls_per_failure(self) -> int:
        return (1 + self.own_retries) * (1 + self.studio_retries)

    @property
    def chat_models(self) -> bool:
        return "chat.completions" in self.endpoints

    def has(self, endpoint: Endpoint) -> bool:
        return endpoint in self.endpoints

    def missing_endpoint_message(self, endpoint: Endpoint) -> UserMessage | None:
        """What to tell a person when this provider lacks `endpoint` (translated by
        common.translate), else None."""
        if self.has(endpoint):
            return None
        return UserMessage(f"missing_endpoint.{endpoint}", {"provider": self.label})

    def drops(self, mode: str) -> frozenset[str]:
        return self.dropped_options.get(mode, frozenset())


PRESETS: Final[dict[str, Preset]] = {
    preset.key: preset
    for preset in (
        Preset(
            key="openai",
            label="OpenAI",
            endpoints=ALL_OPENAI_ENDPOINTS,
            openai_lineup=True,
            background_responses=True,
            example_base_url="https://api.openai.com/v1",
            note=gettext_noop(
                "OpenAI's own API: every endpoint, stored ids, OpenAI's shutdown dates."
            ),
        ),
        Preset(
            key="gateway",
            label=gettext_noop("OpenAI-compatible gateway"),
            endpoints=frozenset({"responses", "images.generations", "images.edits"}),
            profile="gateway",
            stored_ids=False,
            # A gateway retries upstream on its own; retrying again multiplies the wait.
            own_retries=2,
            studio_retries=0,
            example_base_url="https://gateway.example.com/v1",
            note=gettext_noop(
                "A constrained relay of another kind: instructions and list input required, "
                "streamed Responses only, no stored ids, no files."
            ),
        ),
        Preset(
            key="simulator",
            label=gettext_noop("Simulated provider"),
            endpoints=ALL_OPENAI_ENDPOINTS,
            background_responses=True,
            example_base_url="http://127.0.0.1:8765/v1",
            note=gettext_noop(
                "Studio's built-in simulator: draws pictures locally, no key needed."
            ),
        ),
        Preset(
            key="litellm",
            label="LiteLLM proxy",
            endpoints=frozenset({"responses", "images.generations", "images.edits"}),
            images_streaming=False,
            own_retries=2,
            studio_retries=0,
            dropped_options={
                "generate": frozenset(
                    {"background", "output_format", "output_compression", "moderation"}
                ),
                "edit": frozenset({"input_fidelity", "output_format", "output_compression"}),
            },
            error_envelope="litellm",
            long_response_ids=True,
            example_base_url="http://litellm.internal:4000/v1",
            note=gettext_noop(
                "Relays the Responses API fully; Images API streams fail (generate) or come "
                "back as JSON (edit); no variations route; retries failing calls itself."
            ),
        ),
        Preset(
            key="newapi",
            label="new-api",
            endpoints=frozenset(
                {"responses", "images.generations", "images.edits", "chat.completions"}
            ),
            images_streaming=False,
            error_envelope="newapi",
            example_base_url="https://newapi.example.com/v1",
            note=gettext_noop(
                "Relays /v1/responses unchanged and rebuilds multipart edits; variations "
                "and files answer 501."
            ),
        ),
        Preset(
            key="oneapi",
            label=gettext_noop("one-api (and older new-api)"),
            endpoints=frozenset({"images.generations", "chat.completions"}),
            profile="gateway",
            images_streaming=False,
            stored_ids=False,
            dropped_options={"generate": _OLD_GATEWAY_DROPS, "edit": _OLD_GATEWAY_DROPS},
            error_envelope="newapi",
            size_always_sent=True,
            example_base_url="https://oneapi.example.com/v1",
            note=gettext_noop(
                "No /v1/responses; edits, variations and files answer 501; the GPT image "
                "options are dropped and 1024x1024 is forced when no size is sent."
            ),
        ),
        Preset(
            key="tuzi",
            label="tu-zi",
            endpoints=frozenset(
                {"images.generations", "images.edits", "images.variations", "chat.completions"}
            ),
            images_streaming=False,
            stored_ids=False,
            error_envelope="newapi",
            example_base_url="https://api.tu-zi.com/v1",
            note=gettext_noop(
                "Images API for gpt-image-1, chat completions for gpt-4o-image and friends "
                "(progress in words, expiring links). Chat image models need a key of the "
                "default group, so one tu-zi account may need two providers with two keys."
            ),
        ),
        Preset(
            key="vibeapi",
            label="VibeAPI",
            endpoints=frozenset({"responses", "images.generations", "images.edits"}),
            profile="gateway",
            images_streaming=False,
            stored_ids=False,
            dropped_options={"generate": frozenset({"n"}), "edit": frozenset({"n"})},
            example_base_url="https://www.vibeapi.cn/v1",
            note=gettext_noop(
                "Responses need instructions, list input and streaming; no stored ids; "
                "Images API ignores n; url answers are data: URIs."
            ),
        ),
    )
}


def get_preset(key: str) -> Preset:
    try:
        return PRESETS[key.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ValueError(f"Unknown provider preset {key!r}; known presets: {known}.") from None
