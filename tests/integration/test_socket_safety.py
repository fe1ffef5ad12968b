"""What the websocket does with frames and people it should not trust, on the real stack."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.hardening.corpus import OVERSIZED_FRAME, SOCKET_FRAMES
from tests.integration.client import open_socket
from tests.integration.stack import WEBSOCKET_MAX_MESSAGE_BYTES, Browser, Stack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def conversation_id(alice: Browser) -> int:
    return alice.create_conversation("Private sketches")


@pytest.mark.parametrize("frame", SOCKET_FRAMES.values(), ids=SOCKET_FRAMES.keys())
def test_a_malformed_frame_gets_an_error_and_the_socket_stays_usable(
    stack: Stack, alice: Browser, conversation_id: int, frame: str | bytes
):
    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            await socket.send(frame)
            answer = await socket.receive()
            return answer, await socket.ping()

    answer, pong = asyncio.run(scenario())

    assert answer["type"] == "error"
    assert answer["message"]
    assert pong["type"] == "pong"


def test_a_frame_past_daphnes_limit_closes_the_socket_and_the_server_carries_on(
    stack: Stack, alice: Browser, conversation_id: int
):
    assert len(OVERSIZED_FRAME) > WEBSOCKET_MAX_MESSAGE_BYTES

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            await socket.send(OVERSIZED_FRAME)
            try:
                await socket.receive(timeout=5)
            except ConnectionClosed:
                return True
        return False

    # Autobahn drops the connection on a message past the limit, before the app reads it.
    assert asyncio.run(scenario()), "the oversized frame did not close the connection"
    stack.assert_running()
    assert handshake_status(stack, alice, conversation_id) is None


def test_an_anonymous_socket_is_refused(stack: Stack, conversation_id: int):
    assert handshake_status(stack, None, conversation_id) == 403


def test_another_users_conversation_is_refused(stack: Stack, bob: Browser, conversation_id: int):
    assert handshake_status(stack, bob, conversation_id) == 403


def test_a_socket_from_a_foreign_origin_is_refused(
    stack: Stack, alice: Browser, conversation_id: int
):
    # Cross-site websocket hijacking: alice's cookie, sent by another site's page.
    assert handshake_status(stack, alice, conversation_id, origin="http://evil.example") == 403


def handshake_status(
    stack: Stack, browser: Browser | None, conversation_id: int, origin: str | None = None
) -> int | None:
    """The HTTP status the handshake was refused with; None when it was accepted."""

    async def connect() -> int | None:
        try:
            async with open_socket(stack, browser, conversation_id, origin=origin):
                return None
        except InvalidStatus as refused:
            return refused.response.status_code

    return asyncio.run(connect())
