"""Personas: the simulator plays a gateway in front of itself (LiteLLM, new-api, one-api, tu-zi).

A persona is data (below); `gateway.PersonaGateway` applies it to every /v1 request, and
`chat` serves the chat-completions image models. Chosen with `--persona NAME`,
`POST /_simulator/config {"persona": NAME}` or per request `X-Simulator-Persona: NAME`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from upstream.requests import GPT_IMAGE_ONLY

Envelope = Literal["openai", "litellm", "newapi", "oneapi"]

PERSONA_HEADER: Final = "x-simulator-persona"
# One-api and older new-api rebuild an Images request without the GPT image options.
_OLD_GATEWAY_DROPS: Final = frozenset({*GPT_IMAGE_ONLY, "stream"})


@dataclass(frozen=True)
class Persona:
    name: str
    envelope: Envelope = "openai"
    own_retries: int = 0
    """How often the gateway sends a failing call (5xx, 429) again by itself."""
    long_ids: bool = False
    """Response ids are replaced by the gateway's own ~470-character ids."""
    dropped: dict[str, frozenset[str]] = field(default_factory=dict)
    """Path → fields removed from the request before it reaches the provider."""
    missing: dict[str, int] = field(default_factory=dict)
    """Path prefix → the status the gateway answers itself (404, 501)."""
    default_size: str | None = None
    """Sent when the request has no size (older gateways force 1024x1024)."""
    images_stream: Literal["relay", "crash_generate_json_edit"] = "relay"
    chat_models: bool = False
    expiring_urls: bool = True


PERSONAS: Final[dict[str, Persona]] = {
    persona.name: persona
    for persona in (
        Persona(
            "litellm",
            envelope="litellm",
            own_retries=2,
            long_ids=True,
            dropped={
                "/v1/images/generations": frozenset(
                    {"background", "output_format", "output_compression", "moderation"}
                ),
                "/v1/images/edits": frozenset(
                    {"input_fidelity", "output_format", "output_compression"}
                ),
            },
            missing={"/v1/images/variations": 404},
            images_stream="crash_generate_json_edit",
        ),
        Persona(
            "newapi",
            envelope="newapi",
            missing={"/v1/images/variations": 501, "/v1/files": 501},
            chat_models=True,
        ),
        Persona(
            "oneapi",
            envelope="oneapi",
            dropped={"/v1/images/generations": _OLD_GATEWAY_DROPS},
            missing={
                "/v1/responses": 404,
                "/v1/images/edits": 501,
                "/v1/images/variations": 501,
                "/v1/files": 501,
            },
            default_size="1024x1024",
            chat_models=True,
        ),
        Persona(
            "tuzi",
            envelope="newapi",
            missing={"/v1/responses": 404, "/v1/files": 501},
            chat_models=True,
        ),
    )
}


def get_persona(name: str | None) -> Persona | None:
    """The persona called `name`; None for no persona ("", "none", "openai")."""
    key = (name or "").strip().lower()
    if key in ("", "none", "openai"):
        return None
    try:
        return PERSONAS[key]
    except KeyError:
        known = ", ".join(sorted(PERSONAS))
        raise ValueError(f"unknown persona {name!r}; known: {known}") from None
