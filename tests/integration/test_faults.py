"""Faults on the real stack, one test each: a turn always ends, nothing it produced is lost,
the browser ends with the database's state, and a redelivered turn calls the provider at
most once more.

The upstream faults (429, 500, a cut stream) are armed in the simulator's fault queue for
the next call; the others are done to the processes themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed

from tests.integration.checks import RUNNING, assert_settled
from tests.integration.client import (
    ConversationView,
    Socket,
    open_socket,
    reopen_socket,
    settle,
)
from tests.integration.stack import (
    DB_NAME,
    LEASE_SECONDS,
    RESYNC_SECONDS,
    VISIBILITY_TIMEOUT,
    Browser,
    Stack,
    require_services,
)

pytestmark = pytest.mark.integration

# The simulator spreads its latency over the stream: with 3 partials, a sixth of it
# before each partial and the final, so a 6 s turn shows its first partial after ~2 s.
SLOW_TURN_SECONDS = 6.0
VERY_SLOW_TURN_SECONDS = 20.0


def is_partial(message: dict) -> bool:
    return message["type"] == "turn.partial_image"


def event_types(events: list[dict]) -> list[str]:
    return [event["type"] for event in events]


STREAMED = [
    "turn.started",
    "turn.partial_image",
    "turn.partial_image",
    "turn.partial_image",
    "turn.revised_prompt",
    "turn.completed",
]


# --- upstream faults ------------------------------------------------------------------------


def run_one_turn(stack: Stack, browser: Browser, title: str, prompt: str) -> tuple[Socket, list]:
    conversation_id = browser.create_conversation(title)

    async def scenario():
        async with open_socket(stack, browser, conversation_id) as socket:
            await socket.receive()
            turn = browser.start_turn(conversation_id, prompt, partial_images=3)
            return socket, await socket.receive_turn(turn["id"], timeout=45)

    return asyncio.run(scenario())


def test_a_rate_limited_call_is_retried_and_the_turn_completes(stack: Stack, alice: Browser):
    prompt = "a harbour seal, first answered with 429"
    stack.simulator_fault("rate_limit", times=1)

    socket, events = run_one_turn(stack, alice, "Seals", prompt)

    # The retry happens before any byte of the answer: the browser sees one clean stream.
    assert event_types(events) == ["turn.queued", *STREAMED]
    assert len(stack.upstream_calls(prompt)) == 2
    assert_settled(stack, alice, events[0]["conversation_id"], socket.view)


def test_three_server_errors_end_the_turn_with_a_clear_failure(stack: Stack, alice: Browser):
    prompt = "a lantern, answered with 500 every time"
    stack.simulator_fault("server_error", times=3)

    socket, events = run_one_turn(stack, alice, "Lanterns", prompt)

    assert event_types(events) == ["turn.queued", "turn.started", "turn.failed"]
    error = events[-1]["error"]
    assert error["code"] == "server_error"
    # The provider's own sentence, for a person: no traceback, no request id.
    assert "server had an error" in error["message"]
    assert "Traceback" not in error["message"] and "req_" not in error["message"]
    # The first call and its two retries; no fresh attempt after a failure before any byte.
    assert len(stack.upstream_calls(prompt)) == 3
    assert_settled(stack, alice, events[0]["conversation_id"], socket.view)


def test_a_stream_cut_half_way_resumes_the_same_response(stack: Stack, alice: Browser):
    prompt = "a paper boat, its first stream cut"
    stack.simulator_fault("cut", times=1)

    socket, events = run_one_turn(stack, alice, "Boats", prompt)

    # The provider went on generating; the worker picked the stream up after the partial
    # it had recorded, so the browser sees one clean stream.
    assert event_types(events) == ["turn.queued", *STREAMED]
    assert len(stack.upstream_calls(prompt)) == 1
    (generated,) = stack.simulator_generations(prompt)
    assert generated["generations"] == 1
    snapshot = assert_settled(stack, alice, events[0]["conversation_id"], socket.view)
    (turn,) = snapshot["turns"]
    assert turn["status"] == "completed" and turn["response_id"] == generated["response_id"]
    assert sorted(i["partial_index"] for i in turn["images"] if i["role"] == "partial") == [0, 1, 2]


# --- a browser that goes away ---------------------------------------------------------------


def test_a_browser_that_disconnects_mid_stream_resumes_where_it_left(stack: Stack, alice: Browser):
    conversation_id = alice.create_conversation("Comets")
    stack.simulator_latency(SLOW_TURN_SECONDS, SLOW_TURN_SECONDS)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            turn = alice.start_turn(conversation_id, "a comet over hills", partial_images=3)
            await socket.receive_until(is_partial)
        # Away for a moment while the turn goes on streaming, then back with ?after=.
        await asyncio.sleep(1.5)
        view = socket.view
        async with reopen_socket(stack, alice, conversation_id, view) as back:
            resumed = await back.receive()
            rest = await back.receive_turn(turn["id"])
        return back.view, resumed, rest

    view, resumed, rest = asyncio.run(scenario())

    (turn,) = resumed["turns"]
    assert turn["status"] == "streaming", "the turn was still streaming when the browser came back"
    assert all(event["sequence"] > resumed["sequence"] for event in rest)
    assert rest[-1]["type"] == "turn.completed"
    assert_settled(stack, alice, conversation_id, view)


# --- a worker that dies ---------------------------------------------------------------------

# Killed with only partials written, or with the final image written but the turn not yet
# completed (the simulator pauses between the image and the end of the response).
KILL_POINTS = {
    "after-first-partial": "turn.partial_image",
    "after-final-image": "turn.revised_prompt",
}


@pytest.mark.parametrize("kill_after", KILL_POINTS.values(), ids=KILL_POINTS.keys())
def test_a_turn_whose_worker_is_killed_resumes_the_same_response_after_redelivery(
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
            stack.simulator_latency(*stack.latency)
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

    assert_resumed_once(stack, alice, conversation_id, view, events, prompt)


def assert_resumed_once(
    stack: Stack, browser: Browser, conversation_id: int, view, events: list, prompt: str
) -> None:
    """The turn went on where its stopped worker left it: resumed once on the same
    response, generated once, every partial once in the page and in the database."""
    resumed = next(i for i, e in enumerate(events) if e["type"] == "turn.resumed")
    assert events[resumed]["attempt"] == 2
    assert "turn.started" not in event_types(events[resumed:])
    rest = event_types(events[resumed + 1 :])
    assert rest == STREAMED[len(STREAMED) - len(rest) :], rest
    snapshot = assert_settled(stack, browser, conversation_id, view)
    (stored,) = snapshot["turns"]
    assert stored["status"] == "completed" and stored["attempts"] == 2
    partials = [i["partial_index"] for i in stored["images"] if i["role"] == "partial"]
    assert sorted(partials) == [0, 1, 2]
    assert len(stack.upstream_calls(prompt)) == 1
    (generated,) = stack.simulator_generations(prompt)
    assert generated["generations"] == 1
    assert stored["response_id"] == generated["response_id"]


def test_a_worker_told_to_stop_hands_its_turn_to_another_within_seconds(
    stack: Stack, alice: Browser
):
    conversation_id = alice.create_conversation("Lighthouses")
    prompt = "a lighthouse at dusk, its worker stopped"
    # Slow enough to be streaming still once the second worker is up (several seconds).
    stack.simulator_latency(VERY_SLOW_TURN_SECONDS, VERY_SLOW_TURN_SECONDS)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            turn = alice.start_turn(conversation_id, prompt, partial_images=3)
            await socket.receive_until(is_partial)
            stopping = stack.worker
            stack.start_worker()
            asked_at = time.monotonic()
            # SIGTERM: Celery's warm shutdown, as a deploy or `docker stop` does.
            await asyncio.to_thread(stopping.stop)
            frames = await socket.receive_until(lambda m: m["type"] == "turn.resumed", timeout=10)
            took = time.monotonic() - asked_at
            frames += await socket.receive_turn(turn["id"], timeout=45)
        return socket.view, [f for f in frames if f.get("turn_id") == turn["id"]], took

    view, events, took = asyncio.run(scenario())

    # Well inside the lease and the visibility timeout the turn would otherwise wait for.
    assert took < min(LEASE_SECONDS, VISIBILITY_TIMEOUT) / 2, took
    assert_resumed_once(stack, alice, conversation_id, view, events, prompt)


# --- PostgreSQL and Redis -------------------------------------------------------------------


def test_turns_finish_when_postgresql_drops_every_connection_mid_stream(
    stack: Stack, alice: Browser
):
    conversation_id = alice.create_conversation("Glaciers")
    prompt = "a glacier at noon, its database connections dropped"
    stack.simulator_latency(SLOW_TURN_SECONDS, SLOW_TURN_SECONDS)

    async def scenario():
        async with open_socket(stack, alice, conversation_id) as socket:
            await socket.receive()
            turn = alice.start_turn(conversation_id, prompt, partial_images=3)
            await socket.receive_until(is_partial)
            dropped = stack.terminate_database_connections()
            events = await socket.receive_turn(turn["id"], timeout=45)
        return socket.view, events, dropped

    view, events, dropped = asyncio.run(scenario())

    assert dropped > 0
    assert events[-1]["type"] == "turn.completed"
    assert len(stack.upstream_calls(prompt)) == 1
    assert_settled(stack, alice, conversation_id, view)


@pytest.fixture(scope="module")
def redis_stack() -> Iterator[Stack]:
    """A stack of its own on a private redis-server, which its test kills and restarts."""
    require_services(redis_server=True)
    running = Stack("integration-redis", db_name=f"{DB_NAME}_redis", own_redis=True)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_a_redis_restart_mid_stream_loses_nothing(redis_stack: Stack):
    stack = redis_stack
    carol = stack.sign_up("carol")
    conversation_id = carol.create_conversation("Tides")
    prompt = "a tide pool, Redis restarted under it"
    stack.simulator_latency(SLOW_TURN_SECONDS, SLOW_TURN_SECONDS)

    async def scenario():
        view = ConversationView()
        async with open_socket(stack, carol, conversation_id, view=view) as socket:
            await socket.receive()
            turn = carol.start_turn(conversation_id, prompt, partial_images=3)
            await socket.receive_until(is_partial)
            stack.redis.kill()
            await asyncio.sleep(1.0)
            stack.redis.start()
            # The socket either drops (its channel layer failed) or stays and catches up
            # with what it missed; it must not stay open and silent. Catching up may take a
            # resync snapshot rather than the turn's last event: that event may have been
            # published before the socket was back in its group.
            with contextlib.suppress(ConnectionClosed):
                await socket.receive_until(lambda _: finished(socket.view, turn["id"]), 30)
        # Back as a page comes back after a drop: resuming from the last sequence it saw.
        async with reopen_socket(stack, carol, conversation_id, view) as back:
            await back.receive()
            carol.wait_for_turn(conversation_id, turn["id"], timeout=30)
            # The stack works again: a new turn streams from start to end.
            stack.simulator_latency(*stack.latency)
            after = carol.start_turn(conversation_id, "a tide pool after the restart")
            later = await back.receive_turn(after["id"], timeout=30)
            # Events the worker published while its Redis connection was stale are lost;
            # the socket's periodic resync brings the page level with the database.
            await settle(back, carol, conversation_id, within=RESYNC_SECONDS * 3)
        return view, later

    view, later = asyncio.run(scenario())

    assert later[-1]["type"] == "turn.completed"
    assert len(stack.upstream_calls(prompt)) == 1
    snapshot = assert_settled(stack, carol, conversation_id, view)
    assert [turn["status"] for turn in snapshot["turns"]] == ["completed", "completed"]


def finished(view: ConversationView, turn_id: int) -> bool:
    return view.turns.get(turn_id, {}).get("status") not in (None, *RUNNING)
