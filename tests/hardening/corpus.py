"""Malformed input, as data: what the HTTP endpoints and the websocket must refuse politely.

Each HTTP case expects a 4xx with a message for the person (and the field it concerns, when
there is one); each websocket frame expects an error frame. Nothing may be stored by any of
them. The unit suites (test_http_input.py, test_socket_input.py) run them against the views
and the consumer; the integration suite runs the frames through the real Daphne too.
"""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from PIL import Image as PILImage

from tests.factories import png_bytes

TURNS = "/api/conversations/{conversation}/turns/"
CONVERSATIONS = "/api/conversations/"
CONVERSATION = "/api/conversations/{conversation}/"


def bomb_png() -> bytes:
    """A valid PNG header claiming 30000x30000 pixels over a few bytes of zeros."""
    buffer = io.BytesIO()
    PILImage.new("L", (1, 1)).save(buffer, "PNG")
    raw = bytearray(buffer.getvalue())
    # IHDR's width and height are bytes 16..24; its CRC follows and must match them.
    raw[16:24] = (30000).to_bytes(4, "big") + (30000).to_bytes(4, "big")
    raw[29:33] = zlib.crc32(bytes(raw[12:29])).to_bytes(4, "big")
    return bytes(raw)


@dataclass(frozen=True)
class BadRequest:
    """One request: multipart ``fields`` and ``files``, or a ``json`` body, or ``raw`` bytes."""

    name: str
    path: str = TURNS
    method: str = "post"
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    json: Any = None
    raw: bytes | None = None
    status: int = 400
    fragment: str = ""
    error_field: str | None = None
    # Settings the case needs, e.g. a small upload limit.
    settings: dict[str, Any] = field(default_factory=dict)


IMAGE = png_bytes((64, 64))


def edit(references: list[tuple[str, bytes]], **extra) -> dict:
    return {
        "fields": {"prompt": "edit it", "api_mode": "edit"},
        "files": {"references": references},
        **extra,
    }


def reference(data: bytes, name: str = "image.png") -> dict:
    return edit([(name, data)])


def masked(mask: bytes, *, references=(("image.png", IMAGE),)) -> dict:
    return {
        "fields": {"prompt": "edit it", "api_mode": "edit"},
        "files": {"references": list(references), "mask": [("mask.png", mask)]},
    }


def turn_json(**body) -> dict:
    return {"json": {"prompt": "a red fox", **body}}


def turn_form(**fields) -> dict:
    return {"fields": {"prompt": "a red fox", **fields}}


