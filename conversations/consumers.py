"""The websocket of one conversation: a snapshot on connect, then live turn events.

Turns start over HTTP; the socket only relays. Events are filtered by sequence number so a
browser never sees an event older than the state it already holds (docs/websocket.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from common.translate import language_of_scope
from conversations.events import group_name, user_group_name
from conversations.failures import failure_text
from conversations.models import Conversation
from conversations.relayed import RelayedSequences
from conversations.selectors import conversation_snapshot, get_conversation_for_user

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096
CLOSE_FORBIDDEN = 4403
# An event written but not yet relayed is normal for a moment; only a gap that outlives
# this is news the socket missed.
IN_FLIGHT_GRACE_SECONDS = 1.0
# A page pings every 25 s and resumes after a drop; a resume reads the database, so a
# burst beyond this is answered with errors instead of work.
MESSAGE_BURST = 30
MESSAGES_PER_SECOND = 5.0


class ConversationConsumer(AsyncWebsocketConsumer):
    conversation = None
    # Chosen at connect as a page's is (the language cookie, else Accept-Language).
    language: str = settings.LANGUAGE_CODE
    relayed: RelayedSequences
    # Snapshots and events go out one at a time: a resync reads its snapshot while events
    # keep arriving, and an event sent during that read would be followed by a snapshot
    # older than it.
    sending: asyncio.Lock
    resync_task: asyncio.Task | None = None
    budget: MessageBudget | None = None

    async def __call__(self, scope, receive, send) -> None:
        # A consumer whose channel layer failed ends without disconnect(): stop the resync
        # here, whichever way the socket ends.
        try:
            await super().__call__(scope, receive, send)
        finally:
            if self.resync_task is not None:
                self.resync_task.cancel()

    async def connect(self) -> None:
        self.language = language_of_scope(self.scope)
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
        # The first snapshot covers everything up to its sequence, whatever `after` claims.
        self.relayed = RelayedSequences()
        self.sending = asyncio.Lock()
        await self.send_snapshot(after=_after_from_query(self.scope))
        self.resync_task = asyncio.create_task(self.keep_in_sync())

    async def disconnect(self, code: int) -> None:
        if self.resync_task is not None:
            self.resync_task.cancel()
        if self.conversation is not None:
            for group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def keep_in_sync(self) -> None:
        """Redis forgets group memberships when it restarts (and expires them after a day),
        and a socket outside its group hears nothing: rejoin now and then, and send what the
        database holds beyond what this socket relayed."""
        while True:
            await asyncio.sleep(settings.WEBSOCKET_RESYNC_SECONDS)
            try:
                for group in self.groups_joined:
                    await self.channel_layer.group_add(group, self.channel_name)
                # An access change announced while Redis was away still ends the socket.
                await self.close_unless_still_allowed()
                if await self._missed_news():
                    await asyncio.sleep(IN_FLIGHT_GRACE_SECONDS)
                    if await self._missed_news():
                        await self.send_snapshot(after=self.relayed.covered)
            except Exception:
                log.warning(
                    "could not resync the socket of conversation %s",
                    self.conversation.pk,
                    exc_info=True,
                )

    async def _missed_news(self) -> bool:
        latest = await database_sync_to_async(_last_sequence)(self.conversation.pk)
        return latest is not None and latest > self.relayed.covered

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            await self._answer(text_data, bytes_data)

    async def _answer(self, text_data: str | None, bytes_data: bytes | None) -> None:
        self.budget = self.budget or MessageBudget()
        if not self.budget.take():
            await self.send_error(gettext("Too many messages; slow down."))
            return
        message, problem = _parse(text_data, bytes_data)
        if problem:
            await self.send_error(problem)
        elif message["type"] == "ping":
            await self.send_json({"type": "pong", "sequence": self.relayed.snapshot})
        elif message["type"] == "resume":
            after = message.get("after", 0)
            if not _is_sequence(after):
                await self.send_error(gettext("'after' must be a whole number of 0 or more."))
            else:
                await self.send_snapshot(after=after)
        else:
            await self.send_error(
                gettext("Unknown message type %(type)r; send 'ping' or 'resume'.")
                % {"type": message["type"]}
            )

    async def turn_event(self, message: dict[str, Any]) -> None:
        # Written once for every viewer: its failure is said again in this socket's language.
        event = _in_language(message["event"], self.language)
        async with self.sending:
            # Skipped when a snapshot this socket was sent already covered it.
            if self.relayed.admit(event):
                await self.send_json(event)

    async def access_check(self, message: dict[str, Any]) -> None:
        await self.close_unless_still_allowed()

    async def close_unless_still_allowed(self) -> None:
        still_visible = await database_sync_to_async(get_conversation_for_user)(
            self.scope["user"], self.conversation.pk
        )
        if still_visible is None:
            await self.close(code=CLOSE_FORBIDDEN)

    async def send_snapshot(self, *, after: int) -> None:
        async with self.sending:
            snapshot = await self.read_snapshot(after=after)
            self.relayed.note_snapshot(snapshot)
            await self.send_json(snapshot)

    async def read_snapshot(self, *, after: int) -> dict[str, Any]:
        return await database_sync_to_async(_snapshot_in)(
            self.language, self.conversation, user=self.scope["user"], after=after
        )

    async def send_error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))


def _snapshot_in(language: str, conversation: Conversation, **kwargs: Any) -> dict[str, Any]:
    with translation.override(language):
        return conversation_snapshot(conversation, **kwargs)


def _in_language(event: dict[str, Any], language: str) -> dict[str, Any]:
    error = event.get("error")
    if not isinstance(error, dict) or not error.get("detail"):
        return event
    with translation.override(language):
        message = failure_text(error["detail"], error.get("message") or "")
    return {**event, "error": {**error, "message": message}}


def _parse(text_data: str | None, bytes_data: bytes | None) -> tuple[dict | None, str | None]:
    if text_data is None:
        return None, gettext("Send JSON text frames, not binary.")
    # The limit is in bytes, as documented, whatever characters the frame carries.
    if len(text_data) > MAX_MESSAGE_BYTES or len(text_data.encode()) > MAX_MESSAGE_BYTES:
        return None, gettext("Messages are limited to %(count)s bytes.") % {
            "count": MAX_MESSAGE_BYTES
        }
    try:
        message = json.loads(text_data)
    except (ValueError, RecursionError):
        return None, gettext("That message is not valid JSON.")
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None, gettext("A message must be a JSON object with a string 'type'.")
    return message, None


class MessageBudget:
    """A token bucket: MESSAGE_BURST at once, refilled at MESSAGES_PER_SECOND."""

    def __init__(self) -> None:
        self.tokens = float(MESSAGE_BURST)
        self.checked_at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(
            MESSAGE_BURST, self.tokens + (now - self.checked_at) * MESSAGES_PER_SECOND
        )
        self.checked_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _is_sequence(value: Any) -> bool:
    # Sequences are PostgreSQL bigints: a larger number would fail the query, not match.
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _last_sequence(conversation_id: int) -> int | None:
    return (
        Conversation.objects.filter(pk=conversation_id)
        .values_list("last_sequence", flat=True)
        .first()
    )


def _after_from_query(scope: dict[str, Any]) -> int:
    from urllib.parse import parse_qs

    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after", ["0"])
    try:
        after = int(values[0])
    except ValueError:
        return 0
    return after if _is_sequence(after) else 0
