"""Clients that arrive late or come back: a snapshot of what the database holds, then news.

Decision 1 of the architecture: the database is the truth and events are news, so a client
that missed events must end with exactly the state a client that saw them all has.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.client import database_view, open_socket
from tests.integration.stack import Browser, Stack

pytestmark = pytest.mark.integration


def is_partial(message: dict) -> bool:
    return message["type"] == "turn.partial_image"


def test_a_client_joining_mid_stream_gets_the_partials_so_far_then_the_rest(
    stack: Stack, alice: Browser
):
    conversation_id = alice.create_conversation("Kites")
    # Slow enough that the turn is surely still streaming when the second client arrives.
    stack.simulator_latency(3.0, 3.0)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as first:
            await first.receive()
            turn = alice.start_turn(conversation_id, "a red kite over dunes", partial_images=3)
            await first.receive_until(is_partial)
            async with open_socket(stack, alice, conversation_id) as second:
                joined = await second.receive()
                rest = await second.receive_turn(turn["id"])
            await first.receive_turn(turn["id"])
            return first.view, second.view, joined, rest

    first, second, joined, rest = asyncio.run(scenario())

    (turn,) = joined["turns"]
    assert turn["status"] == "streaming"
    so_far = [i["partial_index"] for i in turn["images"] if i["role"] == "partial"]
    assert so_far, "the snapshot carries the partial the first client already saw"
    # No event older than the snapshot is repeated, and none is missing.
    assert all(event["sequence"] > joined["sequence"] for event in rest)
    later = [event["image"]["partial_index"] for event in rest if is_partial(event)]
    assert so_far + later == [0, 1, 2]
    assert rest[-1]["type"] == "turn.completed"
    database = database_view(alice.snapshot(conversation_id))
    assert second.turns == database
    assert first.turns == database


def test_a_client_reconnecting_after_n_gets_the_turns_it_missed(stack: Stack, alice: Browser):
    conversation_id = alice.create_conversation("Harbours")
    before = alice.start_turn(conversation_id, "a harbour at dawn")
    alice.wait_for_turn(conversation_id, before["id"])
    stack.simulator_latency(3.0, 3.0)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            streaming = alice.start_turn(conversation_id, "a harbour at noon", partial_images=2)
            await socket.receive_until(is_partial)
        seen = socket.view.sequence
        # While the client is away its turn finishes and another runs from start to end.
        stack.simulator_latency(0.5, 0.5)
        missed_whole = alice.start_turn(conversation_id, "a harbour at night")
        for turn in (streaming, missed_whole):
            alice.wait_for_turn(conversation_id, turn["id"])
        async with open_socket(stack, alice, conversation_id, after=seen, view=socket.view) as back:
            resumed = await back.receive()
        # The same question asked on an open socket gets the same answer.
        async with open_socket(stack, alice, conversation_id) as other:
            await other.receive()
            await other.send({"type": "resume", "after": seen})
            asked = await other.receive()
        return back.view, seen, resumed, asked, {streaming["id"], missed_whole["id"]}

    view, seen, resumed, asked, missed_ids = asyncio.run(scenario())

    assert resumed["type"] == "snapshot"
    assert resumed["after"] == seen
    assert {turn["id"] for turn in resumed["turns"]} == missed_ids
    assert asked["turns"] == resumed["turns"]
    snapshot = alice.snapshot(conversation_id)
    assert view.turns == database_view(snapshot)
    assert view.sequence == snapshot["sequence"]
