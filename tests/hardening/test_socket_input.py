"""Every malformed websocket frame of the corpus gets an error frame; the socket stays
usable and nothing changes. A flood is answered with errors instead of work."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from conversations.consumers import MESSAGE_BURST, MESSAGES_PER_SECOND
from tests.conversations.test_consumers import connect
from tests.hardening.corpus import FLOOD_FRAMES, SOCKET_FRAMES

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def send_frame(communicator, frame: str | bytes) -> None:
    if isinstance(frame, bytes):
        await communicator.send_to(bytes_data=frame)
    else:
        await communicator.send_to(text_data=frame)


@pytest.mark.parametrize("name", SOCKET_FRAMES)
async def test_a_malformed_frame_gets_an_error_frame_and_changes_nothing(conversation, alice, name):
    communicator, connected = await connect(conversation.pk, alice)
    assert connected
    snapshot = await communicator.receive_json_from()

    await send_frame(communicator, SOCKET_FRAMES[name])
    answer = await communicator.receive_json_from()

    assert answer["type"] == "error" and answer["message"]
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {
        "type": "pong",
        "sequence": snapshot["sequence"],
    }
    await communicator.disconnect()
    await sync_to_async(conversation.refresh_from_db)()
    assert conversation.last_sequence == snapshot["sequence"]


async def test_a_flood_is_answered_with_errors_beyond_the_burst_and_the_socket_recovers(
    conversation, alice
):
    communicator, _ = await connect(conversation.pk, alice)
    await communicator.receive_json_from()

    for _ in range(FLOOD_FRAMES):
        await communicator.send_json_to({"type": "resume", "after": 0})
    answers = [await communicator.receive_json_from() for _ in range(FLOOD_FRAMES)]

    kinds = [answer["type"] for answer in answers]
    # The burst is served (a few may refill while the flood is read); the rest is refused.
    assert MESSAGE_BURST <= kinds.count("snapshot") < MESSAGE_BURST + 10
    assert kinds.count("error") == FLOOD_FRAMES - kinds.count("snapshot")
    assert "slow down" in answers[-1]["message"]
    await asyncio.sleep(1 / MESSAGES_PER_SECOND + 0.1)
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()
