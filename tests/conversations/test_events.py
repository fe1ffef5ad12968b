from __future__ import annotations

import asyncio
import time

import pytest
from django.db import transaction

from conversations import events
from conversations.events import record_and_announce, record_quietly
from conversations.models import Turn

pytestmark = pytest.mark.django_db


@pytest.fixture
def turn(conversation, alice):
    return Turn.objects.create(
        conversation=conversation, author=alice, prompt="a fox", image_model="gpt-image-1"
    )


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(
        events, "_group_send", lambda group, message: messages.append((group, message))
    )
    return messages


def test_a_change_takes_the_next_sequence_and_is_sent_after_the_commit(
    turn, conversation, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = record_and_announce(turn, "turn.cancelled")
        assert sent == []

    conversation.refresh_from_db()
    turn.refresh_from_db()
    assert event["sequence"] == turn.sequence == conversation.last_sequence == 1
    assert sent == [(f"conversation.{conversation.pk}", {"type": "turn.event", "event": event})]


def test_a_payload_that_cannot_be_sent_rolls_the_change_back(turn, conversation, sent):
    with pytest.raises(TypeError), transaction.atomic():
        record_and_announce(turn, "turn.partial_image", image=b"raw bytes")

    conversation.refresh_from_db()
    assert conversation.last_sequence == 0
    assert sent == []


def test_a_rolled_back_change_announces_nothing(turn, sent, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        record_and_announce(turn, "turn.cancelled")
        raise RuntimeError("the write failed")

    assert callbacks == [] and sent == []


def test_a_quiet_change_takes_a_number_without_an_event(
    turn, conversation, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_quietly(turn)
        announced = record_and_announce(turn, "turn.cancelled")

    assert announced["sequence"] == 2
    assert [message["event"]["sequence"] for _, message in sent] == [2]


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(turn, conversation):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_quietly(turn)
    conversation.refresh_from_db()
    assert conversation.last_sequence == 0


class SlowLayer:
    """A channel layer that takes ``delay`` seconds to deliver each message."""

    def __init__(self, delay: float):
        self.delay = delay
        self.delivered: list[dict] = []

    async def group_send(self, group: str, message: dict) -> None:
        await asyncio.sleep(self.delay)
        self.delivered.append(message)


def test_a_send_that_times_out_never_arrives_after_the_next_event(monkeypatch):
    layer = SlowLayer(delay=0.5)
    monkeypatch.setattr(events, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(events, "PUBLISH_TIMEOUT_SECONDS", 0.1)

    events._send_event(7, '{"type": "turn.partial_image", "sequence": 3}')
    # The next send has all the time it needs, however busy the machine.
    layer.delay = 0
    monkeypatch.setattr(events, "PUBLISH_TIMEOUT_SECONDS", 30)
    events._send_event(7, '{"type": "turn.completed", "sequence": 4}')
    time.sleep(0.8)

    assert [m["event"]["sequence"] for m in layer.delivered] == [4]
