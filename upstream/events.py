"""Typed wire events of the Responses stream (protocol §2.2-§2.4) and Images API streams (§3.5).

`parse_event` never fails on content: an unknown type becomes UnknownEvent and missing fields
become None. Every event keeps the decoded JSON object it came from in `raw`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Event:
    type: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    sequence_number: int | None = None


# --- Responses API: the response itself ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ResponseEvent(Event):
    """An event carrying the whole response object."""

    response: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def response_id(self) -> str | None:
        return self.response.get("id")


@dataclass(frozen=True, kw_only=True)
class ResponseCreatedEvent(ResponseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ResponseQueuedEvent(ResponseEvent):
    """A background response waits for the provider to start it."""


@dataclass(frozen=True, kw_only=True)
class ResponseInProgressEvent(ResponseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ResponseCompletedEvent(ResponseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ResponseFailedEvent(ResponseEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ResponseIncompleteEvent(ResponseEvent):
    pass


# --- Responses API: output items ----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OutputItemEvent(Event):
    output_index: int | None = None
    item: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def item_id(self) -> str | None:
        return self.item.get("id")

    @property
    def item_type(self) -> str | None:
        return self.item.get("type")


@dataclass(frozen=True, kw_only=True)
class OutputItemAddedEvent(OutputItemEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class OutputItemDoneEvent(OutputItemEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ImageGenCallEvent(Event):
    item_id: str | None = None
    output_index: int | None = None


@dataclass(frozen=True, kw_only=True)
class ImageGenCallInProgressEvent(ImageGenCallEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ImageGenCallGeneratingEvent(ImageGenCallEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ImageGenCallPartialImageEvent(ImageGenCallEvent):
    partial_image_index: int | None = None
    partial_image_b64: str | None = field(default=None, repr=False)
    size: str | None = None
    quality: str | None = None
    background: str | None = None
    output_format: str | None = None


@dataclass(frozen=True, kw_only=True)
class ImageGenCallCompletedEvent(ImageGenCallEvent):
    pass


# --- Responses API: text ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ContentEvent(Event):
    item_id: str | None = None
    output_index: int | None = None
    content_index: int | None = None


@dataclass(frozen=True, kw_only=True)
class ContentPartAddedEvent(ContentEvent):
    part: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ContentPartDoneEvent(ContentEvent):
    part: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class OutputTextDeltaEvent(ContentEvent):
    delta: str = ""


@dataclass(frozen=True, kw_only=True)
class OutputTextDoneEvent(ContentEvent):
    text: str = ""


# --- errors and keepalive -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ErrorEvent(Event):
    """The `error` event, flat or nested (§2.4): fields come from `error.*`, then the top level."""

    code: str | None = None
    message: str | None = None
    param: str | None = None
    error_type: str | None = None


@dataclass(frozen=True, kw_only=True)
class KeepaliveEvent(Event):
    pass


# --- Images API streams (§3.5) ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ImagesEvent(Event):
    b64_json: str | None = field(default=None, repr=False)
    created_at: int | None = None
    size: str | None = None
    quality: str | None = None
    background: str | None = None
    output_format: str | None = None


@dataclass(frozen=True, kw_only=True)
class ImagesPartialImageEvent(ImagesEvent):
    partial_image_index: int | None = None


@dataclass(frozen=True, kw_only=True)
class ImagesCompletedEvent(ImagesEvent):
    usage: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ImageGenerationPartialImageEvent(ImagesPartialImageEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ImageGenerationCompletedEvent(ImagesCompletedEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ImageEditPartialImageEvent(ImagesPartialImageEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ImageEditCompletedEvent(ImagesCompletedEvent):
    pass


# --- progress without pictures, and image links (chat image models) ----------------------

STAGES = ("queued", "generating", "done")


@dataclass(frozen=True, kw_only=True)
class ProgressEvent(Event):
    """How far a generation has come, for transports that report it in words rather than
    partial images (chat image models): a stage (queued, generating, done), a percent when
    the provider gave one, and the provider's task id when it named one."""

    stage: str = "generating"
    percent: float | None = None
    task_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ImageLinkEvent(Event):
    """A picture named by a link in an answer. `role` is "image" for a result, "source" for
    the full picture of an asynchronous task (polled until ready), "preview" for its draft."""

    url: str = ""
    role: str = "image"
    alt: str = ""


