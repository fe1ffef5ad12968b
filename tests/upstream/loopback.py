"""A tiny real HTTP server on a loopback port that plays canned replies.

Streaming bugs hide behind in-process transports (they buffer whole bodies), so stream tests
talk to this server: it writes chunks with pauses, can cut a body half-way, and records what
it received.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def sse(data: dict[str, Any] | str, event: str | None = None) -> bytes:
    """One SSE event: `event:` line (the JSON type by default), `data:` line, blank line."""
    if isinstance(data, dict):
        event = event or data.get("type")
        data = json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


@dataclass
class Reply:
    status: int = 200
    # Items are bytes to send or a float: seconds to pause.
    chunks: list[bytes | float] = field(default_factory=list)
    headers: dict[str, str] = field(
        default_factory=lambda: {"content-type": "text/event-stream; charset=utf-8"}
    )
    # Close the connection without the final chunk: a broken body.
    cut: bool = False
    # Seconds to wait before the status line (a slow first byte).
    delay: float = 0.0

    @classmethod
    def json(cls, status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
        return cls(
            status=status,
            chunks=[json.dumps(body).encode()],
            headers={"content-type": "application/json", **(headers or {})},
        )


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LoopbackServer:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.base}/v1"

    def add(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            server.received.append(
                Received(self.command, self.path, dict(self.headers.items()), body)
            )
            reply = server.replies.popleft() if server.replies else Reply.json(500, {})
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._write(reply)

        def _write(self, reply: Reply) -> None:
            time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for chunk in reply.chunks:
                if isinstance(chunk, float | int):
                    self.wfile.flush()
                    time.sleep(chunk)
                    continue
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            if reply.cut:
                self.close_connection = True
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler


FINAL_B64 = "ZmluYWwtaW1hZ2U="  # "final-image"
PARTIAL_B64 = ("cGFydGlhbC0w", "cGFydGlhbC0x", "cGFydGlhbC0y")  # "partial-0" ...


def response_object(status: str = "completed", output: list | None = None) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1759354093,
        "status": status,
        "error": None,
        "model": "gpt-5",
        "output": output or [],
        "usage": {"input_tokens": 10, "output_tokens": 20, "total_tokens": 30},
        "tool_usage": {"image_gen": {"input_tokens": 5, "output_tokens": 272}},
    }


def image_item(status: str = "completed", result: str | None = FINAL_B64) -> dict[str, Any]:
    return {
        "type": "image_generation_call",
        "id": "ig_1",
        "status": status,
        "result": result,
        "revised_prompt": "a red fox in snow",
        "size": "1024x1024",
        "quality": "low",
        "background": "opaque",
        "output_format": "png",
    }


def responses_events(
    *,
    partials: int = 2,
    done_item: dict[str, Any] | None = None,
    with_call_completed: bool = True,
    text: str | None = None,
    terminal: bool = True,
) -> list[dict[str, Any]]:
    """The events of one streamed Responses call that makes one image (protocol §2.2)."""
    item = done_item or image_item()
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response_object("in_progress")},
        {"type": "response.in_progress", "response": response_object("in_progress")},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "ig_1", "type": "image_generation_call", "status": "in_progress"},
        },
        {
            "type": "response.image_generation_call.in_progress",
            "item_id": "ig_1",
            "output_index": 0,
        },
        {"type": "response.image_generation_call.generating", "item_id": "ig_1", "output_index": 0},
        {"type": "keepalive"},
    ]
    for index in range(partials):
        events.append(
            {
                "type": "response.image_generation_call.partial_image",
                "item_id": "ig_1",
                "output_index": 0,
                "partial_image_index": index,
                "partial_image_b64": PARTIAL_B64[index],
                "output_format": "png",
                "size": "1024x1024",
            }
        )
    if with_call_completed:
        events.append(
            {
                "type": "response.image_generation_call.completed",
                "item_id": "ig_1",
                "output_index": 0,
            }
        )
    events.append({"type": "response.output_item.done", "output_index": 0, "item": item})
    output = [item]
    if text is not None:
        events.extend(_text_events(text))
        output.append(_message(text))
    if terminal:
        events.append({"type": "response.completed", "response": response_object(output=output)})
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return events


def _message(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def _text_events(text: str) -> list[dict[str, Any]]:
    ids = {"item_id": "msg_1", "output_index": 1, "content_index": 0}
    part = {"type": "output_text", "text": "", "annotations": []}
    return [
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {**_message(""), "content": []},
        },
        {"type": "response.content_part.added", **ids, "part": part},
        {"type": "response.output_text.delta", **ids, "delta": text[:3], "logprobs": []},
        {"type": "response.output_text.delta", **ids, "delta": text[3:], "logprobs": []},
        {"type": "response.output_text.done", **ids, "text": text},
        {"type": "response.content_part.done", **ids, "part": {**part, "text": text}},
        {"type": "response.output_item.done", "output_index": 1, "item": _message(text)},
    ]


def images_events(prefix: str = "image_generation", partials: int = 2) -> list[dict[str, Any]]:
    """The events of one streamed Images API call (protocol §3.5)."""
    meta = {
        "created_at": 1713833628,
        "size": "1024x1024",
        "quality": "low",
        "background": "opaque",
        "output_format": "png",
    }
    events: list[dict[str, Any]] = [
        {
            "type": f"{prefix}.partial_image",
            "b64_json": PARTIAL_B64[i],
            "partial_image_index": i,
            **meta,
        }
        for i in range(partials)
    ]
    usage = {
        "input_tokens": 50,
        "input_tokens_details": {"image_tokens": 40, "text_tokens": 10},
        "output_tokens": 272,
        "total_tokens": 322,
    }
    events.append({"type": f"{prefix}.completed", "b64_json": FINAL_B64, **meta, "usage": usage})
    return events


def sse_reply(events: list[dict[str, Any]], *, cut: bool = False) -> Reply:
    return Reply(chunks=[sse(event) for event in events], cut=cut)
