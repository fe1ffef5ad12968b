"""How each gateway wraps an error before the client sees it."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

_LITELLM_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    408: "Timeout",
    429: "RateLimitError",
    500: "InternalServerError",
    503: "ServiceUnavailableError",
}
# Headers the LiteLLM proxy does not pass on (so clients never see Retry-After).
DROPPED_BY_LITELLM = ("retry-after", "retry-after-ms", "x-ratelimit-")


def new_api_request_id() -> str:
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(8)


def wrap(envelope: str, status: int, body: bytes, *, model: str) -> bytes:
    """The gateway's version of the provider's error body `body`."""
    error = _error_of(body)
    if envelope == "litellm":
        error = _litellm(status, error, model)
    elif envelope == "newapi":
        error = {**error, "message": f"{error['message']} (request id: {new_api_request_id()})"}
    elif envelope == "oneapi":
        # one-api relays the words but loses the provider's code and type.
        error = {**error, "type": "upstream_error", "code": "bad_response_status_code"}
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def own_error(envelope: str, status: int, message: str, code: str = "") -> bytes:
    """An error the gateway makes itself, not the provider's."""
    if envelope == "litellm":
        error = {"message": message, "type": None, "param": None, "code": str(status)}
    elif envelope in ("newapi", "oneapi"):
        kind = "new_api_error" if envelope == "newapi" else "one_api_error"
        suffix = f" (request id: {new_api_request_id()})" if envelope == "newapi" else ""
        error = {"message": message + suffix, "type": kind, "param": "", "code": code}
    else:
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def _litellm(status: int, error: dict[str, Any], model: str) -> dict[str, Any]:
    name = _LITELLM_CLASSES.get(status, "APIError")
    if error.get("code") == "moderation_blocked":
        name = "ContentPolicyViolationError"
    message = (
        f"litellm.{name}: OpenAIException - {error.get('message') or ''}. "
        f"Received Model Group={model}\nAvailable Model Group Fallbacks=None"
    )
    return {"message": message, "type": None, "param": None, "code": str(status)}


def _error_of(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        text = body.decode("utf-8", "replace")[:300] or "upstream error"
        error = {"message": text, "type": "upstream_error", "param": None, "code": None}
    return {
        "message": str(error.get("message") or ""),
        **{k: error.get(k) for k in ("type", "param", "code")},
    }