@dataclass(frozen=True, kw_only=True)
class UnknownEvent(Event):
    """A type this client does not know; kept, never fatal."""

    @property
    def data(self) -> dict[str, Any]:
        return self.raw


EVENT_TYPES: dict[str, type[Event]] = {
    "response.created": ResponseCreatedEvent,
    "response.queued": ResponseQueuedEvent,
    "response.in_progress": ResponseInProgressEvent,
    "response.completed": ResponseCompletedEvent,
    "response.failed": ResponseFailedEvent,
    "response.incomplete": ResponseIncompleteEvent,
    "response.output_item.added": OutputItemAddedEvent,
    "response.output_item.done": OutputItemDoneEvent,
    "response.image_generation_call.in_progress": ImageGenCallInProgressEvent,
    "response.image_generation_call.generating": ImageGenCallGeneratingEvent,
    "response.image_generation_call.partial_image": ImageGenCallPartialImageEvent,
    "response.image_generation_call.completed": ImageGenCallCompletedEvent,
    "response.content_part.added": ContentPartAddedEvent,
    "response.content_part.done": ContentPartDoneEvent,
    "response.output_text.delta": OutputTextDeltaEvent,
    "response.output_text.done": OutputTextDoneEvent,
    "error": ErrorEvent,
    "keepalive": KeepaliveEvent,
    "image_generation.partial_image": ImageGenerationPartialImageEvent,
    "image_generation.completed": ImageGenerationCompletedEvent,
    "image_edit.partial_image": ImageEditPartialImageEvent,
    "image_edit.completed": ImageEditCompletedEvent,
}
TERMINAL_FAILURE_TYPES = (ResponseFailedEvent, ResponseIncompleteEvent, ErrorEvent)


def parse_event(data: dict[str, Any], *, default_type: str | None = None) -> Event:
    """Turn one decoded SSE data object into a typed event.

    `default_type` (the SSE `event:` name) is used when the object has no `type`.
    """
    event_type = data.get("type") or default_type or ""
    if not isinstance(event_type, str):
        event_type = str(event_type)
    # A bare {"error": {...}} without a type is still an error (some gateways send it).
    if not event_type and isinstance(data.get("error"), dict):
        event_type = "error"
    cls = EVENT_TYPES.get(event_type, UnknownEvent)
    if cls is ErrorEvent:
        return _parse_error(data)
    values = {
        f.name: data[f.name]
        for f in fields(cls)
        if f.name not in ("type", "raw") and data.get(f.name) is not None
    }
    values = _coerce(cls, values)
    return cls(type=event_type, raw=data, **values)


def _coerce(cls: type[Event], values: dict[str, Any]) -> dict[str, Any]:
    # Containers typed as dicts must be dicts, or property access downstream would break.
    for name in ("response", "item", "part", "usage"):
        if name in values and not isinstance(values[name], dict):
            del values[name]
    for name in ("sequence_number", "output_index", "content_index", "partial_image_index"):
        if name in values and not isinstance(values[name], int):
            try:
                values[name] = int(values[name])
            except (TypeError, ValueError):
                del values[name]
    return values


def _parse_error(data: dict[str, Any]) -> ErrorEvent:
    nested = data.get("error") if isinstance(data.get("error"), dict) else {}

    def pick(key: str, top_key: str | None = None) -> str | None:
        value = nested.get(key)
        if value in (None, ""):
            value = data.get(top_key or key)
        return None if value in (None, "") else str(value)

    sequence_number = data.get("sequence_number")
    return ErrorEvent(
        type="error",
        raw=data,
        sequence_number=sequence_number if isinstance(sequence_number, int) else None,
        code=pick("code"),
        message=pick("message"),
        param=pick("param"),
        # The top-level "type" is the event name, so only the nested one describes the error.
        error_type=None if nested.get("type") in (None, "") else str(nested["type"]),
    )
