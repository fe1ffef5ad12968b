"""PersonaGateway: an ASGI layer that makes the simulator behave like a gateway in front of it.

Every /v1 request passes through the chosen persona on its way in (routes the gateway lacks
are answered here; dropped options are removed; a missing size is forced; the gateway's long
response ids are turned back into the provider's) and on its way out (errors wrapped in the
gateway's envelope, Retry-After dropped, response ids lengthened, `url` answers turned into
links that expire). A failing call (5xx, 429) is sent again as often as the gateway retries
by itself; each try reaches the simulator and so appears in its request log.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from upstream.simulator.personas import PERSONA_HEADER, Persona, get_persona
from upstream.simulator.personas.envelopes import DROPPED_BY_LITELLM, own_error, wrap
from upstream.simulator.state import SimulatorState

SCOPE_KEY = "simulator.persona"
# Told to the simulator behind the gateway (and so kept in its request log): the fields the
# gateway added because the client left them out, and those it removed.
FORCED_HEADER = "x-simulator-gateway-forced"
DROPPED_HEADER = "x-simulator-gateway-dropped"
_SHORT_ID = re.compile(rb"resp_[0-9a-f]{48}")
_LONG_PREFIX = "litellm:custom_llm_provider:openai;model_id:"
_MODEL_DUMP = "'str' object has no attribute 'model_dump'"


@dataclass
class Incoming:
    method: str
    path: str
    content_type: str
    body: bytes
    json: Any = None
    form: dict[str, Any] | None = None
    forced: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def model(self) -> str:
        source = self.json if isinstance(self.json, dict) else self.form or {}
        return str(source.get("model") or "unknown")

    @property
    def wants_stream(self) -> bool:
        source = self.json if isinstance(self.json, dict) else self.form or {}
        return str(source.get("stream", "")).lower() in ("true", "1")


class PersonaGateway:
    def __init__(self, app: ASGIApp, state: SimulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            return await self.app(scope, receive, send)
        try:
            persona = self._persona(scope)
        except ValueError as exc:
            return await _send_body(send, 400, own_error("openai", 400, str(exc)))
        if persona is None:
            return await self.app(scope, receive, send)
        scope = {**scope, SCOPE_KEY: persona.name}
        missing = _missing_status(persona, scope["path"])
        if missing:
            message = f"Invalid URL ({scope['method']} {scope['path']})"
            if missing == 501:
                message = "This API is not implemented by this gateway."
            code = "not_implemented" if missing == 501 else ""
            return await _send_body(
                send, missing, own_error(persona.envelope, missing, message, code)
            )
        incoming = await _read(scope, receive)
        incoming = await _rewrite_request(persona, incoming)
        scope = _with_body(scope, incoming)
        attempts = 1 + persona.own_retries
        for attempt in range(attempts):
            relay = _Relay(persona, incoming, send, self.state, last=attempt == attempts - 1)
            await self.app(scope, _replay(incoming.body, receive), relay.send)
            if await relay.finish():
                return

    def _persona(self, scope: Scope) -> Persona | None:
        for name, value in scope.get("headers") or []:
            if name.decode("latin-1").lower() == PERSONA_HEADER:
                return get_persona(value.decode("latin-1"))
        return get_persona(self.state.settings.persona)


class _Relay:
    """Receives one try's answer and decides: drop it (to retry), wrap it, rewrite it."""

    def __init__(
        self, persona: Persona, incoming: Incoming, send: Send, state: SimulatorState, last: bool
    ) -> None:
        self.persona, self.incoming, self.downstream, self.state = persona, incoming, send, state
        self.last = last
        self.mode = "pending"
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.crash = (
            persona.images_stream == "crash_generate_json_edit"
            and incoming.path == "/v1/images/generations"
            and incoming.wants_stream
        )

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            self.mode = self._decide(message)
            if self.mode == "stream":
                await self.downstream(self._start_without_length(message))
            return
        if message["type"] != "http.response.body":
            return
        chunk = message.get("body", b"")
        if self.mode == "stream":
            await self.downstream(
                {**message, "body": self._rewrite_ids(chunk)} if chunk else message
            )
        elif self.mode in ("wrap", "rewrite"):
            self.chunks.append(chunk)

    def _decide(self, start: Message) -> str:
        status = start["status"]
        if (status >= 500 or status == 429 or self.crash) and not self.last:
            return "discard"
        if status >= 400 or self.crash:
            return "wrap"
        content_type = _header(start, "content-type")
        return "rewrite" if "application/json" in content_type else "stream"

    async def finish(self) -> bool:
        """Called when the try ended; False means "send it again"."""
        if self.mode == "discard":
            return False
        if self.mode == "wrap":
            await self._send_error()
        elif self.mode == "rewrite":
            body = self._rewrite_json(b"".join(self.chunks))
            await _send_body(self.downstream, self.start["status"], body, self._kept_headers())
        return True

    async def _send_error(self) -> None:
        status = 500 if self.crash else self.start["status"]
        body = b"".join(self.chunks)
        if self.crash:
            body = json.dumps({"error": {"message": _MODEL_DUMP, "code": None}}).encode()
        wrapped = wrap(self.persona.envelope, status, body, model=self.incoming.model)
        await _send_body(self.downstream, status, wrapped, self._kept_headers())

    def _kept_headers(self) -> list[tuple[bytes, bytes]]:
        kept = []
        for name, value in (self.start or {}).get("headers", []):
            lowered = name.decode("latin-1").lower()
            if lowered in ("content-length", "content-type"):
                continue
            if self.persona.envelope == "litellm" and lowered.startswith(DROPPED_BY_LITELLM):
                continue
            kept.append((name, value))
        return kept

    def _start_without_length(self, start: Message) -> Message:
        headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-length"]
        return {**start, "headers": headers}

    def _rewrite_ids(self, chunk: bytes) -> bytes:
        if not self.persona.long_ids or not self.incoming.path.startswith("/v1/responses"):
            return chunk
        return _SHORT_ID.sub(lambda m: long_id(m[0].decode()).encode(), chunk)

    def _rewrite_json(self, body: bytes) -> bytes:
        body = self._rewrite_ids(body)
        if not self.persona.expiring_urls or not self.incoming.path.startswith("/v1/images/"):
            return body
        try:
            parsed = json.loads(body)
        except ValueError:
            return body
        if not isinstance(parsed, dict):
            return body
        for datum in parsed.get("data") or []:
            url = datum.get("url") if isinstance(datum, dict) else None
            if isinstance(url, str) and "/_simulator/images/" in url:
                datum["url"] = self._expiring(url)
        return json.dumps(parsed).encode()

    def _expiring(self, url: str) -> str:
        base, _, name = url.partition("/_simulator/images/")
        blob = self.state.store.blobs.get(name)
        if blob is None:
            return url
        media_type, data = blob
        return f"{base}{self.state.links.put(data, media_type)}"


