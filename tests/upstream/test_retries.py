from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from tests.upstream.loopback import LoopbackServer, Reply, responses_events, sse_reply
from upstream import errors
from upstream.client import UpstreamClient
from upstream.errors import StreamInterrupted
from upstream.retries import backoff_delay, parse_retry_after

OK = {"id": "resp_1", "object": "response", "status": "completed", "output": []}


def error_body(code: str | None = None) -> dict:
    return {"error": {"message": "nope", "type": "t", "param": None, "code": code}}


class Script:
    """A MockTransport handler answering a fixed list of responses (or exceptions)."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[], httpx.Response]):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_client(script: Script, **kwargs) -> tuple[UpstreamClient, list[float]]:
    sleeps: list[float] = []
    client = UpstreamClient(
        "http://upstream.test/v1",
        "sk-test",
        transport=httpx.MockTransport(script),
        sleep=sleeps.append,
        **kwargs,
    )
    return client, sleeps


def test_429_with_retry_after_is_retried_after_that_wait():
    script = Script(
        httpx.Response(429, json=error_body("rate_limit_exceeded"), headers={"retry-after": "3"}),
        httpx.Response(200, json=OK),
    )
    client, sleeps = make_client(script)
    assert client.create_response({"model": "gpt-5"})["id"] == "resp_1"
    assert sleeps == [3.0]


def test_retry_after_ms_wins_over_retry_after():
    headers = httpx.Headers({"retry-after-ms": "250", "retry-after": "10"})
    assert parse_retry_after(headers) == 0.25
    assert backoff_delay(0, headers) == 0.25


def test_retry_after_as_http_date():
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    assert 3.5 < parse_retry_after(httpx.Headers({"retry-after": when})) <= 5


def test_retry_after_beyond_a_minute_is_not_waited_for():
    script = Script(
        httpx.Response(429, json=error_body("rate_limit_exceeded"), headers={"retry-after": "600"}),
        httpx.Response(200, json=OK),
    )
    client, sleeps = make_client(script)
    with pytest.raises(errors.RateLimitError) as caught:
        client.create_response({})
    assert caught.value.retry_after == 600
    assert script.calls == 1 and sleeps == []


def test_server_errors_are_retried_with_backoff_then_raised():
    script = Script(httpx.Response(500, json=error_body("server_error")))
    client, sleeps = make_client(script)
    with pytest.raises(errors.InternalServerError):
        client.create_response({})
    assert script.calls == 3
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0


def test_backoff_is_capped_at_eight_seconds():
    assert 6.0 <= backoff_delay(10) <= 8.0


def test_max_retries_is_configurable():
    script = Script(httpx.Response(503, json=error_body()))
    client, _ = make_client(script, max_retries=0)
    with pytest.raises(errors.InternalServerError):
        client.create_response({})
    assert script.calls == 1


@pytest.mark.parametrize("status", [408, 409])
def test_timeouts_and_conflicts_are_retried(status):
    script = Script(httpx.Response(status, json=error_body()), httpx.Response(200, json=OK))
    client, _ = make_client(script)
    client.create_response({})
    assert script.calls == 2


def test_client_errors_are_not_retried():
    script = Script(httpx.Response(400, json=error_body("invalid_value")))
    client, _ = make_client(script)
    with pytest.raises(errors.BadRequestError):
        client.create_response({})
    assert script.calls == 1


def test_insufficient_quota_is_never_retried():
    headers = {"x-should-retry": "true"}
    script = Script(httpx.Response(429, json=error_body("insufficient_quota"), headers=headers))
    client, _ = make_client(script)
    with pytest.raises(errors.RateLimitError) as caught:
        client.create_response({})
    assert caught.value.code == "insufficient_quota"
    assert script.calls == 1


def test_x_should_retry_overrides_the_status():
    no = Script(httpx.Response(500, json=error_body(), headers={"x-should-retry": "false"}))
    client, _ = make_client(no)
    with pytest.raises(errors.InternalServerError):
        client.create_response({})
    assert no.calls == 1
    yes = Script(
        httpx.Response(400, json=error_body(), headers={"x-should-retry": "true"}),
        httpx.Response(200, json=OK),
    )
    client, _ = make_client(yes)
    client.create_response({})
    assert yes.calls == 2


def test_connection_errors_are_retried_then_raised():
    script = Script(httpx.ConnectError("refused"))
    client, sleeps = make_client(script)
    with pytest.raises(errors.APIConnectionError):
        client.create_response({})
    assert script.calls == 3 and len(sleeps) == 2


def test_timeouts_raise_api_timeout_error():
    script = Script(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"), httpx.ReadTimeout("x"))
    client, _ = make_client(script)
    with pytest.raises(errors.APITimeoutError):
        client.create_response({})


def test_a_timeout_then_success_succeeds():
    script = Script(httpx.ConnectTimeout("slow"), httpx.Response(200, json=OK))
    client, _ = make_client(script)
    assert client.create_response({})["id"] == "resp_1"


@pytest.fixture
def loopback():
    server = LoopbackServer()
    yield server
    server.stop()


def test_stream_is_retried_before_its_first_byte(loopback):
    loopback.add(
        Reply.json(429, error_body("rate_limit_exceeded"), {"retry-after-ms": "10"}),
        Reply.json(502, error_body()),
        sse_reply(responses_events()),
    )
    sleeps: list[float] = []
    client = UpstreamClient(loopback.url, "sk-test", sleep=sleeps.append)
    with client, client.stream_response({}) as stream:
        assert list(stream)
    assert len(loopback.received) == 3 and sleeps[0] == 0.01


def test_stream_is_not_retried_once_it_started(loopback):
    loopback.add(sse_reply(responses_events()[:4], cut=True), sse_reply(responses_events()))
    with UpstreamClient(loopback.url, "sk-test", sleep=lambda s: None) as client:
        stream = client.stream_response({})
        with pytest.raises(StreamInterrupted), stream:
            list(stream)
    assert len(loopback.received) == 1


def test_default_sleep_of_a_stream_is_cut_short_by_close(loopback):
    loopback.add(Reply.json(429, error_body("rate_limit_exceeded"), {"retry-after": "30"}))
    with UpstreamClient(loopback.url, "sk-test") as client:
        stream = client.stream_response({})
        threading.Timer(0.2, stream.close).start()
        started = time.monotonic()
        with pytest.raises(errors.StreamClosed), stream:
            pass
    assert time.monotonic() - started < 2
