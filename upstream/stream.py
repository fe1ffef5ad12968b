"""Streams of image events, and their normalized progress.

`ImageStream` reads one SSE body (Responses or Images API). Iterating it yields the typed
wire events of `upstream.events`; `progress()` yields what the engine needs, the same for both
APIs: PartialImage previews, one FinalImage per finished image, then Completed.

Normalization follows protocol §2.2 "Client rules": the final image is the `result` of
`response.output_item.done` (whatever its status, once non-empty); a missing
`image_generation_call.completed` is fine; keepalive and unknown events are ignored; when a
stream completes without a result for an image call that sent partial images, the last partial
is the final image (gateways put the final image in the partial event). For Images API
streams, `*.completed` carries the final image and the usage.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from upstream import events as ev
from upstream.errors import (
    ResponseFailed,
    StreamClosed,
    StreamInterrupted,
    UpstreamError,
    error_from_response,
    redact,
)
from upstream.gateway_errors import unwrap
from upstream.messages import UserMessage
from upstream.sse import ServerSentEvent, iter_events

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartialImage:
    index: int
    b64: str = field(repr=False)
    item_id: str | None = None
    output_format: str | None = None


@dataclass(frozen=True)
class FinalImage:
    b64: str = field(repr=False)
    item_id: str | None = None
    revised_prompt: str | None = None
    size: str | None = None
    quality: str | None = None
    background: str | None = None
    output_format: str | None = None

    @property
    def data(self) -> bytes:
        return base64.b64decode(self.b64)


@dataclass(frozen=True)
class Completed:
    """The end of a successful stream.

    `usage` is as the provider reported it. For the Responses API it is the response's
    `usage` (text-model tokens) with the response's `tool_usage` (image tokens, e.g.
    `tool_usage.image_gen.output_tokens`, observed but not typed by the SDK) added under the
    key "tool_usage" when present. For the Images API it is the `usage` of `*.completed`,
    added up over the images of an n-image stream (merge_images_usage).
    """

    response_id: str | None
    usage: dict[str, Any]
    images: list[FinalImage]
    text: str = ""


@dataclass(frozen=True)
class ImagesResult:
    images: list[FinalImage]
    usage: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)


# ProgressEvent comes only from transports without partial images (chat image models).
Progress = PartialImage | FinalImage | Completed | ev.ProgressEvent


class ImageStream:
    """One streamed upstream call; a context manager.

    The request is sent on `__enter__` (or the first iteration), with retries before the
    first byte. Iterating yields typed events: a failure event (response.failed,
    response.incomplete, error) is yielded and then ResponseFailed is raised; a body that ends
    or breaks without a terminal event raises StreamInterrupted. `close()` may be called from
    any thread; the reader then stops within a second with StreamClosed.
    """

    def __init__(
        self,
        open_response: Callable[[ImageStream], httpx.Response],
        *,
        expected_images: int | None = None,
        secret: str | None = None,
        fetch_url: Callable[[str], bytes] | None = None,
    ) -> None:
        self._open_response = open_response
        # Fetches `url` images of a JSON answer to a streamed request (see _json_answer).
        self._fetch_url = fetch_url
        # Images API streams have no terminal event of their own: after this many
        # `*.completed` events the stream is done (None: a Responses stream).
        self._expected_images = expected_images
        self._secret = secret
        self._response: httpx.Response | None = None
        self._network_stream: Any = None
        self._closed = threading.Event()
        # Set when the request got its answer or the stream was closed, whichever is first.
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._iterator: Iterator[ev.Event] | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> ImageStream:
        self._ensure_open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    @property
    def response(self) -> httpx.Response | None:
        return self._response

    @property
    def request_id(self) -> str | None:
        return self._response.headers.get("x-request-id") if self._response else None

    def wait(self, seconds: float) -> None:
        """Sleep between retries, ending early with StreamClosed when closed meanwhile."""
        if self._closed.wait(seconds):
            raise StreamClosed("The stream was closed.")

    def close(self) -> None:
        """Abort the stream. Safe from any thread and more than once."""
        with self._lock:
            self._closed.set()
            self._wake.set()
            response, network_stream = self._response, self._network_stream
        # Closing a socket does not wake a thread blocked reading it on Linux; shutdown does,
        # and the reader then finds the stream closed.
        _shutdown(network_stream)
        if response is None:
            return
        _shutdown(response.extensions.get("network_stream"))
        try:
            response.close()
        except Exception:
            # The reader may be closing it at the same moment.
            log.debug("closing the upstream response raised", exc_info=True)

    def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpcore trace hook: keeps the new connection so close() can cut it while the
        request still waits for its headers."""
        if name in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            with self._lock:
                self._network_stream = info.get("return_value")
                closed = self._closed.is_set()
            if closed:
                _shutdown(self._network_stream)

    def _ensure_open(self) -> httpx.Response:
        if self._response is not None:
            return self._response
        if self._closed.is_set():
            raise StreamClosed("The stream was closed before it started.")
        # The request (with its retries) runs on a helper thread so that close() from
        # another thread returns the caller at once even while headers are awaited.
        outcome: list[Any] = []
        threading.Thread(
            target=self._open_in_thread, args=(outcome,), name="upstream-open", daemon=True
        ).start()
        self._wake.wait()
        with self._lock:
            if not outcome or self._closed.is_set():
                raise StreamClosed("The stream was closed before it started.")
            if isinstance(outcome[0], BaseException):
                raise outcome[0]
            self._response = outcome[0]
        return self._response

    def _open_in_thread(self, outcome: list[Any]) -> None:
        try:
            result: Any = self._open_response(self)
        except BaseException as exc:
            result = exc
        with self._lock:
            outcome.append(result)
            self._wake.set()
            abandoned = self._closed.is_set()
        if abandoned and isinstance(result, httpx.Response):
            result.close()

    # --- events ---------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ev.Event]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def progress(self) -> Iterator[Progress]:
        """Normalized progress: PartialImage*, FinalImage per image, then Completed."""
        normalizer = Normalizer()
        for event in self:
            yield from normalizer.feed(event)
        yield from normalizer.finish()

    def _events(self) -> Iterator[ev.Event]:
        response = self._ensure_open()
        tracker = _Terminal(self._expected_images, secret=self._secret)
        try:
            for event in self._read(response):
                yield event
                tracker.observe(event, response)
                if tracker.done:
                    return
            if self._closed.is_set():
                raise StreamClosed("The stream was closed.")
            if not tracker.finished_ok:
                raise StreamInterrupted(
                    said=UserMessage("stream_ended_early"), request_id=self.request_id
                )
        finally:
            response.close()

    def _read(self, response: httpx.Response) -> Iterator[ev.Event]:
        answered = _json_answer(response, self._fetch_url)
        if answered is not None:
            yield from answered
            return
        with self.reading("mid-stream"):
            for sse in _iter_sse(response, self._secret):
                if self._closed.is_set():
                    raise StreamClosed("The stream was closed.")
                event = _decode(sse.event, sse.data, self.request_id)
                # The event's text is a second copy of a partial image's base64: let it go
                # now, not when the next event arrives seconds later.
                del sse
                if event is _DONE:
                    return
                if event is not None:
                    yield event

    @contextlib.contextmanager
    def reading(self, where: str) -> Iterator[None]:
        """Read errors in the body as this stream's: StreamClosed once closed (a read error
        on a closed stream is our own doing, not the provider's), StreamInterrupted for a
        broken connection. Upstream errors and anything else pass unchanged."""
        try:
            yield
        except UpstreamError:
            raise
        except Exception as exc:
            if self._closed.is_set():
                raise StreamClosed("The stream was closed.") from exc
            if not isinstance(exc, httpx.HTTPError):
                raise
            code = "connection_broke_" + where.replace("-", "_")
            raise StreamInterrupted(
                said=UserMessage(code, {"kind": type(exc).__name__}), request_id=self.request_id
            ) from exc


