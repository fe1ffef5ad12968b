"""Turns that do not run undisturbed: cancelled by a person, or orphaned by a dead worker."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.integration.client import database_view, open_socket
from tests.integration.stack import (
    DEFAULT_LATENCY,
    LEASE_SECONDS,
    VISIBILITY_TIMEOUT,
    Browser,
    Stack,
)

pytestmark = pytest.mark.integration

# The simulator spreads its latency over the stream: with 3 partials, a sixth of it
# before each partial and the final, so a 6 s turn shows its first partial after ~2 s.
SLOW_TURN_SECONDS = 6.0


def is_partial(message: dict) -> bool:
    return message["type"] == "turn.partial_image"


def files_of(stack: Stack, turn: dict) -> list[str]:
    folder = stack.media_dir / "images" / str(turn["conversation_id"]) / str(turn["id"])
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_cancelling_a_streaming_turn_stops_it_and_nothing_lands_afterwards(
    stack: Stack, alice: Browser
):
    conversation_id = alice.create_conversation("Sunsets")
    stack.simulator_latency(SLOW_TURN_SECONDS, SLOW_TURN_SECONDS)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            turn = alice.start_turn(conversation_id, "a slow sunset", partial_images=3)
            await socket.receive_until(is_partial)
            asked_at = time.monotonic()
            alice.cancel_turn(turn["id"])
            await socket.receive_until(lambda m: m["type"] == "turn.cancelled", timeout=2)
            took = time.monotonic() - asked_at
            # Listen past the moment the final image would have arrived.
            late = await socket.listen_for(SLOW_TURN_SECONDS)
        return socket.view, turn, took, late

    view, turn, took, late = asyncio.run(scenario())

    assert took < 2.0
    assert late == [], "nothing is announced after the cancel"
    snapshot = alice.snapshot(conversation_id)
    (stored,) = snapshot["turns"]
    assert stored["status"] == "cancelled"
    assert [image["role"] for image in stored["images"]] == ["partial"] * len(
        view.turns[turn["id"]]["partials"]
    )
    assert not [name for name in files_of(stack, stored) if name.startswith("final")]
    assert view.turns == database_view(snapshot)


# Killed with only partials written, or with the final image written but the turn not yet
# completed (the simulator pauses between the image and the end of the response).
KILL_POINTS = {
    "after-first-partial": "turn.partial_image",
    "after-final-image": "turn.revised_prompt",
}


@pytest.mark.parametrize("kill_after", KILL_POINTS.values(), ids=KILL_POINTS.keys())
def test_a_turn_whose_worker_is_killed_completes_once_after_redelivery(
    stack: Stack, alice: Browser, kill_after: str
):
    conversation_id = alice.create_conversation("Windmills")
    prompt = f"a windmill in a storm, killed at {kill_after}"
    stack.simulator_latency(SLOW_TURN_SECONDS, SLOW_TURN_SECONDS)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            turn = alice.start_turn(conversation_id, prompt, partial_images=3)
            await socket.receive_until(lambda m: m["type"] == "turn.started")
            delivered_by = time.monotonic()
            await socket.receive_until(lambda m: m["type"] == kill_after)
            stack.kill_worker()
            killed_at = time.monotonic()
            stack.simulator_latency(*DEFAULT_LATENCY)
            # Redis hands an unacknowledged task out again once its visibility timeout has
            # passed since delivery, and a starting worker restores such tasks at once (the
            # periodic restore sweep is too rare, about 100 s, to wait for). The claim then
            # needs the dead worker's heartbeat older than the lease.
            redelivery = max(delivered_by + VISIBILITY_TIMEOUT, killed_at + LEASE_SECONDS)
            await asyncio.sleep(redelivery + 0.5 - time.monotonic())
            stack.start_worker()
            events = await socket.receive_turn(turn["id"], timeout=45)
        return socket.view, events

    view, events = asyncio.run(scenario())

    restarted = next(i for i, e in enumerate(events) if e["type"] == "turn.started")
    assert events[restarted]["attempt"] == 2
    assert [e["type"] for e in events[restarted:]] == [
        "turn.started",
        "turn.partial_image",
        "turn.partial_image",
        "turn.partial_image",
        "turn.revised_prompt",
        "turn.completed",
    ]
    snapshot = alice.snapshot(conversation_id)
    (stored,) = snapshot["turns"]
    assert stored["status"] == "completed"
    assert stored["attempts"] == 2
    assert [i["role"] for i in stored["images"]].count("final") == 1
    # The first attempt's files are gone: storage holds exactly what the database lists,
    # and one thumbnail, of the one final image.
    files = files_of(stack, stored)
    assert len([name for name in files if not name.endswith("-thumb.webp")]) == 4
    assert len([name for name in files if name.endswith("-thumb.webp")]) == 1
    assert view.turns == database_view(snapshot)
    upstream_calls = [
        r for r in stack.simulator_requests() if r["path"] == "/v1/responses" and prompt in str(r)
    ]
    # The killed attempt's call, and one more for the redelivered task: no retry storm.
    assert len(upstream_calls) - 1 <= 1
