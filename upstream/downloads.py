"""Fetching image links from answers (chat image models, `url` answers), once and carefully.

A gateway's answer names a URL and Studio fetches it, so a hostile or broken gateway could
point Studio at its own network: the database, Redis, a cloud metadata service. So a link is
fetched only over http(s), only from public addresses, and what comes back must be a picture
within a size cap and a time limit. The host is resolved here, every address it resolves to
is checked, and the connection goes to the checked address (with the original name for the
Host header and TLS), so a second DNS answer cannot swap in a private one. A provider that
itself lives on a private or loopback address (the simulator, a gateway on the LAN) may link
to such addresses too: it could reach them anyway.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import httpx

from upstream.errors import StreamError
from upstream.image_bytes import NotAnImage, sniff_image
from upstream.messages import UserMessage

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PIXELS = 36_000_000
DEFAULT_TIMEOUT = 30.0
MAX_REDIRECTS = 3
# Answers meaning "not ready yet" while an asynchronous source link is polled.
NOT_READY_STATUSES = frozenset({202, 404, 409, 425})
DEFAULT_POLL_INTERVAL = 2.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str, int], list[str]]
Sleep = Callable[[float], None]


class DownloadFailed(StreamError):
    """An image link was refused or could not be fetched; ``said`` is the message for a
    person, a code and values (upstream.messages), and the message its English text."""

    def __init__(
        self, said: UserMessage, *, code: str = "image_download_failed", **kwargs: Any
    ) -> None:
        super().__init__(said=said, code=code, **kwargs)


def _failed(code: str, **params: Any) -> DownloadFailed:
    return DownloadFailed(UserMessage(code, params))


@dataclass(frozen=True)
class DownloadedImage:
    url: str
    data: bytes = field(repr=False)
    format: str
    width: int
    height: int


def system_resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise _failed("download_host_unknown", host=host) from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global excludes private, loopback, link-local, shared (100.64/10), reserved,
    # documentation and unspecified ranges; multicast is never a web server.
    return ip.is_global and not ip.is_multicast


@dataclass
class LinkDownloader:
    """Downloads image links for one provider (see the module docstring)."""

    provider_base_url: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    timeout: float = DEFAULT_TIMEOUT
    poll_interval: float = DEFAULT_POLL_INTERVAL
    resolve: Resolver = system_resolve
    sleep: Sleep = time.sleep
    transport: httpx.BaseTransport | None = None

    @cached_property
    def allows_private(self) -> bool:
        """Whether the provider itself is on a private, loopback or link-local address."""
        if not self.provider_base_url:
            return False
        parts = urllib.parse.urlsplit(self.provider_base_url)
        if not parts.hostname:
            return False
        try:
            addresses = self.resolve(parts.hostname, parts.port or 443)
        except DownloadFailed:
            return False
        return any(not is_public_address(a) for a in addresses)

    def fetch_image(self, url: str, *, wait_until_ready: float = 0.0) -> DownloadedImage:
        """The picture behind ``url``; DownloadFailed with a clear message otherwise.

        ``wait_until_ready`` > 0 polls a link that is not ready yet (404, 202 or a body that
        is not a picture yet) for up to that many seconds, as asynchronous models need.
        """
        deadline = time.monotonic() + wait_until_ready
        while True:
            try:
                return self._fetch_once(url)
            except _NotReady as not_ready:
                if time.monotonic() + self.poll_interval > deadline:
                    raise not_ready.error from None
                self.sleep(self.poll_interval)

    # --- one fetch ------------------------------------------------------------------------

    def _fetch_once(self, url: str) -> DownloadedImage:
        started = time.monotonic()
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            status, location, data = self._get(current, started)
            if status in REDIRECT_STATUSES and location:
                current = urllib.parse.urljoin(current, location)
                continue
            return self._image_from(url, status, data)
        raise _failed("download_too_many_redirects")

    def _image_from(self, url: str, status: int, data: bytes) -> DownloadedImage:
        if status in NOT_READY_STATUSES:
            raise _NotReady(self._status_error(status))
        if not 200 <= status < 300:
            raise self._status_error(status)
        try:
            sniffed = sniff_image(data, max_pixels=self.max_pixels)
        except NotAnImage as exc:
            raise _NotReady(_failed("download_not_a_picture", reason=exc.reason)) from None
        return DownloadedImage(url, data, sniffed.format, sniffed.width, sniffed.height)

    def _status_error(self, status: int) -> DownloadFailed:
        code = "download_status_expired" if status in (403, 404, 410) else "download_status"
        return DownloadFailed(UserMessage(code, {"status": status}), status=status)

    def _get(self, url: str, started: float) -> tuple[int, str | None, bytes]:
        target = self._checked_target(url)
        try:
            with (
                httpx.Client(
                    timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
                    transport=self.transport,
                ) as http,
                http.stream(
                    "GET", target.connect_url, headers=target.headers, extensions=target.extensions
                ) as response,
            ):
                if response.status_code in REDIRECT_STATUSES:
                    return response.status_code, response.headers.get("location"), b""
                return response.status_code, None, self._read_capped(response, started)
        except httpx.TimeoutException as exc:
            raise self._too_slow() from exc
        except httpx.HTTPError as exc:
            raise _failed("download_failed", kind=type(exc).__name__) from exc

    def _read_capped(self, response: httpx.Response, started: float) -> bytes:
        too_large = _failed("download_too_large", limit=f"{self.max_bytes / 1_048_576:.0f} MB")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_large
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > self.max_bytes:
                raise too_large
            # A server dripping bytes never trips the read timeout; the whole fetch is capped.
            if time.monotonic() - started > self.timeout:
                raise self._too_slow()
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_slow(self) -> DownloadFailed:
        return _failed("download_too_slow", seconds=f"{self.timeout:.0f}")

    def _checked_target(self, url: str) -> _Target:
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _failed("download_not_http")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = self.resolve(host, port)
        if not addresses:
            raise _failed("download_host_unknown", host=host)
        if not self.allows_private:
            for address in addresses:
                if not is_public_address(address):
                    raise DownloadFailed(
                        UserMessage("download_private_address", {"address": address}),
                        code="image_link_refused",
                    )
        return _Target.pinned(parts, host, port, addresses[0])


class _NotReady(Exception):
    def __init__(self, error: DownloadFailed) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class _Target:
    connect_url: str
    headers: dict[str, str]
    extensions: dict[str, str]

    @classmethod
    def pinned(cls, parts: urllib.parse.SplitResult, host: str, port: int, address: str) -> _Target:
        """The URL with its host replaced by the checked address; Host and TLS keep the name."""
        netloc_host = f"[{address}]" if ":" in address else address
        connect_url = urllib.parse.urlunsplit(
            (parts.scheme, f"{netloc_host}:{port}", parts.path or "/", parts.query, "")
        )
        default_port = 443 if parts.scheme == "https" else 80
        host_header = host if port == default_port else f"{host}:{port}"
        if ":" in host and not host.startswith("["):
            host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        return cls(connect_url, {"Host": host_header, "Accept": "image/*"}, extensions)