_DONE = ev.UnknownEvent(type="[DONE]", raw={})


def _json_answer(
    response: httpx.Response, fetch_url: Callable[[str], bytes] | None
) -> list[ev.Event] | None:
    """The events a whole JSON answer to a streamed request stands for; None if it is not one.

    Gateways that cannot relay a stream (LiteLLM's Images API edits) answer with the
    finished result instead: an ImagesResponse becomes one `*.completed` event per image
    (the usage on the first, as it covers them all), a Response object its terminal event.
    """
    if "json" not in response.headers.get("content-type", "") or not response.is_success:
        return None
    response.read()
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or "error" in body:
        return None
    if isinstance(body.get("data"), list):
        return _images_events(body, fetch_url)
    if body.get("object") == "response" and body.get("status"):
        return [ev.parse_event({"type": f"response.{body['status']}", "response": body})]
    return None


def _images_events(
    body: dict[str, Any], fetch_url: Callable[[str], bytes] | None
) -> list[ev.Event]:
    echoed = {k: body[k] for k in ("size", "quality", "background", "output_format") if k in body}
    events = []
    for index, datum in enumerate(entry for entry in body["data"] if isinstance(entry, dict)):
        b64 = datum.get("b64_json") or _url_to_b64(datum.get("url"), fetch_url)
        raw = {"type": "image_generation.completed", "b64_json": b64, **echoed}
        if index == 0 and isinstance(body.get("usage"), dict):
            raw["usage"] = body["usage"]
        if datum.get("revised_prompt"):
            raw["revised_prompt"] = datum["revised_prompt"]
        events.append(ev.parse_event(raw))
    return events


