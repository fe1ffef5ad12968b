"""The websocket of one conversation: a snapshot on connect, then live turn events.

Turns start over HTTP; the socket only relays. Events are filtered by sequence number so a
browser never sees an event older than the state it already holds (docs/websocket.md).
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from conversations.events import group_name, user_group_name
from conversations.selectors import conversation_snapshot, get_conversation_for_user

MAX_MESSAGE_BYTES = 4096
CLOSE_FORBIDDEN = 4403


class ConversationConsumer(AsyncWebsocketConsumer):
    conversation = None
    # The sequence the last snapshot covered. Events are not compared with each other:
    # turns stream on different threads and processes, so their events may cross on the way.
    snapshot_sequence = 0

    async def connect(self) -> None:
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        self.conversation = await database_sync_to_async(get_conversation_for_user)(
            self.scope.get("user"), conversation_id
        )
        if self.conversation is None:
            # Refused before accept: the handshake fails with 403, nothing is revealed.
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.groups_joined = [
            group_name(self.conversation.pk),
            user_group_name(self.scope["user"].pk),
        ]
        # Join before reading the snapshot, so no event can fall between the two.
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_snapshot(after=_after_from_query(self.scope))

    async def disconnect(self, code: int) -> None:
        if self.conversation is not None:
            for group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message, problem = _parse(text_data, bytes_data)
        if problem:
            await self.send_error(problem)
        elif message["type"] == "ping":
            await self.send_json({"type": "pong", "sequence": self.snapshot_sequence})
        elif message["type"] == "resume":
            after = message.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_error("'after' must be a whole number of 0 or more.")
            else:
                await self.send_snapshot(after=after)
        else:
            await self.send_error(
                f"Unknown message type {message['type']!r}; send 'ping' or 'resume'."
            )

    async def turn_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        # Already covered by the snapshot this socket was sent.
        if event.get("sequence", 0) <= self.snapshot_sequence:
            return
        await self.send_json(event)

    async def access_check(self, message: dict[str, Any]) -> None:
        still_visible = await database_sync_to_async(get_conversation_for_user)(
            self.scope["user"], self.conversation.pk
        )
        if still_visible is None:
            await self.close(code=CLOSE_FORBIDDEN)

    async def send_snapshot(self, *, after: int) -> None:
        snapshot = await database_sync_to_async(conversation_snapshot)(
            self.conversation, user=self.scope["user"], after=after
        )
        self.snapshot_sequence = max(self.snapshot_sequence, snapshot["sequence"])
        await self.send_json(snapshot)

    async def send_error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))


def _parse(text_data: str | None, bytes_data: bytes | None) -> tuple[dict | None, str | None]:
    if text_data is None:
        return None, "Send JSON text frames, not binary."
    if len(text_data) > MAX_MESSAGE_BYTES:
        return None, f"Messages are limited to {MAX_MESSAGE_BYTES} bytes."
    try:
        message = json.loads(text_data)
    except ValueError:
        return None, "That message is not valid JSON."
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None, "A message must be a JSON object with a string 'type'."
    return message, None


def _after_from_query(scope: dict[str, Any]) -> int:
    from urllib.parse import parse_qs

    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after", ["0"])
    try:
        return max(0, int(values[0]))
    except ValueError:
        return 0