def long_id(short: str) -> str:
    """A LiteLLM-style response id: the provider's id inside ~470 characters of base64."""
    model_id = (hashlib.sha512(short.encode()).hexdigest() * 2)[:240]
    raw = f"{_LONG_PREFIX}{model_id};response_id:{short}"
    return "resp_" + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def short_id(value: str) -> str:
    """The provider's id inside a long id; any other value unchanged."""
    if not value.startswith("resp_") or len(value) < 200:
        return value
    payload = value[5:]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    except ValueError:
        return value
    _, found, short = raw.partition(";response_id:")
    return short if found else value


# --- the request on its way in --------------------------------------------------------------


def _missing_status(persona: Persona, path: str) -> int | None:
    for prefix, status in persona.missing.items():
        if path == prefix or path.startswith(prefix + "/"):
            return status
    return None


async def _read(scope: Scope, receive: Receive) -> Incoming:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    content_type = _header(scope, "content-type")
    incoming = Incoming(scope["method"], scope["path"], content_type, body)
    if "json" in content_type and body:
        with contextlib.suppress(ValueError):
            incoming.json = json.loads(body)
    elif content_type.startswith("multipart/form-data"):
        request = Request(scope, _replay(body, receive))
        async with request.form(max_files=64, max_fields=256) as form:
            incoming.form = {}
            files = []
            for key, value in form.multi_items():
                if hasattr(value, "read"):
                    files.append((key, (value.filename, await value.read(), value.content_type)))
                else:
                    incoming.form[key] = value
            incoming.form["__files__"] = files
    return incoming


async def _rewrite_request(persona: Persona, incoming: Incoming) -> Incoming:
    drop = set(persona.dropped.get(incoming.path, frozenset()))
    streamed_edit = (
        persona.images_stream == "crash_generate_json_edit" and incoming.path == "/v1/images/edits"
    )
    if streamed_edit:
        drop.add("stream")  # the gateway relays the edit unstreamed and answers JSON
    if isinstance(incoming.json, dict):
        incoming.dropped = sorted(k for k in incoming.json if k in drop)
        body = {k: v for k, v in incoming.json.items() if k not in drop}
        if persona.default_size and incoming.path.startswith("/v1/images/"):
            _force_size(persona, incoming, body)
        if persona.long_ids and isinstance(body.get("previous_response_id"), str):
            body["previous_response_id"] = short_id(body["previous_response_id"])
        incoming.json = body
        incoming.body = json.dumps(body).encode()
    elif incoming.form is not None:
        incoming.dropped = sorted(k for k in incoming.form if k in drop)
        fields = {k: v for k, v in incoming.form.items() if k not in drop and k != "__files__"}
        if persona.default_size:
            _force_size(persona, incoming, fields)
        request = httpx.Request(
            "POST", "http://gateway/", data=fields, files=incoming.form["__files__"]
        )
        incoming.body = request.read()
        incoming.content_type = request.headers["content-type"]
        incoming.form = {**fields, "__files__": incoming.form["__files__"]}
    if persona.long_ids and incoming.path.startswith("/v1/responses/"):
        incoming.path = "/v1/responses/" + short_id(incoming.path.rsplit("/", 1)[1])
    return incoming


def _force_size(persona: Persona, incoming: Incoming, fields: dict[str, Any]) -> None:
    if "size" not in fields:
        fields["size"] = persona.default_size
        incoming.forced.append("size")


def _with_body(scope: Scope, incoming: Incoming) -> Scope:
    headers = [
        (n, v)
        for n, v in scope.get("headers", [])
        if n.lower() not in (b"content-length", b"content-type")
    ]
    headers.append((b"content-length", str(len(incoming.body)).encode()))
    if incoming.content_type:
        headers.append((b"content-type", incoming.content_type.encode("latin-1")))
    for name, fields in ((FORCED_HEADER, incoming.forced), (DROPPED_HEADER, incoming.dropped)):
        if fields:
            headers.append((name.encode(), ",".join(fields).encode()))
    path = incoming.path
    return {**scope, "headers": headers, "path": path, "raw_path": path.encode()}


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # the client's disconnect, when it comes

    return replayed


# --- plumbing -------------------------------------------------------------------------------


def _header(holder: Scope | Message, name: str) -> str:
    wanted = name.encode("latin-1")
    for key, value in holder.get("headers") or []:
        if key.lower() == wanted:
            return value.decode("latin-1")
    return ""


async def _send_body(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *(headers or []),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