def _iter_sse(response: httpx.Response, secret: str | None) -> Iterator[ServerSentEvent]:
    content_type = response.headers.get("content-type", "")
    if "text/event-stream" not in content_type:
        _raise_not_a_stream(response, content_type, secret)
    yield from iter_events(response.iter_bytes())


def _raise_not_a_stream(response: httpx.Response, content_type: str, secret: str | None) -> None:
    response.read()
    error = error_from_response(response, secret=secret)
    if isinstance(error.body, dict) and "error" in error.body:
        raise error
    said = (
        UserMessage("stream_not_an_event_stream", {"content_type": content_type})
        if content_type
        else UserMessage("stream_no_content_type")
    )
    raise StreamInterrupted(
        said=said,
        status=response.status_code,
        request_id=response.headers.get("x-request-id"),
        body=error.body,
    )


def _decode(name: str, data: str, request_id: str | None) -> ev.Event | None:
    # Only short data can be a marker; stripping a multi-megabyte image would copy it.
    short = data.strip() if len(data) < 64 else data
    if short == "[DONE]":
        return _DONE
    if not short:
        # `event: keepalive` may come without data; other empty events mean nothing.
        return ev.parse_event({}, default_type=name) if name else None
    try:
        payload = json.loads(data)
    except ValueError as exc:
        raise StreamInterrupted(
            said=UserMessage("stream_malformed_event"), request_id=request_id
        ) from exc
    if not isinstance(payload, dict):
        return ev.UnknownEvent(type=name, raw={"data": payload})
    return ev.parse_event(payload, default_type=name or None)


def _shutdown(network_stream: Any) -> None:
    sock = network_stream.get_extra_info("socket") if network_stream is not None else None
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Terminal:
    """Tells when a stream has ended, well or badly."""

    def __init__(self, expected_images: int | None, *, secret: str | None = None) -> None:
        self.expected_images = expected_images
        self.secret = secret
        self.images_completed = 0
        self.done = False
        self.finished_ok = False

    def observe(self, event: ev.Event, response: httpx.Response) -> None:
        if isinstance(event, ev.ResponseCompletedEvent):
            self.done = self.finished_ok = True
        elif isinstance(event, ev.TERMINAL_FAILURE_TYPES):
            raise failure_from_event(
                event, request_id=response.headers.get("x-request-id"), secret=self.secret
            )
        elif isinstance(event, ev.ImagesCompletedEvent):
            self.images_completed += 1
            self.finished_ok = True
            self.done = self.images_completed >= (self.expected_images or 1)


