"""Recorded requests, with image payloads summarised so tests can assert on them cheaply."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import threading
import time
from collections import deque
from typing import Any

from PIL import Image

# Headers a test may want to see; Authorization is deliberately never recorded.
KEPT_HEADERS = (
    "content-type",
    "accept",
    "user-agent",
    "openai-beta",
    "x-stainless-retry-count",
    "idempotency-key",
    "x-simulator-fault",
    "x-simulator-latency",
    "x-simulator-gateway",
    "x-simulator-gateway-forced",
    "x-simulator-gateway-dropped",
)
_DATA_URI = re.compile(r"^data:image/[a-z0-9.+-]+;base64,", re.IGNORECASE)
# Base64 strings this long are almost certainly image payloads (a prompt never looks like it).
_MIN_B64 = 200


def summarise_image_bytes(data: bytes) -> dict[str, Any]:
    try:
        with Image.open(io.BytesIO(data)) as img:
            return {
                "image": True,
                "bytes": len(data),
                "width": img.width,
                "height": img.height,
                "mode": img.mode,
                "format": (img.format or "").lower(),
                # Which picture it was, for tests that check a chosen one was sent.
                "sha256": hashlib.sha256(data).hexdigest(),
            }
    except Exception:
        return {"image": False, "bytes": len(data)}


def _summarise_string(value: str) -> Any:
    match = _DATA_URI.match(value)
    payload = value[match.end() :] if match else value
    if not match and (len(value) < _MIN_B64 or " " in value[:_MIN_B64]):
        return value
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return value
    summary = summarise_image_bytes(raw)
    return summary if summary["image"] else value


def summarise_json(value: Any) -> Any:
    """Copy of a JSON body with every base64 / data-URI image replaced by a summary."""
    if isinstance(value, dict):
        return {k: summarise_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [summarise_json(v) for v in value]
    if isinstance(value, str):
        return _summarise_string(value)
    return value


class Recorder:
    def __init__(self, capacity: int = 5000) -> None:
        self._items: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def record(
        self,
        *,
        method: str,
        path: str,
        headers: dict[str, str],
        json_body: Any = None,
        form: dict[str, Any] | None = None,
        files: dict[str, list[dict[str, Any]]] | None = None,
    ) -> dict[str, Any]:
        entry = {
            "time": time.time(),
            "method": method,
            "path": path,
            "headers": {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS},
            "json": summarise_json(json_body) if json_body is not None else None,
            "form": form,
            "files": files,
        }
        with self._lock:
            self._items.append(entry)
        return entry

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
