"""Errors raised by the upstream client.

Non-2xx answers map to classes by HTTP status, as the OpenAI SDK does; failures inside a
stream are StreamError subclasses. Every error carries what the provider said (status, code,
type, param, message), the provider's request id and, for rate limits, the advised wait.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from upstream import messages
from upstream.gateway_errors import QUOTA, UNKNOWN_MODEL, unwrap

# Codes the provider uses when its safety system refuses a prompt or an image
# (protocol §2.4 and §5). "content_filter" is the reason of an incomplete response.
MODERATION_CODES = frozenset(
    {
        "moderation_blocked",
        "content_policy_violation",
        "image_content_policy_violation",
        "content_filter",
    }
)
STORED_ID_CODES = frozenset(
    {"previous_response_not_found", "item_not_found", "invalid_previous_response_id"}
)
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# Mid-stream failure codes after which the same request may well succeed.
RETRYABLE_STREAM_CODES = frozenset({"server_error", "rate_limit_exceeded", "timeout"})

_STORED_ID_PATTERN = re.compile(r"\b(?:resp|ig|rs|msg)_\w+|image_generation_call|\bitem\b", re.I)
_NOT_FOUND_PATTERN = re.compile(
    r"not found|could not be found|does not exist|doesn't exist|no longer|expired|unknown|"
    r"not stored|not supported|unsupported|invalid",
    re.I,
)
_SECRET_PATTERN = re.compile(r"\bsk-[A-Za-z0-9_\-]{12,}")
_SAFETY_VIOLATIONS_PATTERN = re.compile(r"safety_violations=\[([^\]]*)\]")


class UpstreamError(Exception):
    """Base of every error the upstream package raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        type: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.type = type
        self.param = param
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body

    def __str__(self) -> str:
        details = [
            f"HTTP {self.status}" if self.status else None,
            f"code {self.code}" if self.code else None,
            f"param {self.param}" if self.param else None,
            f"request {self.request_id}" if self.request_id else None,
        ]
        details = [d for d in details if d]
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status}, code={self.code!r})"

    @property
    def is_moderation_block(self) -> bool:
        if self.code in MODERATION_CODES:
            return True
        return self.type == "image_generation_user_error" and self.code == "moderation_blocked"

    @property
    def moderation_categories(self) -> list[str]:
        """The categories a moderation block names, from its details or else its message."""
        details = _find_moderation_details(self.body)
        categories = details.get("categories") if details else None
        if isinstance(categories, list):
            return [str(c) for c in categories][:20]
        match = _SAFETY_VIOLATIONS_PATTERN.search(self.message or "")
        if not match:
            return []
        return [c.strip() for c in match[1].split(",") if c.strip()][:20]

    @property
    def is_stored_id_rejected(self) -> bool:
        """The provider refused a stored response or item id (expired, not stored, unsupported).

        The engine then falls back to resending the image.
        """
        if self.code in STORED_ID_CODES:
            return True
        if self.status not in (None, 400, 404):
            return False
        if self.param and "previous_response_id" in self.param:
            return True
        text = self.message or ""
        if "previous_response_id" in text or "previous response" in text.lower():
            return True
        # e.g. "Item with id 'ig_123' not found." for an image-call reference
        return bool(_STORED_ID_PATTERN.search(text) and _NOT_FOUND_PATTERN.search(text))

    @property
    def is_model_unavailable(self) -> bool:
        """The provider no longer serves (or never served) the model asked for."""
        if self.code == "model_not_found":
            return True
        text = (self.message or "").lower()
        return "model" in text and ("has been deprecated" in text or "does not exist" in text)

    @property
    def is_retryable(self) -> bool:
        """Whether sending the same request again may succeed."""
        return False

    @property
    def user_message(self) -> str:
        """A sentence to show a person, without ids or codes (in English; the Django side
        translates `messages.describe(error)` instead)."""
        return messages.describe(self).english