def failure_from_event(
    event: ev.Event, *, request_id: str | None = None, secret: str | None = None
) -> ResponseFailed:
    """The ResponseFailed for response.failed, response.incomplete or an error event.

    A provider may quote the API key in the message (an invalid key, say); it is redacted
    here, as in HTTP error bodies, before the message can reach a turn, an event or a log.
    """
    if isinstance(event, ev.ErrorEvent):
        code, message, param, error_type = event.code, event.message, event.param, event.error_type
    elif isinstance(event, ev.ResponseIncompleteEvent):
        details = event.response.get("incomplete_details") or {}
        code = details.get("reason") or "incomplete"
        message = _INCOMPLETE_MESSAGES.get(code, f"The response stopped early ({code}).")
        param, error_type = None, "incomplete"
    else:
        code, message, param, error_type = _response_error(event)
    unwrapped = unwrap(
        redact(message or "The image provider failed to finish the response.", secret),
        code=redact(code, secret) if code else code,
        type=error_type,
    )
    return ResponseFailed(
        unwrapped.message,
        code=unwrapped.code,
        type=unwrapped.type,
        param=redact(param, secret) if param else param,
        request_id=request_id,
        body=event.raw,
    )


_INCOMPLETE_MESSAGES = {
    "content_filter": "The image provider's content filter stopped the response.",
    "max_output_tokens": "The response ran out of output tokens before it finished.",
}


def _response_error(event: ev.Event) -> tuple[str | None, str | None, str | None, str | None]:
    response = getattr(event, "response", {}) or {}
    nested = response.get("error") if isinstance(response.get("error"), dict) else {}
    top = event.raw.get("error") if isinstance(event.raw.get("error"), dict) else {}

    def pick(key: str) -> str | None:
        for source in (nested, top, event.raw):
            value = source.get(key)
            if value not in (None, "") and not (source is event.raw and key == "type"):
                return str(value)
        return None

    return pick("code"), pick("message"), pick("param"), pick("type")


# --- normalization ------------------------------------------------------------------------


