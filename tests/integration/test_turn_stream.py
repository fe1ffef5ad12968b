"""One turn's whole path on the real stack: HTTP post, Celery worker, simulator, Redis,
Daphne, websocket; and what the database and storage hold at the end."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from tests.integration.client import Socket, database_view, open_socket
from tests.integration.stack import Browser, Stack

pytestmark = pytest.mark.integration

STREAM_ORDER = [
    "turn.queued",
    "turn.started",
    "turn.partial_image",
    "turn.partial_image",
    "turn.partial_image",
    "turn.revised_prompt",
    "turn.completed",
]


def test_a_turn_streams_in_order_and_ends_as_the_database_has_it(stack: Stack, alice: Browser):
    conversation_id = alice.create_conversation("Lighthouses")

    async def scenario() -> tuple[Socket, list[dict], int]:
        async with open_socket(stack, alice, conversation_id) as socket:
            snapshot = await socket.receive()
            turn = alice.start_turn(conversation_id, "a lighthouse at dusk", partial_images=3)
            return socket, await socket.receive_turn(turn["id"]), snapshot["sequence"]

    socket, events, snapshot_sequence = asyncio.run(scenario())

    assert [e["type"] for e in events] == STREAM_ORDER
    partials = [e["image"]["partial_index"] for e in events if e["type"] == "turn.partial_image"]
    assert partials == [0, 1, 2]
    sequences = [snapshot_sequence] + [e["sequence"] for e in events]
    assert sequences == sorted(set(sequences)), "sequence numbers must strictly increase"

    snapshot = alice.snapshot(conversation_id)
    assert socket.view.turns == database_view(snapshot)
    assert socket.view.sequence == snapshot["sequence"]
    (turn,) = snapshot["turns"]
    assert turn["status"] == "completed"
    assert turn["revised_prompt"]
    assert_images_served_from_storage(stack, alice, turn)


def assert_images_served_from_storage(stack: Stack, browser: Browser, turn: dict) -> None:
    """Every image URL answers with the bytes of a file under STUDIO_VAR_DIR/media."""
    folder = stack.media_dir / "images" / str(turn["conversation_id"]) / str(turn["id"])
    on_disk = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in folder.iterdir()}
    roles = sorted(image["role"] for image in turn["images"])
    assert roles == ["final", "partial", "partial", "partial"]
    for image in turn["images"]:
        response = browser.http.get(image["url"])
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/")
        stored = on_disk.get(hashlib.sha256(response.content).hexdigest())
        assert stored is not None, f"{image['url']} is not a file under {folder}"
        assert stored.name.startswith(image["role"])


def test_a_socket_left_idle_still_relays_the_next_turn(stack: Stack, alice: Browser):
    conversation_id = alice.create_conversation("Quiet evenings")

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            # Longer than channels_redis blocks on Redis (5 s) between reads: the socket must
            # survive its own idle channel, as a browser tab left open does.
            idle = await socket.listen_for(7.0)
            turn = alice.start_turn(conversation_id, "a quiet evening")
            return idle, await socket.receive_turn(turn["id"])

    idle, events = asyncio.run(scenario())

    assert idle == []
    assert events[-1]["type"] == "turn.completed"