HTTP_CASES = [
    # --- uploads --------------------------------------------------------------------------
    BadRequest(
        "upload-text",
        **reference(b"hello, I am text"),
        fragment="not an image",
        error_field="references",
    ),
    BadRequest(
        "upload-svg",
        **reference(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'),
        fragment="SVG",
        error_field="references",
    ),
    BadRequest(
        "upload-html",
        **reference(b"<html><script>alert(1)</script></html>", "x.png"),
        fragment="not an image",
        error_field="references",
    ),
    BadRequest(
        "upload-truncated-png",
        **reference(png_bytes((300, 300), mode="RGB")[:120]),
        fragment="damaged",
        error_field="references",
    ),
    BadRequest(
        "upload-gif",
        **reference(png_bytes(fmt="GIF", mode="RGB")),
        fragment="GIF",
        error_field="references",
    ),
    BadRequest(
        "upload-decompression-bomb",
        **reference(bomb_png()),
        fragment="too many pixels",
        error_field="references",
    ),
    BadRequest("upload-empty", **reference(b""), fragment="empty", error_field="references"),
    BadRequest(
        "upload-zip-named-png",
        **reference(b"PK\x03\x04" + b"\x00" * 200),
        fragment="not an image",
        error_field="references",
    ),
    BadRequest(
        "upload-nul-bytes",
        **reference(b"\x00" * 4096),
        fragment="not an image",
        error_field="references",
    ),
    BadRequest(
        "upload-seventeen-references",
        **edit([("image.png", IMAGE)] * 17),
        fragment="at most 16",
        error_field="references",
    ),
    BadRequest(
        "upload-over-the-size-limit",
        **reference(png_bytes((64, 64), mode="RGB")),
        status=413,
        fragment="limit",
        error_field="references",
        settings={"UPLOAD_MAX_BYTES": 100},
    ),
    BadRequest(
        "upload-over-the-pixel-limit",
        **reference(png_bytes((64, 64))),
        fragment="megapixels",
        error_field="references",
        settings={"UPLOAD_MAX_PIXELS": 1000},
    ),
    # --- masks ----------------------------------------------------------------------------
    BadRequest(
        "mask-wrong-size", **masked(png_bytes((32, 32))), fragment="32x32", error_field="mask"
    ),
    BadRequest(
        "mask-not-an-image", **masked(b"not a mask"), fragment="not an image", error_field="mask"
    ),
    BadRequest(
        "mask-truncated", **masked(png_bytes((64, 64))[:60]), fragment="damaged", error_field="mask"
    ),
    BadRequest(
        "mask-without-an-image-to-edit",
        fields={"prompt": "paint"},
        files={"mask": [("mask.png", IMAGE)]},
        fragment="needs an image",
        error_field="mask",
    ),
    BadRequest(
        "mask-twice",
        fields={"prompt": "edit it", "api_mode": "edit"},
        files={"references": [("image.png", IMAGE)], "mask": [("a.png", IMAGE), ("b.png", IMAGE)]},
        fragment="one mask",
        error_field="mask",
    ),
    # --- options --------------------------------------------------------------------------
    BadRequest(
        "options-not-json",
        **turn_form(options="{not json"),
        fragment="not valid JSON",
        error_field="options",
    ),
    BadRequest(
        "options-a-list", **turn_json(options=[1, 2]), fragment="JSON object", error_field="options"
    ),
    BadRequest("options-unknown-name", **turn_json(options={"sharpness": 3}), fragment="sharpness"),
    BadRequest(
        "options-size-not-offered",
        **turn_json(options={"size": "1000x1000"}),
        fragment="1000x1000",
        error_field="size",
    ),
    BadRequest(
        "options-size-too-wide",
        **turn_json(options={"model": "gpt-image-2", "size": "4000x1000"}),
        fragment="4000x1000",
        error_field="size",
    ),
    BadRequest(
        "options-size-an-object", **turn_json(options={"size": {"width": 1}}), fragment="size"
    ),
    BadRequest(
        "options-transparent-jpeg",
        **turn_json(options={"background": "transparent", "output_format": "jpeg"}),
        fragment="transparent",
    ),
    BadRequest(
        "options-compression-for-png",
        **turn_json(options={"output_format": "png", "output_compression": 50}),
        fragment="compression",
    ),
    BadRequest(
        "options-compression-negative",
        **turn_json(options={"output_format": "jpeg", "output_compression": -5}),
        fragment="compression",
    ),
    BadRequest(
        "options-partials-as-words",
        **turn_json(options={"partial_images": "three"}),
        fragment="partial_images",
    ),
    BadRequest(
        "options-n-astronomical",
        **turn_json(api_mode="generate", options={"n": 10**30}),
        fragment="n",
    ),
    BadRequest(
        "options-n-for-dall-e-3",
        **turn_json(api_mode="generate", options={"model": "dall-e-3", "n": 2}),
        fragment="dall-e-3",
        error_field="n",
    ),
    BadRequest(
        "options-n-in-responses",
        **turn_json(options={"n": 2}),
        fragment="one image per turn",
        error_field="n",
    ),
    BadRequest(
        "options-quality-unknown",
        **turn_json(options={"quality": "ultra"}),
        fragment="ultra",
    ),
    # --- prompts --------------------------------------------------------------------------
    BadRequest(
        "prompt-nul-byte", **turn_form(prompt="a fox\x00"), fragment="NUL", error_field="prompt"
    ),
    BadRequest(
        "prompt-lone-surrogate",
        json={"prompt": "a fox \ud800"},
        fragment="surrogates",
        error_field="prompt",
    ),
    BadRequest(
        "prompt-100k-characters",
        **turn_form(prompt="x" * 100_000),
        fragment="32,000",
        error_field="prompt",
    ),
    BadRequest(
        "prompt-only-spaces", **turn_form(prompt="   "), fragment="prompt", error_field="prompt"
    ),
    BadRequest("prompt-a-number", json={"prompt": 12345}, fragment="text", error_field="prompt"),
    BadRequest(
        "prompt-a-list", json={"prompt": ["a", "fox"]}, fragment="text", error_field="prompt"
    ),
    BadRequest(
        "prompt-invalid-utf8", raw=b'{"prompt": "a fox \xff\xfe"}', fragment="not valid JSON"
    ),
    # --- the rest of a turn ---------------------------------------------------------------
    BadRequest(
        "api-mode-unknown",
        **turn_form(api_mode="telepathy"),
        fragment="telepathy",
        error_field="api_mode",
    ),
    BadRequest(
        "api-mode-a-list",
        **turn_json(api_mode=["edit"]),
        fragment="API mode",
        error_field="api_mode",
    ),
    BadRequest(
        "parent-not-a-number",
        **turn_form(parent_id="abc"),
        fragment="turn id",
        error_field="parent_id",
    ),
    BadRequest(
        "parent-missing",
        **turn_form(parent_id="987654"),
        status=404,
        fragment="does not exist",
        error_field="parent_id",
    ),
    BadRequest(
        "parent-beyond-64-bits",
        **turn_form(parent_id=str(2**70)),
        status=404,
        fragment="does not exist",
        error_field="parent_id",
    ),
    BadRequest(
        "parent-negative", **turn_json(parent_id=-1), fragment="turn id", error_field="parent_id"
    ),
    BadRequest("body-cut-json", raw=b'{"prompt": "a fox', fragment="not valid JSON"),
    BadRequest("body-json-array", raw=b'["a fox"]', fragment="JSON object"),
    # --- conversations --------------------------------------------------------------------
    BadRequest(
        "title-too-long",
        path=CONVERSATIONS,
        json={"title": "t" * 201},
        fragment="200",
        error_field="title",
    ),
    BadRequest(
        "title-nul-byte",
        path=CONVERSATIONS,
        json={"title": "Fox\x00es"},
        fragment="NUL",
        error_field="title",
    ),
    BadRequest(
        "title-lone-surrogate",
        path=CONVERSATIONS,
        json={"title": "\udfff"},
        fragment="surrogates",
        error_field="title",
    ),
    BadRequest(
        "title-an-object",
        path=CONVERSATIONS,
        json={"title": {"a": 1}},
        fragment="text",
        error_field="title",
    ),
    BadRequest(
        "default-options-a-string",
        path=CONVERSATIONS,
        json={"title": "x", "default_options": "big"},
        fragment="JSON object",
        error_field="options",
    ),
    BadRequest(
        "rename-to-a-number",
        path=CONVERSATION,
        method="patch",
        json={"title": 7},
        fragment="text",
        error_field="title",
    ),
    BadRequest(
        "conversation-body-not-json", path=CONVERSATIONS, raw=b"{", fragment="not valid JSON"
    ),
]


# --- websocket frames -----------------------------------------------------------------------


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


SOCKET_FRAMES: dict[str, str | bytes] = {
    "not-json": "this is not json",
    "json-list": "[1, 2]",
    "json-string": '"ping"',
    "json-null": "null",
    "type-missing": "{}",
    "type-not-a-string": json.dumps({"type": 7}),
    "type-null": json.dumps({"type": None}),
    "type-unknown": json.dumps({"type": "dance"}),
    "type-with-nul": json.dumps({"type": "ping\x00"}),
    "type-lone-surrogate": '{"type": "\\ud800"}',
    "resume-after-text": json.dumps({"type": "resume", "after": "yesterday"}),
    "resume-after-negative": json.dumps({"type": "resume", "after": -1}),
    "resume-after-true": json.dumps({"type": "resume", "after": True}),
    "resume-after-fraction": json.dumps({"type": "resume", "after": 1.5}),
    "resume-after-beyond-64-bits": json.dumps({"type": "resume", "after": 2**70}),
    "nested-2000-deep": deep_json(2000),
    "over-4-kb": json.dumps({"type": "ping", "padding": "x" * 5000}),
    # A valid ping, but nearly 64 KB of it: refused for its size, not answered.
    "huge-frame": json.dumps({"type": "ping", "padding": "x" * 60_000}),
    "binary-frame": b"\x00\x01\x02\xff",
}

# Frames past what Daphne accepts at all (--websocket-max-message-size): the connection is
# dropped before the app sees a byte.
OVERSIZED_FRAME = json.dumps({"type": "ping", "padding": "x" * 200_000})

# A burst far beyond what a page sends (a ping every 25 s): answered, but throttled.
FLOOD_FRAMES = 300
