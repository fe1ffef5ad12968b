"""A websocket client that does what the studio page does: take a snapshot, apply events.

``ConversationView`` is the state a browser assembles; tests compare it with the state the
JSON API reads from the database, in the same summarised shape.

Scenarios call the blocking ``Browser`` from inside their coroutine: frames wait in the
socket's buffer meanwhile, which is all these short HTTP calls need.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.integration.stack import Browser, Stack

FINISHED = {"turn.completed", "turn.failed", "turn.cancelled", "turn.blocked"}


class Socket:
    def __init__(self, connection: ClientConnection, view: ConversationView | None = None):
        self.connection = connection
        self.view = view or ConversationView()

    async def receive(self, timeout: float = 15.0) -> dict[str, Any]:
        """The next frame, applied to the view."""
        return self.view.apply_raw(await asyncio.wait_for(self.connection.recv(), timeout))

    async def receive_until(
        self, done: Callable[[dict], bool], timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """Frames up to and including the first one ``done`` accepts."""
        received = []
        async with asyncio.timeout(timeout):
            while True:
                received.append(await self.receive(timeout))
                if done(received[-1]):
                    return received

    async def receive_turn(self, turn_id: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """This turn's events up to the one that finishes it."""
        frames = await self.receive_until(
            lambda m: m.get("turn_id") == turn_id and m["type"] in FINISHED, timeout
        )
        return [m for m in frames if m.get("turn_id") == turn_id]

    async def listen_for(self, seconds: float) -> list[dict[str, Any]]:
        """Every frame that arrives within ``seconds``; a quiet socket gives []."""
        received = []
        deadline = asyncio.get_running_loop().time() + seconds
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                received.append(await self.receive(left))
            except TimeoutError:
                break
        return received

    async def send(self, message: str | bytes | dict) -> None:
        await self.connection.send(json.dumps(message) if isinstance(message, dict) else message)

    async def ping(self) -> dict[str, Any]:
        await self.send({"type": "ping"})
        return await self.receive()


@asynccontextmanager
async def open_socket(
    stack: Stack,
    browser: Browser | None,
    conversation_id: int,
    *,
    after: int | None = None,
    origin: str | None = None,
    view: ConversationView | None = None,
) -> AsyncIterator[Socket]:
    """Connect as ``browser`` (anonymous when None); the first frame is left unread.

    Passing the ``view`` of an earlier socket continues it, as a reconnecting page does.
    """
    query = f"?after={after}" if after is not None else ""
    url = f"ws://127.0.0.1:{stack.web_port}/ws/conversations/{conversation_id}/{query}"
    headers = {"Cookie": browser.cookie_header} if browser else {}
    async with connect(
        url,
        additional_headers=headers,
        origin=Origin(origin or stack.base_url),
        open_timeout=10,
        max_size=2**22,
    ) as connection:
        yield Socket(connection, view)


def reopen_socket(stack: Stack, browser: Browser, conversation_id: int, view: ConversationView):
    """Connect again as a page does after a drop: from the last sequence ``view`` holds."""
    return open_socket(stack, browser, conversation_id, after=view.sequence, view=view)


class ConversationView:
    """Turns as a browser holds them (static/js/tree.js and socket.js): snapshots replace a
    turn and events update it, unless the turn already holds a newer state.

    ``sequence`` is the one a page resumes from: every change up to it arrived. Events of
    two turns may cross on the way, so it is not simply the highest sequence seen.
    """

    def __init__(self) -> None:
        self.turns: dict[int, dict[str, Any]] = {}
        self.sequence = 0
        self.seen_above: set[int] = set()

    def apply_raw(self, frame: str | bytes) -> dict[str, Any]:
        """Apply a frame as it came off the socket; returns it decoded."""
        message = json.loads(frame)
        self.apply(message)
        return message

    def apply(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "snapshot":
            for turn in message["turns"]:
                held = self.turns.get(turn["id"])
                if held is None or held["sequence"] <= turn["sequence"]:
                    self.turns[turn["id"]] = summarise_turn(turn)
            self.sequence = max(self.sequence, message["sequence"])
        elif kind.startswith("turn."):
            self._apply_event(kind, message)
            if message["sequence"] > self.sequence:
                self.seen_above.add(message["sequence"])
        else:
            return  # pong and error frames change nothing
        self.seen_above = {s for s in self.seen_above if s > self.sequence}
        while self.sequence + 1 in self.seen_above:
            self.sequence += 1
            self.seen_above.discard(self.sequence)

    def _apply_event(self, kind: str, event: dict[str, Any]) -> None:
        turn = self.turns.setdefault(event["turn_id"], summarise_turn({}))
        if event["sequence"] <= turn["sequence"]:
            return  # older than what the turn holds: it crossed a newer state on the way
        turn.update(status=event["status"], sequence=event["sequence"])
        if kind == "turn.started":
            # A restarted attempt starts clean: the server discarded the earlier output.
            turn.update(partials=[], finals=[])
        elif kind == "turn.partial_image":
            turn["partials"].append((event["image"]["partial_index"], event["image"]["id"]))
        elif kind == "turn.revised_prompt":
            turn["revised_prompt"] = event["revised_prompt"]
        elif kind == "turn.completed":
            turn["finals"] = [image["id"] for image in event["images"]]
            turn["revised_prompt"] = event["revised_prompt"]


def summarise_turn(turn: dict[str, Any]) -> dict[str, Any]:
    """What a person sees of a turn, from the API's (or a snapshot's) presentation."""
    images = turn.get("images", [])
    return {
        "status": turn.get("status"),
        "sequence": turn.get("sequence", 0),
        "revised_prompt": turn.get("revised_prompt"),
        "partials": [(i["partial_index"], i["id"]) for i in images if i["role"] == "partial"],
        "finals": [i["id"] for i in images if i["role"] == "final"],
    }


def database_view(snapshot: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {turn["id"]: summarise_turn(turn) for turn in snapshot["turns"]}


async def settle(socket: Socket, browser: Browser, conversation_id: int, *, within: float) -> None:
    """Read the socket until its view equals the database's, or ``within`` seconds pass.

    News lost on the way (a Redis restart, a send that timed out) reaches a page with the
    socket's next resync snapshot, not at once.
    """
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        snapshot = await asyncio.to_thread(browser.snapshot, conversation_id)
        if socket.view.turns == database_view(snapshot) and (
            socket.view.sequence == snapshot["sequence"]
        ):
            return
        with contextlib.suppress(TimeoutError):
            await socket.receive(timeout=1.0)
