"""The conversation websocket: who may join, the snapshot, live events, resume.

Malformed frames and floods: tests/hardening/test_socket_input.py."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from conversations.planning import TurnRequest
from conversations.services import start_turn
from studio.asgi import application
from tests.factories import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(
    conversation_id,
    user=None,
    *,
    query="",
    origin=b"http://localhost",
    host=b"localhost",
    tls=False,
    language=None,
):
    headers = [(b"host", host), (b"origin", origin)]
    if language is not None:
        headers.append((b"accept-language", language))
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
    path = f"/ws/conversations/{conversation_id}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["scheme"] = "wss" if tls else "ws"
    connected, _ = await communicator.connect()
    return communicator, connected


async def receive_until(communicator, kind, timeout=10):
    frames = []
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        frames.append(frame)
        if frame["type"] == kind:
            return frames


async def test_anonymous_users_and_outsiders_are_refused(conversation, charlie):
    for user in (None, charlie):
        communicator, connected = await connect(conversation.pk, user)
        assert not connected
        await communicator.disconnect()


async def test_another_origin_is_refused(conversation, alice):
    _communicator, connected = await connect(conversation.pk, alice, origin=b"http://evil.test")
    assert not connected


@pytest.mark.parametrize(
    ("host", "origin", "tls"),
    [
        (b"127.0.0.1:8000", b"http://127.0.0.1:9999", False),
        (b"localhost:8000", b"http://localhost:3000", False),
        (b"localhost", b"http://localhost:3000", False),
        (b"127.0.0.1", b"https://127.0.0.1", False),
        (b"localhost", b"http://localhost", True),
        (b"evil.test", b"http://evil.test", False),
    ],
)
async def test_a_page_from_another_port_or_scheme_cannot_read_the_conversation(
    conversation, alice, host, origin, tls
):
    communicator, connected = await connect(
        conversation.pk, alice, host=host, origin=origin, tls=tls
    )
    assert not connected
    assert await communicator.receive_nothing()


@pytest.mark.parametrize(
    ("host", "origin", "tls"),
    [
        (b"127.0.0.1:8000", b"http://127.0.0.1:8000", False),
        (b"localhost", b"https://localhost", True),
        (b"localhost:443", b"https://localhost", True),
    ],
)
async def test_the_sites_own_origin_is_accepted(conversation, alice, host, origin, tls):
    communicator, connected = await connect(
        conversation.pk, alice, host=host, origin=origin, tls=tls
    )
    assert connected
    await communicator.disconnect()


async def test_an_origin_in_csrf_trusted_origins_is_accepted(conversation, alice, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://studio.example.com"]
    communicator, connected = await connect(
        conversation.pk, alice, origin=b"https://studio.example.com"
    )
    assert connected
    await communicator.disconnect()


async def test_owner_gets_a_snapshot_then_live_events_in_order(conversation, alice):
    communicator, connected = await connect(conversation.pk, alice)
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "snapshot" and snapshot["turns"] == []

    turn = await sync_to_async(start_turn)(
        TurnRequest(
            conversation=conversation, author=alice, prompt="a fox", options={"partial_images": 2}
        )
    )
    frames = await receive_until(communicator, "turn.completed")

    kinds = [f["type"] for f in frames]
    assert kinds == [
        "turn.queued",
        "turn.started",
        "turn.partial_image",
        "turn.partial_image",
        "turn.revised_prompt",
        "turn.completed",
    ]
    sequences = [f["sequence"] for f in frames]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert all(f["turn_id"] == turn.pk for f in frames)
    assert frames[-1]["images"][0]["url"].startswith("/media/images/")
    assert "b64" not in json.dumps(frames)
    await communicator.disconnect()


async def test_resume_sends_only_what_changed_since(conversation, alice):
    first = await sync_to_async(start_turn)(
        TurnRequest(conversation=conversation, author=alice, prompt="first")
    )
    await sync_to_async(first.refresh_from_db)()
    second = await sync_to_async(start_turn)(
        TurnRequest(conversation=conversation, author=alice, prompt="second", parent=first)
    )
    await sync_to_async(second.refresh_from_db)()

    communicator, _ = await connect(conversation.pk, alice, query=f"after={first.sequence}")
    snapshot = await communicator.receive_json_from()
    assert [t["id"] for t in snapshot["turns"]] == [second.pk]
    assert snapshot["turns"][0]["status"] == "completed"
    assert snapshot["sequence"] == second.sequence

    await communicator.send_json_to({"type": "resume", "after": 0})
    full = await communicator.receive_json_from()
    assert [t["id"] for t in full["turns"]] == [first.pk, second.pk]
    await communicator.disconnect()


async def test_events_of_two_turns_that_cross_on_the_way_are_both_relayed(conversation, alice):
    from channels.layers import get_channel_layer

    from conversations.events import EVENT_HANDLER_TYPE, group_name

    communicator, _ = await connect(conversation.pk, alice)
    snapshot = await communicator.receive_json_from()
    layer = get_channel_layer()
    base = snapshot["sequence"]
    for sequence, turn_id in ((base + 2, 2), (base + 1, 1), (base, 9)):
        event = {"type": "turn.partial_image", "sequence": sequence, "turn_id": turn_id}
        await layer.group_send(
            group_name(conversation.pk), {"type": EVENT_HANDLER_TYPE, "event": event}
        )
    received = [await communicator.receive_json_from() for _ in range(2)]
    assert [e["sequence"] for e in received] == [base + 2, base + 1]
    assert await communicator.receive_nothing(timeout=0.3)  # the snapshot already covered base
    await communicator.disconnect()


async def test_a_socket_that_missed_events_catches_up_with_a_snapshot(
    conversation, alice, settings
):
    settings.WEBSOCKET_RESYNC_SECONDS = 0.2
    communicator, _ = await connect(conversation.pk, alice)
    snapshot = await communicator.receive_json_from()

    # A turn written while the channel layer lost its news (a Redis restart): no event.
    turn = await sync_to_async(write_a_turn_without_news)(conversation, alice)

    caught_up = await communicator.receive_json_from(timeout=5)
    assert caught_up["type"] == "snapshot"
    assert caught_up["after"] == snapshot["sequence"]
    assert [t["id"] for t in caught_up["turns"]] == [turn.pk]
    # Nothing more to send: the next resync finds the socket up to date.
    assert await communicator.receive_nothing(timeout=2.5)
    await communicator.disconnect()


def write_a_turn_without_news(conversation, author):
    from django.db import transaction

    from conversations.events import record_quietly
    from conversations.models import Turn

    with transaction.atomic():
        turn = Turn.objects.create(
            conversation=conversation,
            author=author,
            prompt="unannounced",
            image_model="gpt-image-1",
        )
        record_quietly(turn)
    return turn


async def test_an_event_lost_below_one_relayed_after_it_is_caught_up(conversation, alice, settings):
    settings.WEBSOCKET_RESYNC_SECONDS = 0.2
    communicator, _ = await connect(conversation.pk, alice)
    snapshot = await communicator.receive_json_from()

    # Turn A's event is lost (or still on its way) while turn B's, written after it, arrives.
    lost = await sync_to_async(write_a_turn_without_news)(conversation, alice)
    announced = await sync_to_async(write_a_turn_with_news)(conversation, alice)
    event = await communicator.receive_json_from()
    assert event["turn_id"] == announced.pk

    caught_up = await communicator.receive_json_from(timeout=5)
    assert caught_up["type"] == "snapshot"
    # From the last sequence below which the socket sent everything, not from B's.
    assert caught_up["after"] == snapshot["sequence"]
    assert lost.pk in [t["id"] for t in caught_up["turns"]]
    await communicator.disconnect()


async def test_a_resync_snapshot_never_arrives_after_an_event_newer_than_it(
    conversation, alice, settings, monkeypatch
):
    from conversations.consumers import ConversationConsumer

    settings.WEBSOCKET_RESYNC_SECONDS = 0.2
    read_snapshot = ConversationConsumer.read_snapshot
    reads = []
    news = {}

    async def read_while_the_turn_moves_on(consumer, *, after):
        snapshot = await read_snapshot(consumer, after=after)
        reads.append(after)
        if len(reads) == 2:
            # The turn changes again just after the read, and its event reaches the
            # socket while the snapshot is still on its way out.
            news["event"] = await sync_to_async(announce_a_change)(news["turn"])
            await asyncio.sleep(0.3)
        return snapshot

    monkeypatch.setattr(ConversationConsumer, "read_snapshot", read_while_the_turn_moves_on)
    communicator, _ = await connect(conversation.pk, alice)
    await communicator.receive_json_from()
    news["turn"] = await sync_to_async(write_a_turn_without_news)(conversation, alice)

    frames = [await communicator.receive_json_from(timeout=5) for _ in range(2)]

    assert [f["type"] for f in frames] == ["snapshot", "turn.revised_prompt"]
    assert frames[0]["sequence"] < frames[1]["sequence"] == news["event"]["sequence"]
    await communicator.disconnect()


def write_a_turn_with_news(conversation, author):
    from django.db import transaction

    from conversations.events import record_and_announce

    turn = write_a_turn_without_news(conversation, author)
    with transaction.atomic():
        record_and_announce(turn, "turn.queued", prompt=turn.prompt)
    return turn


def announce_a_change(turn):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import transaction

    from conversations.events import EVENT_HANDLER_TYPE, group_name, record_quietly
    from conversations.presenters import turn_event

    with transaction.atomic():
        record_quietly(turn)
    event = turn_event(turn, "turn.revised_prompt", revised_prompt="a clearer prompt")
    async_to_sync(get_channel_layer().group_send)(
        group_name(turn.conversation_id), {"type": EVENT_HANDLER_TYPE, "event": event}
    )
    return event


async def test_a_failure_is_said_in_each_sockets_language(conversation, alice):
    taiwan, connected = await connect(conversation.pk, alice, language=b"zh-TW")
    assert connected
    english, connected = await connect(conversation.pk, alice, language=b"en")
    assert connected
    for communicator in (taiwan, english):
        await communicator.receive_json_from()

    await sync_to_async(start_turn)(
        TurnRequest(
            conversation=conversation, author=alice, prompt="[fault:insufficient_quota] a fox"
        )
    )
    failed = (await receive_until(taiwan, "turn.failed"))[-1]
    assert failed["error"]["message"] == "影像供應商帳戶的餘額已用完。"
    failed = (await receive_until(english, "turn.failed"))[-1]
    assert failed["error"]["message"] == "The image provider account has run out of credit."
    await english.disconnect()

    await taiwan.send_json_to({"type": "resume", "after": 0})
    snapshot = (await receive_until(taiwan, "snapshot"))[-1]
    assert snapshot["turns"][0]["error"]["message"] == "影像供應商帳戶的餘額已用完。"
    await taiwan.disconnect()
