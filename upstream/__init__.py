"""Django-free OpenAI-compatible image client, provider profiles and simulated provider."""

from __future__ import annotations

from upstream.client import DEFAULT_TIMEOUT, InputFile, UpstreamClient
from upstream.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequest,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFailed,
    StreamClosed,
    StreamError,
    StreamInterrupted,
    UnprocessableEntityError,
    UpstreamError,
)
from upstream.events import Event, UnknownEvent, parse_event
from upstream.stream import (
    Completed,
    FinalImage,
    ImagesResult,
    ImageStream,
    PartialImage,
    completed_from_response,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "Completed",
    "ConflictError",
    "Event",
    "FinalImage",
    "ImageStream",
    "ImagesResult",
    "InputFile",
    "InternalServerError",
    "InvalidRequest",
    "NotFoundError",
    "PartialImage",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseFailed",
    "StreamClosed",
    "StreamError",
    "StreamInterrupted",
    "UnknownEvent",
    "UnprocessableEntityError",
    "UpstreamClient",
    "UpstreamError",
    "completed_from_response",
    "parse_event",
]
