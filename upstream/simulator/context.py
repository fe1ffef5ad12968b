"""Per-request knobs: latency, fault, gateway mode, ids; and paced waits with keepalives."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio
from starlette.requests import Request

from upstream.simulator.api_errors import APIError, moderation_blocked
from upstream.simulator.faults import (
    DEFAULT_SLOW_FIRST_BYTE,
    FAULT_HEADER,
    FAULTS,
    fault_from_prompt,
)
from upstream.simulator.state import SimulatorState

LATENCY_HEADER = "x-simulator-latency"
GATEWAY_HEADER = "x-simulator-gateway"
# Waits longer than this are broken up by keepalives, as the real API does on long runs.
KEEPALIVE_INTERVAL = 1.0


def new_id(prefix: str, length: int = 0) -> str:
    """A fresh id; `length` pads it, as gateways that pack state into ids do (one answered
    with 473-character response ids)."""
    short = prefix + secrets.token_hex(24)
    if length <= len(short):
        return short
    return short + secrets.token_hex(length // 2)[: length - len(short)]


class CutConnection(Exception):
    """Raised inside a body iterator to drop the connection with no terminal event."""


@dataclass
class RequestContext:
    state: SimulatorState
    request_id: str
    latency: float
    latency_header: float | None
    fault: str | None
    gateway: bool
    realistic: bool
    base_url: str
    created: int
    _handled_fault: str | None = None

    @classmethod
    def from_request(cls, request: Request, state: SimulatorState) -> RequestContext:
        header_latency = _float_header(request, LATENCY_HEADER)
        fault = request.headers.get(FAULT_HEADER) or state.faults.take(request.url.path)
        if fault and fault not in FAULTS:
            raise APIError(400, f"Unknown simulator fault {fault!r}.", param=FAULT_HEADER)
        gateway_header = request.headers.get(GATEWAY_HEADER)
        gateway = (
            state.settings.gateway
            if gateway_header is None
            else gateway_header.lower() in ("1", "true", "yes")
        )
        return cls(
            state=state,
            request_id="req_" + secrets.token_hex(16),
            latency=header_latency if header_latency is not None else state.settings.pick_latency(),
            latency_header=header_latency,
            fault=fault,
            gateway=gateway,
            realistic=state.settings.realistic,
            base_url=str(request.base_url).rstrip("/"),
            created=int(time.time()),
        )

    def note_prompt(self, prompt: str | None) -> None:
        """A `[fault:NAME]` tag in the prompt arms that fault (handy for demos)."""
        self.fault = self.fault or fault_from_prompt(prompt)

    async def before_answer(self) -> None:
        """Status faults answer at once; slow_first_byte waits before sending headers.

        Called before and after the body is read (a prompt tag may arm a fault); runs once."""
        if self.fault is None or self.fault == self._handled_fault:
            return
        self._handled_fault = self.fault
        if self.fault == "rate_limit":
            raise APIError(
                429,
                "Rate limit reached for requests per min. Please try again in 1s.",
                type="requests",
                code="rate_limit_exceeded",
                headers={"retry-after": "1", "retry-after-ms": "1000", **_ratelimit_headers()},
            )
        if self.fault == "insufficient_quota":
            raise APIError(
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                type="insufficient_quota",
                code="insufficient_quota",
            )
        if self.fault == "server_error":
            raise APIError(
                500,
                "The server had an error while processing your request. Sorry about that!",
                type="server_error",
                code="server_error",
            )
        if self.fault == "moderation":
            raise moderation_blocked(self.request_id)
        if self.fault == "slow_first_byte":
            wait = (
                self.latency_header if self.latency_header is not None else DEFAULT_SLOW_FIRST_BYTE
            )
            self.latency = 0.0  # the header's seconds were spent before the first byte
            await anyio.sleep(wait)


async def paced(seconds: float, keepalive: Callable[[], bytes]) -> AsyncIterator[bytes]:
    """Sleep `seconds`, yielding a keepalive at every KEEPALIVE_INTERVAL of the wait."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if left > KEEPALIVE_INTERVAL:
            await anyio.sleep(KEEPALIVE_INTERVAL)
            yield keepalive()
        else:
            await anyio.sleep(left)
            return


def _float_header(request: Request, name: str) -> float | None:
    value = request.headers.get(name)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        raise APIError(400, f"Header {name} must be a number of seconds.", param=name) from None


def _ratelimit_headers() -> dict[str, str]:
    return {
        "x-ratelimit-limit-requests": "50",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-limit-tokens": "100000",
        "x-ratelimit-remaining-tokens": "99000",
        "x-ratelimit-reset-tokens": "600ms",
    }
