"""Load: 200 turns at once from 50 websocket clients, on one Daphne and one Celery worker
process, against a simulator that takes 5 to 20 s per turn and sends 3 partial images, each
a realistic picture of the size real providers send (a 1024x1024 PNG of about 2.2 MB).

Every turn must complete, every final image must be in storage, and every client must end
with exactly the database's state. The worker's memory per concurrent stream is reported
(figures are `make bench`'s business; this only records what it saw).
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import pytest

from tests.integration.checks import RUNNING, assert_settled
from tests.integration.client import Socket, open_socket, settle
from tests.integration.stack import RESYNC_SECONDS, Browser, Stack

pytestmark = pytest.mark.integration

PEOPLE = 5
CLIENTS = 50
TURNS_PER_CLIENT = 4
LATENCY = (5.0, 20.0)
# A few prompts, so the simulator draws a few pictures rather than 200 (it caches them).
PROMPTS = ["a fox in snow", "a lighthouse at dusk", "a kite over dunes", "a boat at night"]
# Generous: the slowest turn takes 20 s; the rest is a busy two-core machine.
DEADLINE_SECONDS = 150
REPORT = "report: "


def test_two_hundred_concurrent_turns_complete_and_every_client_ends_with_the_database(
    stack: Stack, alice: Browser, bob: Browser, record_property
):
    people = [alice, bob, *(stack.sign_up(f"load{i}") for i in range(PEOPLE - 2))]
    clients = [
        (people[i % PEOPLE], people[i % PEOPLE].create_conversation(f"Load {i}"))
        for i in range(CLIENTS)
    ]
    stack.simulator_latency(*LATENCY)
    stack.simulator_realistic(True)
    idle_rss = stack.worker.rss_bytes()

    async def scenario() -> tuple[list[Socket], PeakMemory]:
        async with AsyncExitStack() as sockets_open:
            sockets = [
                await sockets_open.enter_async_context(open_socket(stack, browser, cid))
                for browser, cid in clients
            ]
            for socket in sockets:
                await socket.receive()
            peak = PeakMemory(stack, sockets)
            sampling = asyncio.create_task(peak.sample_until_cancelled())
            receivers = [asyncio.create_task(receive_all_turns(socket)) for socket in sockets]
            await asyncio.gather(
                *(
                    asyncio.to_thread(browser.start_turn, cid, prompt, partial_images=3)
                    for browser, cid in clients
                    for prompt in PROMPTS[:TURNS_PER_CLIENT]
                )
            )
            async with asyncio.timeout(DEADLINE_SECONDS):
                await asyncio.gather(*receivers)
            sampling.cancel()
            # A send that timed out on a busy machine reaches its page by the next resync.
            await asyncio.gather(
                *(
                    settle(socket, browser, cid, within=RESYNC_SECONDS * 3)
                    for socket, (browser, cid) in zip(sockets, clients, strict=True)
                )
            )
            return sockets, peak

    started = time.monotonic()
    try:
        sockets, peak = asyncio.run(scenario())
    finally:
        stack.simulator_realistic(False)
    took = time.monotonic() - started

    for (browser, conversation_id), socket in zip(clients, sockets, strict=True):
        snapshot = assert_settled(stack, browser, conversation_id, socket.view)
        assert [turn["status"] for turn in snapshot["turns"]] == ["completed"] * TURNS_PER_CLIENT
    per_stream = (peak.rss - idle_rss) / max(1, peak.streams)
    record_property(f"{REPORT}load: turns", CLIENTS * TURNS_PER_CLIENT)
    record_property(f"{REPORT}load: took", f"{took:.1f} s")
    record_property(f"{REPORT}load: peak concurrent streams", peak.streams)
    record_property(f"{REPORT}load: image bytes stored", f"{stored_bytes(stack) / 1e6:.0f} MB")
    record_property(
        f"{REPORT}load: worker RSS",
        f"{idle_rss / 2**20:.0f} MB idle, {peak.rss / 2**20:.0f} MB at the peak, "
        f"{per_stream / 2**20:.2f} MB per concurrent stream",
    )


async def receive_all_turns(socket: Socket) -> None:
    """Frames until the client holds all its turns finished; a snapshot may tell it that
    as well as an event (a socket catching up gets one)."""
    while not (
        len(socket.view.turns) == TURNS_PER_CLIENT
        and all(turn["status"] not in RUNNING for turn in socket.view.turns.values())
    ):
        await socket.receive(timeout=DEADLINE_SECONDS)


class PeakMemory:
    """The worker's RSS at the moment the most turns streamed at once, as the clients see."""

    def __init__(self, stack: Stack, sockets: list[Socket]):
        self.stack, self.sockets = stack, sockets
        self.streams, self.rss = 0, 0

    async def sample_until_cancelled(self) -> None:
        while True:
            streaming = sum(
                turn["status"] == "streaming"
                for socket in self.sockets
                for turn in socket.view.turns.values()
            )
            if streaming >= self.streams:
                self.streams, self.rss = streaming, self.stack.worker.rss_bytes()
            await asyncio.sleep(0.25)


def stored_bytes(stack: Stack) -> int:
    return sum(path.stat().st_size for path in stack.media_dir.rglob("*") if path.is_file())