class Normalizer:
    """Turns typed events into PartialImage / FinalImage / Completed (see module docstring)."""

    def __init__(
        self, *, response_id: str | None = None, recorded_items: frozenset[str] = frozenset()
    ) -> None:
        """A resumed stream's normalizer starts from what was already recorded: the
        response's id, and the image items whose final images were kept (a replayed
        `response.completed` lists them again, and they must not come twice)."""
        self.response_id: str | None = response_id
        self.recorded_items = recorded_items
        self.finals: dict[str, FinalImage] = {}
        self.last_partials: dict[str, ev.Event] = {}
        self.failed_items: set[str] = set()
        self.texts: dict[tuple[str, int], str] = {}
        self.usage: dict[str, Any] = {}
        self.completed = False

    def feed(self, event: ev.Event) -> list[Progress]:
        handler = _HANDLERS.get(type(event))
        if handler is None:
            for cls, fallback in _HANDLERS.items():
                if isinstance(event, cls):
                    handler = fallback
                    break
        return handler(self, event) if handler else []

    def finish(self) -> list[Progress]:
        """Called once the stream ended well; emits Completed if no event did."""
        if self.completed:
            return []
        self.completed = True
        images = self._fallback_finals()
        return [*images, Completed(self.response_id, self.usage, list(self.finals.values()))]

    # Responses API

    def _on_created(self, event: ev.ResponseEvent) -> list[Progress]:
        self.response_id = event.response_id or self.response_id
        return []

    def _on_partial(self, event: ev.ImageGenCallPartialImageEvent) -> list[Progress]:
        if not event.partial_image_b64:
            return []
        key = event.item_id or f"#{event.output_index}"
        self.last_partials[key] = event
        index = event.partial_image_index if event.partial_image_index is not None else 0
        return [PartialImage(index, event.partial_image_b64, event.item_id, event.output_format)]

    def _on_item_done(self, event: ev.OutputItemDoneEvent) -> list[Progress]:
        item = event.item
        if item.get("type") == "message":
            self._collect_message(item)
            return []
        if item.get("type") != "image_generation_call":
            return []
        key = item.get("id") or f"#{event.output_index}"
        if item.get("status") == "failed" and not item.get("result"):
            self.failed_items.add(key)
        final = self._final_from_item(key, item)
        return [final] if final else []

    def _final_from_item(self, key: str, item: dict[str, Any]) -> FinalImage | None:
        result = item.get("result")
        if not result or key in self.finals or key in self.recorded_items:
            return None
        partial = self.last_partials.get(key)
        final = FinalImage(
            b64=result,
            item_id=item.get("id"),
            revised_prompt=item.get("revised_prompt"),
            size=item.get("size"),
            quality=item.get("quality"),
            background=item.get("background"),
            output_format=item.get("output_format") or getattr(partial, "output_format", None),
        )
        self.finals[key] = final
        return final

    def _on_text_delta(self, event: ev.OutputTextDeltaEvent) -> list[Progress]:
        key = (event.item_id or "", event.content_index or 0)
        self.texts[key] = self.texts.get(key, "") + (event.delta or "")
        return []

    def _on_text_done(self, event: ev.OutputTextDoneEvent) -> list[Progress]:
        self.texts[(event.item_id or "", event.content_index or 0)] = event.text or ""
        return []

    def _collect_message(self, item: dict[str, Any]) -> None:
        for index, part in enumerate(item.get("content") or []):
            if isinstance(part, dict) and part.get("type") == "output_text":
                self.texts[(item.get("id") or "", index)] = part.get("text") or ""

    def _on_completed(self, event: ev.ResponseCompletedEvent) -> list[Progress]:
        response = event.response
        self.response_id = response.get("id") or self.response_id
        self.usage = responses_usage(response)
        out: list[Progress] = []
        for index, item in enumerate(response.get("output") or []):
            if isinstance(item, dict) and item.get("type") == "image_generation_call":
                final = self._final_from_item(item.get("id") or f"#{index}", item)
                out.extend([final] if final else [])
            elif isinstance(item, dict) and item.get("type") == "message":
                self._collect_message(item)
        out.extend(self._fallback_finals())
        self.completed = True
        images = list(self.finals.values())
        text = "".join(self.texts.values())
        return [*out, Completed(self.response_id, self.usage, images, text)]

    def _fallback_finals(self) -> list[FinalImage]:
        out = []
        for key, partial in self.last_partials.items():
            if key in self.finals or key in self.failed_items or key in self.recorded_items:
                continue
            final = _final_from_partial(partial)
            self.finals[key] = final
            out.append(final)
        return out

    # Images API

    def _on_images_partial(self, event: ev.ImagesPartialImageEvent) -> list[Progress]:
        if not event.b64_json:
            return []
        self.last_partials[f"#{len(self.finals)}"] = event
        index = event.partial_image_index if event.partial_image_index is not None else 0
        return [PartialImage(index, event.b64_json, None, event.output_format)]

    def _on_images_completed(self, event: ev.ImagesCompletedEvent) -> list[Progress]:
        key = f"#{len(self.finals)}"
        self.usage = merge_images_usage(self.usage, dict(event.usage or {}))
        b64 = event.b64_json
        if not b64:
            partial = self.last_partials.get(key)
            b64 = getattr(partial, "b64_json", None)
        if not b64:
            return []
        final = FinalImage(
            b64=b64,
            revised_prompt=event.raw.get("revised_prompt"),
            size=event.size,
            quality=event.quality,
            background=event.background,
            output_format=event.output_format,
        )
        self.finals[key] = final
        return [final]


def merge_images_usage(earlier: dict[str, Any], latest: dict[str, Any]) -> dict[str, Any]:
    """The usage of an n-image stream so far: each `*.completed` reports its own image.

    Every event repeats the request's input and adds one image's output (as the simulated
    provider and a non-streamed answer for n images agree), so input counts once and
    output adds up.
    """
    if not earlier or not latest:
        return latest or earlier
    merged = dict(latest)
    merged["output_tokens"] = _tokens(earlier, "output_tokens") + _tokens(latest, "output_tokens")
    details = [u.get("output_tokens_details") or {} for u in (earlier, latest)]
    if any(details):
        merged["output_tokens_details"] = {
            key: _tokens(details[0], key) + _tokens(details[1], key)
            for key in {*details[0], *details[1]}
        }
    merged["total_tokens"] = _tokens(merged, "input_tokens") + merged["output_tokens"]
    return merged


def _tokens(usage: dict[str, Any], key: str) -> int:
    value = usage.get(key)
    return value if isinstance(value, int) else 0


