"""Recording a change to a turn and announcing it to the conversation's websocket group.

Events are news, the database is the truth: every event is written first, then published,
and a lost event costs nothing a snapshot cannot restore. Payloads are small JSON: ids,
URLs, sequence numbers, never image bytes.

``record_and_announce`` is the one place that advances a conversation's sequence and
publishes: called inside the transaction that writes the change, it takes the next
sequence number (the conversation's row lock orders commits and numbers alike), builds the
event and serializes it there, so a payload that cannot be sent fails the transaction
instead of vanishing after the commit, and sends it once the transaction commits.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from conversations.models import Conversation, Turn
from conversations.presenters import turn_event

log = logging.getLogger(__name__)

EVENT_HANDLER_TYPE = "turn.event"  # handled by ConversationConsumer.turn_event
ACCESS_CHECK_TYPE = "access.check"  # handled by ConversationConsumer.access_check
PUBLISH_TIMEOUT_SECONDS = 5.0

_server_loop: asyncio.AbstractEventLoop | None = None
_publisher_loop: asyncio.AbstractEventLoop | None = None
_publisher_lock = threading.Lock()


def group_name(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def user_group_name(user_id: int) -> str:
    """Every socket a user has open, whichever conversation it watches."""
    return f"user.{user_id}"


def bind_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Remember the ASGI server's event loop.

    The in-memory channel layer is only safe to use from the loop its consumers run on, so
    worker threads inside the server process publish through that loop.
    """
    global _server_loop
    _server_loop = loop


def _own_loop() -> asyncio.AbstractEventLoop:
    # One long-lived loop per worker process keeps one set of Redis connections for all the
    # streams it holds, instead of a new loop and connection per event.
    global _publisher_loop
    with _publisher_lock:
        if _publisher_loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="event-publisher", daemon=True).start()
            _publisher_loop = loop
        return _publisher_loop


def _target_loop() -> asyncio.AbstractEventLoop:
    if _server_loop is not None and _server_loop.is_running():
        return _server_loop
    return _own_loop()


def record_and_announce(turn: Turn, kind: str, **fields: Any) -> dict[str, Any]:
    """Give ``turn`` the next sequence number and publish event ``kind`` after the commit.

    Call inside the transaction that wrote the change. Raises (rolling it back) when the
    payload is not plain JSON; the publishing itself never raises.
    """
    _advance_sequence(turn)
    event = turn_event(turn, kind, **fields)
    # Serialized now: the in-memory layer would accept what Redis's msgpack rejects, and a
    # failure after the commit would leave a change no open page ever hears of.
    text = json.dumps(event)
    conversation_id = turn.conversation_id
    transaction.on_commit(lambda: _send_event(conversation_id, text))
    return event


def record_quietly(turn: Turn) -> None:
    """Give ``turn`` the next sequence number without an event of its own.

    For a change the next event announces (a final image, before the turn completes): a
    page that reconnects in between still finds it in its snapshot.
    """
    _advance_sequence(turn)


def _advance_sequence(turn: Turn) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record a turn's change inside the transaction that writes it")
    conversation = Conversation.objects.filter(pk=turn.conversation_id)
    conversation.update(last_sequence=F("last_sequence") + 1, updated_at=timezone.now())
    turn.sequence = conversation.values_list("last_sequence", flat=True).get()
    Turn.objects.filter(pk=turn.pk).update(sequence=turn.sequence)


def _send_event(conversation_id: int, text: str) -> None:
    message = {"type": EVENT_HANDLER_TYPE, "event": json.loads(text)}
    # The event is already in the database; a browser that missed it catches up on resume.
    _group_send(group_name(conversation_id), message)


def check_access_on_commit(*, conversation_ids=(), user_ids=()) -> None:
    """Make the matching open sockets check their access again, closing those that lost it.

    Access changes (a member removed, a conversation unshared or deleted) take effect on
    sockets at once rather than at their next reconnect.
    """
    groups = [group_name(pk) for pk in conversation_ids] + [user_group_name(pk) for pk in user_ids]

    def send() -> None:
        for group in groups:
            _group_send(group, {"type": ACCESS_CHECK_TYPE})

    transaction.on_commit(send)


def _group_send(group: str, message: dict[str, Any]) -> None:
    """Send on the channel layer from any thread; never raises."""
    layer = get_channel_layer()
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _target_loop())
    try:
        future.result(timeout=PUBLISH_TIMEOUT_SECONDS)
    except Exception:
        # Left running, a slow send could arrive after the turn's next event. Dropped, it is
        # news a socket's resync brings back from the database.
        future.cancel()
        log.warning("could not send %s to %s", message["type"], group, exc_info=True)
