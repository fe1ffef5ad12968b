"""Server-sent event framing as OpenAI sends it (protocol §2.1)."""

from __future__ import annotations

import json
from typing import Any

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
SSE_MEDIA_TYPE = "text/event-stream; charset=utf-8"


def frame(event_type: str, data: dict[str, Any]) -> bytes:
    """One event: `event:` line, one-line JSON `data:` line, blank line."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"event: {event_type}\ndata: {payload}\n\n".encode()


def comment(text: str = "keepalive") -> bytes:
    return f": {text}\n\n".encode()


class Sequencer:
    """Numbers Responses events from 0; Images API streams carry no sequence_number."""

    def __init__(self, numbered: bool = True) -> None:
        self.numbered = numbered
        self.next = 0

    def event(self, event_type: str, **fields: Any) -> bytes:
        data: dict[str, Any] = {"type": event_type, **fields}
        if self.numbered:
            data["sequence_number"] = self.next
            self.next += 1
        return frame(event_type, data)
