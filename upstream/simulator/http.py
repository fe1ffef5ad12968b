"""Request parsing shared by the routes: JSON or multipart, recorded once, as OpenAI sees it."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from upstream.simulator.api_errors import APIError, invalid
from upstream.simulator.context import RequestContext
from upstream.simulator.recording import summarise_image_bytes
from upstream.simulator.state import SimulatorState

MAX_UPLOAD = 60 * 1024 * 1024


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Incoming:
    json: Any = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)
    is_multipart: bool = False

    def field(self, name: str, default: Any = None) -> Any:
        values = self.fields.get(name)
        return values[-1] if values else default

    def uploads(self, *names: str) -> list[Upload]:
        return [u for name in names for u in self.files.get(name, [])]


Handler = Callable[[Request, RequestContext, Incoming], Awaitable[Response]]


async def read_incoming(request: Request) -> Incoming:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return await _read_form(request)
    raw = await request.body()
    if not raw:
        return Incoming()
    try:
        return Incoming(json=json.loads(raw))
    except ValueError:
        raise invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
            "using your HTTP library correctly. The OpenAI API expects a JSON payload.)"
        ) from None


async def _read_form(request: Request) -> Incoming:
    incoming = Incoming(is_multipart=True)
    async with request.form(max_files=64, max_fields=256, max_part_size=MAX_UPLOAD) as form:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                upload = Upload(value.filename or "", value.content_type or "", await value.read())
                incoming.files.setdefault(key, []).append(upload)
            else:
                incoming.fields.setdefault(key, []).append(value)
    return incoming


def record(state: SimulatorState, request: Request, incoming: Incoming) -> None:
    files = {
        name: [
            {
                "filename": u.filename,
                "content_type": u.content_type,
                **summarise_image_bytes(u.data),
            }
            for u in uploads
        ]
        for name, uploads in incoming.files.items()
    }
    state.recorder.record(
        method=request.method,
        path=request.url.path,
        headers=dict(request.headers),
        json_body=incoming.json,
        form={k: v if len(v) > 1 else v[0] for k, v in incoming.fields.items()}
        if incoming.is_multipart
        else None,
        files=files if incoming.is_multipart else None,
    )


def check_key(state: SimulatorState, request: Request) -> None:
    """With a key configured, anything else is OpenAI's 401 invalid_api_key."""
    required = state.settings.api_key
    if required and request.headers.get("authorization") != f"Bearer {required}":
        raise APIError(
            401,
            "Incorrect API key provided. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            code="invalid_api_key",
        )


def endpoint(state: SimulatorState, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: parse and record the request, build its context, map APIError."""

    async def route(request: Request) -> Response:
        request_id = "req_unknown"
        try:
            incoming = await read_incoming(request)
            record(state, request, incoming)
            check_key(state, request)
            ctx = RequestContext.from_request(request, state)
            request_id = ctx.request_id
            response = await handler(request, ctx, incoming)
            response.headers.setdefault("x-request-id", ctx.request_id)
            return response
        except APIError as error:
            return error.response(request_id)

    return route
