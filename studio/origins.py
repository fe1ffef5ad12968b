"""Websockets are opened only by pages of this site: same scheme, host and port.

A browser sends the session cookie with a websocket handshake from any page, so the Origin
header is the only thing telling the site's own page from another one on the same host (a
dev server on another port, the same host over HTTPS). Comparing the host alone let such a
page read a conversation with the visitor's cookie.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


class SameOriginWebsockets:
    """ASGI middleware: refuses (403) a handshake whose Origin is not the site's own or one
    of CSRF_TRUSTED_ORIGINS, the same rule Django's CSRF check applies to forms."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not is_allowed_origin(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)


def is_allowed_origin(scope: dict) -> bool:
    headers = {name: value.decode("latin-1") for name, value in scope.get("headers", [])}
    origin = _origin(headers.get(b"origin", ""))
    if origin is None:
        return False
    if origin in {_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    host = headers.get(b"host", "")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    return origin == _origin(f"{_scheme(scope, headers)}://{host}")


def _scheme(scope: dict, headers: dict[bytes, str]) -> str:
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        forwarded = headers.get(name.removeprefix("HTTP_").replace("_", "-").lower().encode())
        if forwarded is not None:
            return "https" if forwarded.split(",")[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def _origin(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None for anything else."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port
