"""Retries as the OpenAI SDK does them, before the first byte of a body only.

Retried: connection errors, timeouts, 408, 409, 429 and >=500, unless the server says
`x-should-retry: false` (or `true` to force one), or a 429 is `insufficient_quota`, which no
wait will fix. The wait is the server's `retry-after-ms`, then `retry-after` (seconds or an
HTTP date) when it is at most 60 s; otherwise 0.5 s x 2^n capped at 8 s, minus up to 25 %
jitter. Once a stream has yielded, failures are the caller's to handle.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from upstream.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    error_from_response,
    redact,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# Above this a server-advised wait is not honoured here: the error goes up with
# retry_after set, and the task queue decides when to try again.
MAX_RETRY_AFTER = 60.0

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = DEFAULT_MAX_RETRIES
    sleep: Sleep = field(default=time.sleep, compare=False)


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asks us to wait, from retry-after-ms or retry-after."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt: int, headers: httpx.Headers | None = None) -> float:
    """The wait before retry number `attempt` (0-based)."""
    advised = parse_retry_after(headers) if headers is not None else None
    if advised is not None and math.isfinite(advised) and 0 < advised <= MAX_RETRY_AFTER:
        return advised
    delay = min(INITIAL_RETRY_DELAY * 2.0 ** min(attempt, 1000), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def should_retry(error: APIStatusError, headers: httpx.Headers) -> bool:
    if error.code == "insufficient_quota":
        return False
    advised = parse_retry_after(headers)
    if advised is not None and math.isfinite(advised) and advised > MAX_RETRY_AFTER:
        return False
    override = headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    return error.is_retryable


def send_with_retries(
    send: Callable[[], httpx.Response], policy: RetryPolicy, *, secret: str | None = None
) -> httpx.Response:
    """Call `send` until it gives a 2xx response, which is returned unread if it streams.

    Raises APIStatusError (by status), APITimeoutError or APIConnectionError when retries
    are used up or the failure is not retryable. `secret` is kept out of error messages.
    """
    attempt = 0
    while True:
        try:
            response = send()
        except httpx.TimeoutException as exc:
            error: Exception = APITimeoutError(
                f"The image provider did not answer in time ({type(exc).__name__})."
            )
            headers = httpx.Headers()
        except httpx.TransportError as exc:
            reason = redact(str(exc), secret) or type(exc).__name__
            error = APIConnectionError(f"Could not reach the image provider: {reason}.")
            headers = httpx.Headers()
        else:
            if response.is_success:
                return response
            error, headers = _status_error(response, secret)
        if attempt >= policy.max_retries or not _retryable(error, headers):
            raise error
        delay = backoff_delay(attempt, headers)
        log.info("upstream request failed (%s); retry %d in %.2fs", error, attempt + 1, delay)
        policy.sleep(delay)
        attempt += 1


def _status_error(
    response: httpx.Response, secret: str | None
) -> tuple[APIStatusError, httpx.Headers]:
    try:
        response.read()
    except httpx.HTTPError:
        # A body we cannot read still has a status that says what happened.
        pass
    finally:
        response.close()
    retry_after = parse_retry_after(response.headers)
    return error_from_response(response, retry_after=retry_after, secret=secret), response.headers


def _retryable(error: Exception, headers: httpx.Headers) -> bool:
    if isinstance(error, APIStatusError):
        return should_retry(error, headers)
    return isinstance(error, APIConnectionError)