class InvalidRequest(UpstreamError):
    """Our own pre-flight refusal: no request was sent. `param` names the field.

    `refusal`, when given, is the message's code and values (upstream.messages), which the
    Django side shows in the reader's language; the message is then its English text.
    """

    def __init__(
        self, message: str = "", *, refusal: messages.UserMessage | None = None, **details: Any
    ) -> None:
        super().__init__(refusal.english if refusal is not None else message, **details)
        self.refusal = refusal

    @classmethod
    def refused(cls, code: str, *, param: str, **params: Any) -> InvalidRequest:
        return cls(refusal=messages.UserMessage(code, params), param=param)


class APIConnectionError(UpstreamError):
    """The provider could not be reached, or the connection broke before an answer."""

    @property
    def is_retryable(self) -> bool:
        return True


class APITimeoutError(APIConnectionError):
    """The provider did not answer in time."""


class APIStatusError(UpstreamError):
    """A non-2xx answer received before any body streamed."""

    @property
    def is_retryable(self) -> bool:
        # Gateways answer these with 429 or 503, but asking again cannot help.
        if self.code in (QUOTA, UNKNOWN_MODEL) or self.is_moderation_block:
            return False
        return self.status in RETRYABLE_STATUSES or (self.status or 0) >= 500


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


class StreamError(UpstreamError):
    """A failure after the stream started; the client never retries these itself."""


class ResponseFailed(StreamError):
    """response.failed, response.incomplete or an error event in the middle of a stream."""

    @property
    def is_retryable(self) -> bool:
        return self.code in RETRYABLE_STREAM_CODES


class StreamInterrupted(StreamError):
    """The stream ended or broke without a terminal event."""

    @property
    def is_retryable(self) -> bool:
        return True


class StreamClosed(StreamError):
    """We closed the stream ourselves (a cancel)."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _find_moderation_details(body: Any) -> dict[str, Any] | None:
    """`moderation_details` sits in the error object, or in a failed response's error."""
    if not isinstance(body, dict):
        return None
    response = body.get("response")
    failed = response.get("error") if isinstance(response, dict) else None
    candidates = [body, body.get("error"), failed]
    for candidate in candidates:
        if isinstance(candidate, dict) and isinstance(candidate.get("moderation_details"), dict):
            return candidate["moderation_details"]
    return None


def status_error_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status, APIStatusError)


def redact(text: str, secret: str | None = None) -> str:
    """Remove an API key (the given one, or anything shaped like one) from text."""
    if secret and len(secret) >= 4:
        text = text.replace(secret, "[redacted]")
    return _SECRET_PATTERN.sub("sk-[redacted]", text)


def error_from_response(
    response: httpx.Response, *, retry_after: float | None = None, secret: str | None = None
) -> APIStatusError:
    """Build the typed error for a non-2xx response whose body has been read."""
    body = _decode_body(response)
    fields = body.get("error") if isinstance(body, dict) else None
    if not isinstance(fields, dict):
        # Some gateways put the fields at the top level, or the error is a bare string.
        fields = body if isinstance(body, dict) else {}
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            fields = {**body, "message": body["error"]}
    # Gateways wrap the provider's error (LiteLLM, new-api); the person reads the provider's.
    unwrapped = unwrap(
        _message_for(response, fields, body), code=fields.get("code"), type=fields.get("type")
    )
    return status_error_class(response.status_code)(
        redact(unwrapped.message, secret),
        status=response.status_code,
        code=unwrapped.code,
        type=unwrapped.type,
        param=_str_or_none(fields.get("param")) or None,
        request_id=response.headers.get("x-request-id") or unwrapped.request_id,
        retry_after=retry_after if retry_after is not None else unwrapped.retry_after,
        body=body,
    )


def _decode_body(response: httpx.Response) -> Any:
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return ""
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", "replace")


def _message_for(response: httpx.Response, fields: dict[str, Any], body: Any) -> str:
    message = fields.get("message")
    if isinstance(message, str) and message.strip():
        return message.strip()
    if isinstance(body, str) and body.strip() and "<html" not in body.lower():
        return body.strip()[:300]
    return messages.for_status(response.status_code).english


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
