from __future__ import annotations

import time

import httpx
import pytest

from tests.upstream.simulator.helpers import names, read_sse

BODY = {"model": "gpt-4.1", "input": "a red circle", "stream": True,
        "tools": [{"type": "image_generation", "partial_images": 2}]}  # fmt: skip


def _fault(name: str) -> dict[str, str]:
    return {"X-Simulator-Fault": name}


def test_rate_limit_is_a_429_with_retry_headers(client):
    response = client.post("/responses", json=BODY, headers=_fault("rate_limit"))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1" and response.headers["retry-after-ms"] == "1000"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"


def test_insufficient_quota_and_server_error(client):
    quota = client.post("/responses", json=BODY, headers=_fault("insufficient_quota"))
    assert quota.status_code == 429 and quota.json()["error"]["code"] == "insufficient_quota"
    server = client.post(
        "/images/generations", json={"prompt": "x"}, headers=_fault("server_error")
    )
    assert server.status_code == 500 and server.json()["error"]["type"] == "server_error"


def test_moderation_block_matches_the_protocol(client):
    response = client.post("/responses", json=BODY, headers=_fault("moderation"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "image_generation_user_error" and error["code"] == "moderation_blocked"
    assert error["message"].startswith("Your request was rejected by the safety system.")
    assert "safety_violations=[sexual]" in error["message"]
    assert error["moderation_details"] == {"moderation_stage": "input", "categories": ["sexual"]}
    assert error["param"] is None


def test_moderation_stream_fails_mid_stream(client):
    with client.stream(
        "POST", "/responses", json=BODY, headers=_fault("moderation_stream")
    ) as response:
        events = read_sse(response)
    assert names(events)[-1] == "response.failed"
    failed = events[-1][1]["response"]
    assert failed["status"] == "failed" and failed["error"]["code"] == "moderation_blocked"


def test_cut_drops_the_stream_after_a_partial_image(client):
    seen = []
    stream = client.stream("POST", "/responses", json=BODY, headers=_fault("cut"))
    with pytest.raises(httpx.RemoteProtocolError), stream as response:
        for line in response.iter_lines():
            seen.append(line)
    text = "\n".join(seen)
    assert "partial_image" in text and "response.completed" not in text


def test_cut_on_an_images_stream(client):
    body = {"model": "gpt-image-1", "prompt": "x", "stream": True}
    stream = client.stream("POST", "/images/generations", json=body, headers=_fault("cut"))
    with pytest.raises(httpx.RemoteProtocolError), stream as response:
        list(response.iter_lines())


def test_stream_error_sends_both_error_forms(client):
    with client.stream("POST", "/responses", json=BODY, headers=_fault("stream_error")) as response:
        events = read_sse(response)
    error = events[-1][1]
    assert (
        events[-1][0] == "error"
        and error["code"] == "server_error"
        and error["error"]["code"] == "server_error"
    )


def test_slow_first_byte_delays_the_headers(client):
    start = time.monotonic()
    headers = {**_fault("slow_first_byte"), "X-Simulator-Latency": "0.5"}
    response = client.post("/images/generations", json={"prompt": "x"}, headers=headers)
    assert response.status_code == 200 and time.monotonic() - start >= 0.5


def test_queued_faults_hit_the_next_matching_requests_only(sim, client):
    sim.inject("server_error", times=2, path="/v1/images")
    assert client.post("/responses", json={**BODY, "stream": False}).status_code == 200
    assert client.post("/images/generations", json={"prompt": "x"}).status_code == 500
    assert client.post("/images/generations", json={"prompt": "x"}).status_code == 500
    assert client.post("/images/generations", json={"prompt": "x"}).status_code == 200


def test_faults_can_be_queued_over_http(sim, client):
    queued = httpx.post(f"{sim.base}/_simulator/faults", json={"fault": "rate_limit", "times": 1})
    assert queued.json()["pending"] == [{"fault": "rate_limit", "times": 1, "path": None}]
    assert client.post("/responses", json=BODY).status_code == 429
    assert httpx.post(f"{sim.base}/_simulator/faults", json={"fault": "nope"}).status_code == 400


def test_a_prompt_tag_triggers_the_fault(client):
    body = {**BODY, "input": "a cat [fault:rate_limit]"}
    assert client.post("/responses", json=body).status_code == 429
    images = client.post("/images/generations", json={"prompt": "a cat [fault:moderation]"})
    assert images.json()["error"]["code"] == "moderation_blocked"


def test_unknown_fault_header_is_a_400(client):
    assert client.post("/responses", json=BODY, headers=_fault("bogus")).status_code == 400
