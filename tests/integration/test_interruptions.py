"""A turn cancelled by a person while it streams (faults of the stack: test_faults.py)."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.integration.checks import stored_files
from tests.integration.client import database_view, open_socket
from tests.integration.stack import Browser, Stack

pytestmark = pytest.mark.integration

# The simulator spreads its latency over the stream: with 3 partials, a sixth of it
# before each partial and the final, so a 6 s turn shows its first partial after ~2 s.
SLOW_TURN_SECONDS = 6.0


def is_partial(message: dict) -> bool:
    return message["type"] == "turn.partial_image"


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
    assert not [name for name in stored_files(stack, stored) if name.startswith("final")]
    assert view.turns == database_view(snapshot)
    # The provider was told to stop generating too.
    (generated,) = stack.simulator_generations("a slow sunset")
    assert stack.simulator_response(generated["response_id"])["status"] == "cancelled"
