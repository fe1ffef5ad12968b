"""Small helpers shared by the simulator tests: SSE parsing and picture comparison."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import httpx
from PIL import Image, ImageChops, ImageFilter, ImageStat

from tests.factories import encode_image


def read_sse(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) pairs; comment lines are returned as (":", {"text": …})."""
    events: list[tuple[str, dict[str, Any]]] = []
    name = None
    for line in response.iter_lines():
        if line.startswith(":"):
            events.append((":", {"text": line[1:].strip()}))
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data = json.loads(line[5:].strip())
            events.append((name or data.get("type", ""), data))
            name = None
    return events


def post_stream(client: httpx.Client, path: str, **kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
    with client.stream("POST", path, **kwargs) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return read_sse(response)


def names(events: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [n for n, _ in events if n not in (":", "keepalive")]


def decode(b64: str) -> Image.Image:
    img = Image.open(io.BytesIO(base64.b64decode(b64)))
    img.load()
    return img


def data_uri(img: Image.Image) -> str:
    return "data:image/png;base64," + base64.b64encode(encode_image(img)).decode()


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    a, b = a.convert("RGB"), b.convert("RGB").resize(a.size)
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def edge_energy(img: Image.Image) -> float:
    """High-pass energy: how far the picture is from a blurred copy of itself.

    More fine detail (crisp edges, small strokes) gives a higher number."""
    grey = img.convert("L")
    return ImageStat.Stat(
        ImageChops.difference(grey, grey.filter(ImageFilter.GaussianBlur(6)))
    ).mean[0]
