from __future__ import annotations

import threading
import time

import httpx

from tests.upstream.simulator.helpers import names, post_stream

BODY = {"model": "gpt-4.1", "input": "a blue square", "stream": True,
        "tools": [{"type": "image_generation", "size": "1024x1024", "quality": "low"}]}  # fmt: skip


def test_per_request_latency_is_spread_over_the_stream(client):
    arrivals = []
    start = time.monotonic()
    with client.stream(
        "POST", "/responses", json=BODY, headers={"X-Simulator-Latency": "0.6"}
    ) as response:
        for line in response.iter_lines():
            if line.startswith("event:"):
                arrivals.append((line, time.monotonic() - start))
    # Sleeps only ever run long, so these bounds hold however busy the machine is: the
    # latency is spent between the events, not before the first one.
    assert arrivals[-1][1] >= 0.6
    assert arrivals[-1][1] - arrivals[0][1] >= 0.4


def test_long_waits_send_keepalive_events(client):
    events = post_stream(client, "/responses", json=BODY, headers={"X-Simulator-Latency": "3.2"})
    keepalives = [d for n, d in events if n == "keepalive"]
    assert keepalives and all(set(k) == {"type", "sequence_number"} for k in keepalives)
    assert [d["sequence_number"] for _, d in events] == list(range(len(events)))


def test_images_streams_keep_alive_with_comments(client):
    body = {"model": "gpt-image-1", "prompt": "x", "stream": True, "quality": "low"}
    events = post_stream(
        client, "/images/generations", json=body, headers={"X-Simulator-Latency": "1.5"}
    )
    assert events[0][0] == ":" and names(events) == ["image_generation.completed"]


def test_server_wide_latency_applies_to_non_streaming_requests(sim, client):
    httpx.post(f"{sim.base}/_simulator/config", json={"latency": [0.4, 0.4]})
    start = time.monotonic()
    client.post("/images/generations", json={"prompt": "x"})
    assert time.monotonic() - start >= 0.4


def test_fifty_slow_streams_are_served_concurrently(sim):
    tool = {"type": "image_generation", "quality": "low", "partial_images": 1}
    # What each stream reached, in the order it happened across all of them.
    progress: list[str] = []
    lock = threading.Lock()
    # One shared client: creating 50 clients costs more CPU than the streams themselves.
    limits = httpx.Limits(max_connections=100)
    with httpx.Client(base_url=sim.url, timeout=60, limits=limits) as http:

        def one() -> None:
            headers = {"X-Simulator-Latency": "3"}
            with http.stream(
                "POST", "/responses", json={**BODY, "tools": [tool]}, headers=headers
            ) as r:
                seen: list[str] = []
                for line in r.iter_lines():
                    if line.startswith("event:"):
                        if not seen:
                            with lock:
                                progress.append("started")
                        seen.append(line[6:].strip())
                with lock:
                    progress.append(seen[-1])

        threads = [threading.Thread(target=one) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert progress.count("response.completed") == 50
    # Served one after another, the second stream would start only after the first ended.
    assert progress[:50] == ["started"] * 50
