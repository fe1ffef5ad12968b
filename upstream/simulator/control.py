"""/_simulator/* : health, settings, queued faults, recorded requests, partial image
emission times, generations per response, served image URLs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from upstream.simulator.faults import FAULTS
from upstream.simulator.state import SimulatorState


def routes(state: SimulatorState) -> list[Route]:
    async def health(request: Request) -> Response:
        generations = state.generations.total
        return JSONResponse({"status": "ok", **_settings(state), "generations": generations})

    async def config(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            latency = body.get("latency")
            if latency is not None and not (
                isinstance(latency, list | tuple) and len(latency) == 2
            ):
                return _bad("latency must be [min, max] seconds")
            realistic = body.get("realistic")
            if realistic is not None and not isinstance(realistic, bool):
                return _bad("realistic must be true or false")
            try:
                state.configure(
                    latency=tuple(latency) if latency is not None else None,
                    gateway=body.get("gateway"),
                    persona=body.get("persona"),
                    link_ttl=body.get("link_ttl"),
                    realistic=realistic,
                    models=body.get("models"),
                    id_length=body.get("id_length"),
                )
            except (TypeError, ValueError) as exc:
                return _bad(str(exc))
        return JSONResponse({**_settings(state), "models": state.catalogue()})

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            try:
                state.faults.push(
                    str(body.get("fault")), int(body.get("times", 1)), body.get("path")
                )
            except ValueError as exc:
                return _bad(str(exc))
        elif request.method == "DELETE":
            state.faults.clear()
        return JSONResponse({"pending": state.faults.pending(), "known": list(FAULTS)})

    async def recorded(request: Request) -> Response:
        if request.method == "DELETE":
            state.recorder.clear()
            return JSONResponse({"cleared": True})
        return JSONResponse({"requests": state.recorder.all()})

    async def emissions(request: Request) -> Response:
        if request.method == "DELETE":
            state.emissions.clear()
            return JSONResponse({"cleared": True})
        return JSONResponse({"emissions": state.emissions.all()})

    async def generations(request: Request) -> Response:
        if request.method == "DELETE":
            state.generations.clear()
            return JSONResponse({"cleared": True})
        return JSONResponse(state.generations.all())

    async def image(request: Request) -> Response:
        blob = state.store.blobs.get(request.path_params["name"])
        if blob is None:
            return _error("Image expired.", 404)
        media_type, data = blob
        return Response(data, media_type=media_type)

    return [
        Route("/_simulator/health", health, methods=["GET"]),
        Route("/_simulator/config", config, methods=["GET", "POST"]),
        Route("/_simulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_simulator/requests", recorded, methods=["GET", "DELETE"]),
        Route("/_simulator/emissions", emissions, methods=["GET", "DELETE"]),
        Route("/_simulator/generations", generations, methods=["GET", "DELETE"]),
        Route("/_simulator/images/{name}", image, methods=["GET"]),
    ]


def _settings(state: SimulatorState) -> dict[str, Any]:
    settings = state.settings
    return {
        "latency": list(settings.latency),
        "gateway": settings.gateway,
        "persona": settings.persona,
        "link_ttl": state.links.ttl,
        "realistic": settings.realistic,
    }


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _bad(message: str) -> Response:
    return _error(message, 400)


def _error(message: str, status: int) -> Response:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    return JSONResponse({"error": error}, status_code=status)
