"""Services beyond validation (which test_views covers through the API): cancel, delete."""

from __future__ import annotations

import os
import threading
import time

import pytest

from conversations import dispatch
from conversations.models import Image, Turn
from conversations.planning import TurnRequest
from conversations.services import cancel_turn, delete_conversation, start_turn

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_cancel_stops_a_streaming_turn_within_a_second(conversation, alice, sim, studio_settings):
    studio_settings.TURN_DISPATCH = "in_process"
    sim.configure(latency=(6.0, 6.0))
    turn = start_turn(
        TurnRequest(
            conversation=conversation,
            author=alice,
            prompt="slow fox",
            options={"partial_images": 3},
        )
    )
    assert wait_for(lambda: Turn.objects.get(pk=turn.pk).first_partial_at is not None)

    started = time.monotonic()
    cancel_turn(turn=Turn.objects.get(pk=turn.pk))
    dispatch.wait_for_in_process_turns()
    elapsed = time.monotonic() - started

    turn.refresh_from_db()
    assert turn.status == "cancelled"
    assert elapsed < 1.5, f"the stream took {elapsed:.2f}s to stop"
    assert not turn.images.filter(role=Image.Role.FINAL).exists()


def test_cancelling_a_finished_turn_changes_nothing(conversation, alice, sim):
    turn = start_turn(TurnRequest(conversation=conversation, author=alice, prompt="a fox"))
    turn.refresh_from_db()
    assert cancel_turn(turn=turn).status == "completed"


def test_deleting_a_conversation_removes_its_files(conversation, alice, sim):
    turn = start_turn(TurnRequest(conversation=conversation, author=alice, prompt="a fox"))
    paths = [image.file.path for image in turn.images.all()]
    assert paths
    delete_conversation(conversation=conversation)
    assert not Turn.objects.exists()
    assert not any(os.path.exists(p) for p in paths)


def test_concurrent_turns_get_distinct_increasing_sequences(conversation, alice, sim):
    errors = []

    def run(prompt):
        try:
            start_turn(TurnRequest(conversation=conversation, author=alice, prompt=prompt))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"fox {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    sequences = list(Turn.objects.values_list("sequence", flat=True))
    assert len(set(sequences)) == 4
    conversation.refresh_from_db()
    assert conversation.last_sequence == max(sequences)
