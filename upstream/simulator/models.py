"""GET /v1/models and retired models: the simulator's catalogue, configurable per server.

Model objects carry `shutdown_date` (a date or null) as OpenAI's have since August 2026. A
request naming a model whose shutdown date has passed, or one the catalogue does not list
when the catalogue is strict, is refused with OpenAI's 404 `model_not_found`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from upstream.gateway_models import GATEWAY_MODELS
from upstream.simulator.api_errors import APIError
from upstream.simulator.context import RequestContext
from upstream.simulator.http import Incoming
from upstream.simulator.personas import get_persona
from upstream.simulator.personas.gateway import SCOPE_KEY as PERSONA_SCOPE_KEY

# Everything the simulator draws or answers with, as a gateway keeps serving older models.
DEFAULT_MODELS: tuple[str, ...] = (
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
    "gpt-image-1.5",
    "gpt-image-1",
    "gpt-image-1-mini",
    "chatgpt-image-latest",
    "dall-e-2",
    "dall-e-3",
    "gpt-5",
    "gpt-5-mini",
    "gpt-4.1",
    "gpt-4o",
)
CREATED = 1_745_000_000


def default_catalogue() -> list[dict[str, Any]]:
    return [model_object(name) for name in DEFAULT_MODELS]


def model_object(name: str, shutdown_date: str | None = None, **extra: Any) -> dict[str, Any]:
    owner = "openai" if name.startswith(("gpt", "dall", "chatgpt", "o")) else "system"
    return {
        "id": name,
        "object": "model",
        "created": CREATED,
        "owned_by": owner,
        "shutdown_date": shutdown_date,
        **extra,
    }


def normalise_catalogue(models: Any) -> list[dict[str, Any]]:
    """A list of names or model objects (`id`, optional `shutdown_date`) as model objects."""
    if not isinstance(models, list):
        raise ValueError("models must be a list of names or {id, shutdown_date} objects")
    catalogue = []
    for entry in models:
        if isinstance(entry, str):
            catalogue.append(model_object(entry))
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            fields = {k: v for k, v in entry.items() if k not in ("id", "shutdown_date")}
            catalogue.append(model_object(entry["id"], entry.get("shutdown_date"), **fields))
        else:
            raise ValueError(f"not a model: {entry!r}")
    return catalogue


async def list_models(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    catalogue = ctx.state.catalogue()
    persona = get_persona(request.scope.get(PERSONA_SCOPE_KEY))
    if persona and persona.chat_models:
        # A gateway lists the chat image models it serves beside the others (new-api does).
        listed = {model["id"] for model in catalogue}
        catalogue += [model_object(name) for name in GATEWAY_MODELS if name not in listed]
    return JSONResponse({"object": "list", "data": catalogue})


def check_model(ctx: RequestContext, model: str, *, today: date | None = None) -> None:
    """Refuse a retired model, as OpenAI does after its shutdown date."""
    entry = next((m for m in ctx.state.catalogue() if m["id"] == model), None)
    if entry is None or not entry.get("shutdown_date"):
        return
    shutdown = date.fromisoformat(str(entry["shutdown_date"]))
    if shutdown <= (today or date.today()):
        raise model_not_found(model, deprecated=True)


def model_not_found(model: str, *, deprecated: bool = False) -> APIError:
    if deprecated:
        message = (
            f"The model `{model}` has been deprecated, learn more here: "
            "https://platform.openai.com/docs/deprecations"
        )
    else:
        message = f"The model `{model}` does not exist or you do not have access to it."
    return APIError(404, message, type="invalid_request_error", code="model_not_found")
