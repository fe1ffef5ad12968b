"""Picture links that expire, as gateways' CDNs serve them (`/cdn/<day>/<name>`).

Chat image models and `url` answers name such links; they stop working after `ttl`
seconds (an hour by default, as new-api documents), so a client must fetch them at once.
A link may also start "not ready": an asynchronous task's source answers 404 a few times
before the picture is there. `/cdn/oversized/<MB>.png` sends that many megabytes, unsized.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

DEFAULT_TTL = 3600.0
# A PNG's first bytes: a client sniffing the start takes the body for a picture.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OVERSIZED_PREFIX = "/cdn/oversized/"
CAPACITY = 2000
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@dataclass
class _Link:
    media_type: str
    data: bytes = field(repr=False)
    expires_at: float
    not_ready_left: int = 0


class ExpiringLinks:
    def __init__(self, ttl: float = DEFAULT_TTL) -> None:
        self.ttl = ttl
        self._links: OrderedDict[str, _Link] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, data: bytes, media_type: str = "image/png", *, not_ready: int = 0) -> str:
        """Store a picture; returns its path (`/cdn/<day>/<name>.<ext>`)."""
        day = time.strftime("%Y%m%d")
        name = f"{day}/{secrets.token_hex(12)}.{EXTENSIONS.get(media_type, 'png')}"
        with self._lock:
            self._links[name] = _Link(media_type, data, time.monotonic() + self.ttl, not_ready)
            while len(self._links) > CAPACITY:
                self._links.popitem(last=False)
        return f"/cdn/{name}"

    def fetch(self, name: str) -> tuple[int, _Link | None]:
        """(200, link), (404, None) when unknown or expired, (404, link) while not ready."""
        with self._lock:
            link = self._links.get(name)
            if link is None or time.monotonic() > link.expires_at:
                self._links.pop(name, None)
                return 404, None
            if link.not_ready_left > 0:
                link.not_ready_left -= 1
                return 404, link
            return 200, link

    def clear(self) -> None:
        with self._lock:
            self._links.clear()


def routes(links: ExpiringLinks) -> list[Route]:
    async def serve(request: Request) -> Response:
        name = request.path_params["name"].removeprefix("download/")
        status, link = links.fetch(name)
        if status != 200 or link is None:
            message = "not ready yet" if link is not None else "this link has expired"
            return JSONResponse({"error": message}, status_code=404)
        return Response(link.data, media_type=link.media_type)

    async def oversized(request: Request) -> StreamingResponse:
        return StreamingResponse(
            _oversized_body(request.path_params["megabytes"]), media_type="image/png"
        )

    return [
        Route(OVERSIZED_PREFIX + "{megabytes:int}.png", oversized, methods=["GET"]),
        Route("/cdn/{name:path}", serve, methods=["GET"]),
    ]


async def _oversized_body(megabytes: int) -> AsyncIterator[bytes]:
    """`megabytes` MB that start like a PNG, sent without a length (chunked), as a hostile
    or broken CDN would: only counting the bytes stops a client."""
    chunk = b"\0" * 1_048_576
    yield PNG_SIGNATURE + chunk[len(PNG_SIGNATURE) :]
    for _ in range(megabytes - 1):
        yield chunk
