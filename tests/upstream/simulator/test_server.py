from __future__ import annotations

import subprocess
import sys
import time

import httpx

from upstream.simulator.__main__ import parse_latency
from upstream.simulator.server import start_in_thread


def test_start_in_thread_serves_on_a_loopback_port_and_stops():
    running = start_in_thread(latency=(0.1, 0.2), gateway=True)
    try:
        assert (
            running.url == f"http://127.0.0.1:{running.port}/v1"
            and running.base + "/v1" == running.url
        )
        health = httpx.get(f"{running.base}/_simulator/health").json()
        assert health == {
            "status": "ok",
            "latency": [0.1, 0.2],
            "gateway": True,
            "persona": "",
            "link_ttl": 3600.0,
            "generations": 0,
            "realistic": False,
        }
    finally:
        running.stop()
    try:
        httpx.get(f"{running.base}/_simulator/health", timeout=1)
        raise AssertionError("still serving after stop()")
    except httpx.TransportError:
        pass


def test_helpers_inject_record_and_clear(sim):
    sim.inject("server_error")
    assert httpx.post(f"{sim.url}/images/generations", json={"prompt": "x"}).status_code == 500
    assert [r["path"] for r in sim.requests()] == ["/v1/images/generations"]
    sim.clear()
    assert sim.requests() == []


def test_unknown_paths_answer_in_the_error_envelope(client):
    response = client.get("/nothing")
    assert (
        response.status_code == 404 and response.json()["error"]["type"] == "invalid_request_error"
    )


def test_parse_latency():
    assert parse_latency("0.5-2") == (0.5, 2.0)
    assert parse_latency("1") == (1.0, 1.0)


def test_command_line_runs_the_server():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "upstream.simulator",
            "--port",
            str(port),
            "--latency",
            "0-0.1",
            "--gateway",
            "--realistic",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_simulator/health", timeout=1).json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health["gateway"] is True and health["latency"] == [0.0, 0.1]
        assert health["realistic"] is True
    finally:
        process.terminate()
        process.wait(timeout=10)
