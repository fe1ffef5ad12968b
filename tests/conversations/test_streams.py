"""The streams this process holds: cancelled from anywhere, and kept alive by heartbeats."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import streams
from conversations.models import Turn


class FakeStream:
    def __init__(self) -> None:
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def held():
    """Streams registered by the test, forgotten again afterwards."""
    registered: list[int] = []

    def hold(turn_id: int) -> FakeStream:
        stream = FakeStream()
        streams.register(turn_id, stream)
        registered.append(turn_id)
        return stream

    yield hold
    for turn_id in registered:
        streams.unregister(turn_id)


@pytest.fixture
def streaming_turn(conversation, alice) -> Turn:
    return Turn.objects.create(
        conversation=conversation,
        author=alice,
        prompt="a fox",
        image_model="gpt-image-1",
        status=Turn.Status.STREAMING,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )


def test_a_local_cancel_closes_the_stream_this_process_holds(held):
    stream = held(-1)
    assert streams.cancel_local(-1) is True
    assert stream.closed.is_set()


def test_a_stream_no_longer_held_is_not_closed(held):
    stream = held(-2)
    streams.unregister(-2)
    assert streams.cancel_local(-2) is False
    assert not stream.closed.is_set()


@pytest.mark.django_db(transaction=True)
def test_a_cancel_written_by_another_process_closes_the_stream(held, streaming_turn):
    stream = held(streaming_turn.pk)
    Turn.objects.filter(pk=streaming_turn.pk).update(status=Turn.Status.CANCELLED)
    assert stream.closed.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_held_streams_keep_their_turns_heartbeat_fresh(held, streaming_turn, monkeypatch):
    monkeypatch.setattr(streams, "HEARTBEAT_EVERY_SECONDS", 0.0)
    stale = streaming_turn.heartbeat_at
    stream = held(streaming_turn.pk)
    assert wait_for(lambda: Turn.objects.get(pk=streaming_turn.pk).heartbeat_at > stale)
    assert not stream.closed.is_set()
