"""Server-sent event framing as OpenAI sends it (protocol §2.1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# Called with (sequence_number, event type, data, frame) for every event a Sequencer frames.
Observer = Callable[[int, str, dict[str, Any], bytes], None]

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
SSE_MEDIA_TYPE = "text/event-stream; charset=utf-8"


def frame(event_type: str, data: dict[str, Any]) -> bytes:
    """One event: `event:` line, one-line JSON `data:` line, blank line."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"event: {event_type}\ndata: {payload}\n\n".encode()


def comment(text: str = "keepalive") -> bytes:
    return f": {text}\n\n".encode()


class Sequencer:
    """Numbers Responses events from 0; Images API streams carry no sequence_number.

    `observer` sees every numbered event as it is framed: a background response keeps them
    so a client can resume the stream after any sequence number.
    """

    def __init__(self, numbered: bool = True, observer: Observer | None = None) -> None:
        self.numbered = numbered
        self.observer = observer
        self.next = 0

    def event(self, event_type: str, **fields: Any) -> bytes:
        data: dict[str, Any] = {"type": event_type, **fields}
        if not self.numbered:
            return frame(event_type, data)
        number = data["sequence_number"] = self.next
        self.next += 1
        framed = frame(event_type, data)
        if self.observer is not None:
            self.observer(number, event_type, data, framed)
        return framed
