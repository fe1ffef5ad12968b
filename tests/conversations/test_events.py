"""Publishing events: a send that does not finish in time is dropped, never delivered late."""

from __future__ import annotations

import asyncio
import time

from conversations import events


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

    events.publish(7, {"type": "turn.partial_image", "sequence": 3})
    # The next send has all the time it needs, however busy the machine.
    layer.delay = 0
    monkeypatch.setattr(events, "PUBLISH_TIMEOUT_SECONDS", 30)
    events.publish(7, {"type": "turn.completed", "sequence": 4})
    time.sleep(0.8)

    assert [m["event"]["sequence"] for m in layer.delivered] == [4]
