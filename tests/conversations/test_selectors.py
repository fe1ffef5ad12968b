"""Reads with access built in; here, what a conversation's snapshot holds."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from conversations.events import record_quietly
from conversations.models import Image, Turn
from conversations.recording import store_image
from conversations.selectors import conversation_snapshot
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_snapshot_holds_no_image_newer_than_the_sequence_it_reports(conversation, alice):
    turn = Turn.objects.create(
        conversation=conversation, author=alice, prompt="a fox", status=Turn.Status.STREAMING
    )
    record_partial(turn.pk, 0)
    turn.refresh_from_db()
    # A partial recorded between the read of the turns and the read of their images.
    writer = threading.Thread(target=record_partial, args=(turn.pk, 1))

    def write_once_the_turns_are_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"conversations_turn"' in sql and not writer.is_alive() and not writer.ident:
            writer.start()
            # Long enough to commit, unless the snapshot's transaction holds it back.
            writer.join(timeout=2)
        return result

    with connection.execute_wrapper(write_once_the_turns_are_read):
        snapshot = conversation_snapshot(conversation, user=alice)
    writer.join()

    (shown,) = snapshot["turns"]
    assert shown["sequence"] == turn.sequence
    assert [i["partial_index"] for i in shown["images"]] == [0]
    assert Image.objects.filter(turn=turn).count() == 2


def record_partial(turn_id: int, index: int) -> None:
    from django.db import transaction

    try:
        with transaction.atomic():
            turn = Turn.objects.get(pk=turn_id)
            store_image(turn, png_bytes(), role=Image.Role.PARTIAL, partial_index=index)
            record_quietly(turn)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()
