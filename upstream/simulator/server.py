"""Run the simulator on a real loopback port in a background thread (tests, embedded mode)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from upstream.simulator.app import create_app
from upstream.simulator.state import SimulatorState


@dataclass
class RunningSimulator:
    host: str
    port: int
    state: SimulatorState
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/v1"

    def inject(self, fault: str, times: int = 1, path: str | None = None) -> None:
        """Arm a fault for the next `times` matching requests (path prefix, e.g. /v1/responses)."""
        self.state.faults.push(fault, times, path)

    def requests(self) -> list[dict[str, Any]]:
        return self.state.recorder.all()

    def clear(self) -> None:
        """Forget recorded requests and queued faults."""
        self.state.reset()

    def configure(self, **settings: Any) -> None:
        """Change settings while the server runs (SimulatorState.configure)."""
        self.state.configure(**settings)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            # Open streams can hold a graceful shutdown; tests must not hang on them.
            self._server.force_exit = True
            self._thread.join(timeout=5)

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    latency: tuple[float, float] = (0.0, 0.0),
    gateway: bool = False,
    models: list | None = None,
    persona: str = "",
    realistic: bool = False,
) -> RunningSimulator:
    """Start the simulator and return once it accepts connections."""
    state = SimulatorState()
    state.configure(
        latency=latency, gateway=gateway, persona=persona, models=models, realistic=realistic
    )
    # Binding the socket ourselves makes port=0 usable: the real port is known at once.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(state),
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=2,
        backlog=1024,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"simulator:{bound_port}", daemon=True
    )
    thread.start()
    running = RunningSimulator(host, bound_port, state, server, thread)
    _wait_until_ready(running, thread)
    return running


def _wait_until_ready(running: RunningSimulator, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the simulator thread exited during start-up")
        try:
            if httpx.get(f"{running.base}/_simulator/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise RuntimeError("the simulator did not start within 10 seconds")
