"""Background responses (`background: true`): the generation runs on its own task, apart
from any connection, and keeps its numbered events.

A client may then retrieve the response (`GET /v1/responses/{id}`), follow or resume its
stream after any sequence number (`?stream=true&starting_after=N`: exactly the events
after N, whether they were sent long ago or are still to come), or cancel it. A client
that disconnects does not stop the generation; a cancel does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from upstream.simulator import responses
from upstream.simulator.context import CutConnection, RequestContext
from upstream.simulator.responses import ResponsePlan
from upstream.simulator.sse import Sequencer

log = logging.getLogger(__name__)

FINISHED = ("completed", "failed", "cancelled", "incomplete")
PARTIAL_IMAGE = "response.image_generation_call.partial_image"


class BackgroundRun:
    def __init__(self, plan: ResponsePlan, ctx: RequestContext) -> None:
        self.plan = plan
        # A `cut` fault cuts a follower's connection, never the generation itself.
        self.ctx = replace(ctx, fault=None) if ctx.fault == "cut" else ctx
        self.events: list[tuple[int, str, bytes]] = []
        self.response = responses.response_object(plan, ctx, status="queued", output=[])
        self.output: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def status(self) -> str:
        return str(self.response.get("status"))

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._generate())

    def view(self) -> dict[str, Any]:
        """The Response as retrieved: the output so far while it runs (image results null,
        as stored responses come back)."""
        output = self.response.get("output") if self.finished else self.output
        return responses.retrieved_view({**self.response, "output": list(output or [])})

    def cancel(self) -> dict[str, Any]:
        """Stop the generation; a finished response is left as it is."""
        if not self.finished:
            self.response = {**self.response, "status": "cancelled", "output": list(self.output)}
            if self._task is not None:
                self._task.cancel()
            self._notify()
        return self.view()

    async def follow(self, after: int | None, *, cut: bool = False) -> AsyncIterator[bytes]:
        """The events after sequence number `after` (all of them for None), then every new
        one until the response finishes. `cut` drops the connection after the first
        partial image, as the `cut` fault does to a plain stream."""
        index = 0 if after is None else max(0, after + 1)
        while True:
            while index < len(self.events):
                _, event_type, framed = self.events[index]
                index += 1
                yield framed
                if cut and event_type == PARTIAL_IMAGE:
                    raise CutConnection
            if self.finished:
                return
            changed = self._changed
            await changed.wait()

    async def _generate(self) -> None:
        sequencer = Sequencer(numbered=True, observer=self._observe)
        try:
            async for _ in responses.stream(self.plan, self.ctx, sequencer):
                pass
        except asyncio.CancelledError:
            return
        except Exception:
            log.exception("background response %s failed", self.id)
        if not self.finished:
            # The stream ended without a terminal event (an `error` event): it failed.
            error = {"code": "server_error", "message": "The server had an error."}
            self.response = {**self.response, "status": "failed", "error": error}
        self._notify()

    def _observe(self, number: int, event_type: str, data: dict[str, Any], framed: bytes) -> None:
        if self.finished:
            return  # cancelled: nothing the generation still makes is kept
        self.events.append((number, event_type, framed))
        if isinstance(data.get("response"), dict):
            self.response = data["response"]
        if event_type == "response.output_item.done" and isinstance(data.get("item"), dict):
            self.output.append(data["item"])
        self._notify()

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
