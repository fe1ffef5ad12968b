"""The Starlette app: thin routes over responses.py, images.py, files.py and control.py."""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from upstream.simulator import control, files, images, models, responses
from upstream.simulator.api_errors import invalid, not_found
from upstream.simulator.background import BackgroundRun
from upstream.simulator.context import CutConnection, RequestContext
from upstream.simulator.http import Incoming, endpoint
from upstream.simulator.personas import chat, links
from upstream.simulator.personas.gateway import PersonaGateway
from upstream.simulator.sse import SSE_HEADERS, SSE_MEDIA_TYPE
from upstream.simulator.state import SimulatorState


async def create_response(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    await ctx.before_answer()
    plan = responses.plan_response(incoming.json, ctx)
    await ctx.before_answer()
    if plan.background:
        run = BackgroundRun(plan, ctx)
        ctx.state.store.runs.put(plan.id, run)
        run.start()
        if plan.stream:
            return sse(run.follow(None, cut=ctx.fault == "cut"))
        return JSONResponse(run.view())
    if plan.stream:
        return sse(responses.stream(plan, ctx))
    body = await responses.complete(plan, ctx)
    return json_or_cut(body, ctx)


async def get_response(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    """Retrieve a response, or with `stream=true` follow its events after `starting_after`."""
    await ctx.before_answer()
    response_id = request.path_params["response_id"]
    run = ctx.state.store.runs.get(response_id)
    stored = ctx.state.store.responses.get(response_id)
    if run is None and stored is None:
        raise _response_not_found(response_id)
    if request.query_params.get("stream", "").lower() not in ("true", "1"):
        return JSONResponse(run.view() if run else responses.stored_view(stored))
    if run is None:
        raise invalid(
            "Only responses created with 'background' set to true can be streamed again.",
            "stream",
        )
    after = _starting_after(request)
    return sse(run.follow(after, cut=ctx.fault == "cut"))


async def cancel_response(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    await ctx.before_answer()
    response_id = request.path_params["response_id"]
    run = ctx.state.store.runs.get(response_id)
    if run is not None:
        return JSONResponse(run.cancel())
    if ctx.state.store.responses.get(response_id) is not None:
        raise invalid(
            "Only responses created with 'background' set to true can be cancelled.",
            "response_id",
        )
    raise _response_not_found(response_id)


async def delete_response(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    response_id = request.path_params["response_id"]
    run = ctx.state.store.runs.pop(response_id)
    stored = ctx.state.store.responses.pop(response_id)
    if run is None and stored is None:
        raise _response_not_found(response_id)
    if run is not None:
        run.cancel()
    return JSONResponse({"id": response_id, "object": "response", "deleted": True})


def _response_not_found(response_id: str) -> Exception:
    return not_found(f"Response with id '{response_id}' not found.", "response_id")


def _starting_after(request: Request) -> int | None:
    raw = request.query_params.get("starting_after")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(
            f"Invalid 'starting_after': expected an integer, got '{raw}'.",
            "starting_after",
            "invalid_type",
        ) from None


def sse(chunks: Any) -> StreamingResponse:
    return StreamingResponse(chunks, media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)


def json_or_cut(body: dict[str, Any], ctx: RequestContext) -> Response:
    if ctx.fault != "cut":
        return JSONResponse(body)

    async def half() -> Any:
        import json

        raw = json.dumps(body).encode()
        yield raw[: len(raw) // 2]
        raise CutConnection

    return StreamingResponse(half(), media_type="application/json")


class DropCutConnections:
    """Outermost ASGI layer: a CutConnection ends the response without its final chunk,
    so the client sees the connection break, as with a real dropped upstream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except CutConnection:
            return
        except BaseExceptionGroup as group:
            if group.subgroup(CutConnection) is None or group.subgroup(
                lambda e: not isinstance(e, CutConnection)
            ):
                raise


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in OpenAI's envelope too."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = f"Invalid URL ({request.method} {request.url.path})"
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    return JSONResponse({"error": error}, status_code=status)


class _QuietCuts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


def create_app(state: SimulatorState | None = None) -> ASGIApp:
    state = state or SimulatorState()
    logging.getLogger("uvicorn.error").addFilter(_QuietCuts())

    def route(path: str, handler: Any, methods: list[str]) -> Route:
        return Route(path, endpoint(state, handler), methods=methods)

    routes = [
        route("/v1/models", models.list_models, ["GET"]),
        route("/v1/responses", create_response, ["POST"]),
        route("/v1/responses/{response_id}", get_response, ["GET"]),
        route("/v1/responses/{response_id}", delete_response, ["DELETE"]),
        route("/v1/responses/{response_id}/cancel", cancel_response, ["POST"]),
        route("/v1/images/generations", images.generations, ["POST"]),
        route("/v1/images/edits", images.edits, ["POST"]),
        route("/v1/images/variations", images.variations, ["POST"]),
        route("/v1/files", files.upload, ["POST"]),
        route("/v1/files", files.list_files, ["GET"]),
        route("/v1/files/{file_id}", files.retrieve, ["GET"]),
        route("/v1/files/{file_id}", files.delete, ["DELETE"]),
        route("/v1/files/{file_id}/content", files.content, ["GET"]),
        route("/v1/chat/completions", chat.chat_completions, ["POST"]),
        *control.routes(state),
        *links.routes(state.links),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.simulator = state
    return DropCutConnections(PersonaGateway(app, state))
