"""/v1/files (protocol §4): uploads kept in memory so inputs can name them by file_id."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from upstream.simulator.api_errors import invalid, missing, not_found
from upstream.simulator.context import RequestContext, new_id
from upstream.simulator.http import Incoming
from upstream.simulator.store import StoredFile

PURPOSES = ("vision", "user_data", "assistants", "batch", "fine-tune", "evals")


async def upload(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    uploads = incoming.uploads("file")
    if not uploads:
        raise missing("file")
    purpose = incoming.field("purpose")
    if not purpose:
        raise missing("purpose")
    if purpose not in PURPOSES:
        raise invalid(f"Invalid value for 'purpose': '{purpose}'.", "purpose", "invalid_value")
    file = uploads[0]
    created = int(time.time())
    meta = {
        "id": "file-" + new_id("")[:24],
        "object": "file",
        "bytes": len(file.data),
        "created_at": created,
        "filename": file.filename or "upload",
        "purpose": purpose,
        "status": "processed",
        "status_details": None,
        "expires_at": _expires_at(incoming, created),
    }
    ctx.state.store.files.put(meta["id"], StoredFile(meta["id"], file.data, meta))
    return JSONResponse(meta)


def _expires_at(incoming: Incoming, created: int) -> int | None:
    seconds = incoming.field("expires_after[seconds]")
    if seconds is None:
        return None
    try:
        value = int(seconds)
    except ValueError:
        raise invalid(
            "Invalid 'expires_after[seconds]'.", "expires_after[seconds]", "invalid_type"
        ) from None
    if not 3600 <= value <= 2_592_000:
        raise invalid(
            "'expires_after[seconds]' must be between 3600 and 2592000.",
            "expires_after[seconds]",
            "invalid_value",
        )
    return created + value


def _get(ctx: RequestContext, request: Request) -> StoredFile:
    file_id = request.path_params["file_id"]
    stored = ctx.state.store.files.get(file_id)
    if stored is None:
        raise not_found(f"No such File object: {file_id}", "id")
    return stored


async def list_files(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    purpose = request.query_params.get("purpose")
    data: list[dict[str, Any]] = [
        f.meta
        for f in reversed(ctx.state.store.files.values())
        if purpose in (None, f.meta["purpose"])
    ]
    return JSONResponse({"object": "list", "data": data, "has_more": False,
                         "first_id": data[0]["id"] if data else None,
                         "last_id": data[-1]["id"] if data else None})  # fmt: skip


async def retrieve(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    return JSONResponse(_get(ctx, request).meta)


async def content(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    stored = _get(ctx, request)
    return Response(stored.data, media_type="application/octet-stream")


async def delete(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    stored = _get(ctx, request)
    ctx.state.store.files.pop(stored.id)
    return JSONResponse({"id": stored.id, "object": "file", "deleted": True})