def _final_from_partial(partial: ev.Event) -> FinalImage:
    b64 = getattr(partial, "partial_image_b64", None) or getattr(partial, "b64_json", "")
    return FinalImage(
        b64=b64,
        item_id=getattr(partial, "item_id", None),
        size=getattr(partial, "size", None),
        quality=getattr(partial, "quality", None),
        background=getattr(partial, "background", None),
        output_format=getattr(partial, "output_format", None),
    )


_HANDLERS: dict[type, Callable[[Normalizer, Any], list[Progress]]] = {
    ev.ResponseCreatedEvent: Normalizer._on_created,
    ev.ResponseQueuedEvent: Normalizer._on_created,
    ev.ResponseInProgressEvent: Normalizer._on_created,
    ev.ImageGenCallPartialImageEvent: Normalizer._on_partial,
    ev.OutputItemDoneEvent: Normalizer._on_item_done,
    ev.OutputTextDeltaEvent: Normalizer._on_text_delta,
    ev.OutputTextDoneEvent: Normalizer._on_text_done,
    ev.ResponseCompletedEvent: Normalizer._on_completed,
    ev.ImagesPartialImageEvent: Normalizer._on_images_partial,
    ev.ImagesCompletedEvent: Normalizer._on_images_completed,
}


def responses_usage(response: dict[str, Any]) -> dict[str, Any]:
    """`usage` of a response, with its `tool_usage` (image tokens) under "tool_usage"."""
    usage = dict(response.get("usage") or {})
    if response.get("tool_usage"):
        usage["tool_usage"] = response["tool_usage"]
    return usage


def failure_usage(error: UpstreamError) -> dict[str, Any]:
    """What a failed call reported using, shaped as Completed.usage; {} when nothing was.

    Only `response.failed` and `response.incomplete` carry a response, and so its usage;
    refusals before the stream and Images API error events report none.
    """
    body = error.body if isinstance(error.body, dict) else {}
    response = body.get("response")
    return responses_usage(response) if isinstance(response, dict) else {}


def completed_from_response(response: dict[str, Any], *, secret: str | None = None) -> Completed:
    """Normalize a non-streamed Responses API answer (`create_response`) like a stream."""
    raw = {"type": "response.completed", "response": response}
    event = ev.ResponseCompletedEvent(type=raw["type"], raw=raw, response=response)
    if response.get("status") in ("failed", "incomplete"):
        failed_cls = (
            ev.ResponseFailedEvent if response["status"] == "failed" else ev.ResponseIncompleteEvent
        )
        raise failure_from_event(
            failed_cls(type=raw["type"], raw=raw, response=response), secret=secret
        )
    items = Normalizer().feed(event)
    return next(item for item in items if isinstance(item, Completed))


def images_result_from_body(
    body: dict[str, Any], fetch_url: Callable[[str], bytes] | None = None
) -> ImagesResult:
    """An ImagesResponse (§3.4) as FinalImages; `url` results are decoded or fetched."""
    images = []
    for entry in body.get("data") or []:
        b64 = entry.get("b64_json") or _url_to_b64(entry.get("url"), fetch_url)
        if not b64:
            continue
        images.append(
            FinalImage(
                b64=b64,
                revised_prompt=entry.get("revised_prompt"),
                size=body.get("size"),
                quality=body.get("quality"),
                background=body.get("background"),
                output_format=body.get("output_format"),
            )
        )
    return ImagesResult(images=images, usage=dict(body.get("usage") or {}), raw=body)


def _url_to_b64(url: str | None, fetch_url: Callable[[str], bytes] | None) -> str | None:
    if not url:
        return None
    if url.startswith("data:"):
        return data_uri_to_b64(url)
    if fetch_url is None:
        raise StreamInterrupted("An image came back as a URL and no way to fetch it was given.")
    return base64.b64encode(fetch_url(url)).decode("ascii")


def data_uri_to_b64(uri: str) -> str:
    """The base64 payload of a `data:` URI (re-encoded when the URI is not base64)."""
    header, _, payload = uri.partition(",")
    if header.endswith(";base64"):
        payload = "".join(payload.split())
        try:
            base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            # Some gateways URL-encode the base64 text.
            payload = urllib.parse.unquote(payload)
        return payload
    return base64.b64encode(urllib.parse.unquote_to_bytes(payload)).decode("ascii")
