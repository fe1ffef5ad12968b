"""How many generations each response cost: what a provider bills.

A generation starts when a response is created (streamed, JSON or in the background).
Retrieving a response, resuming its stream or replaying it is no generation, so a client
that resumes instead of asking again leaves the count at one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class Generations:
    def __init__(self, capacity: int = 10_000) -> None:
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()
        self.total = 0

    def started(self, response_id: str, *, prompt: str, background: bool) -> None:
        with self._lock:
            self.total += 1
            entry = self._items.setdefault(
                response_id,
                {
                    "response_id": response_id,
                    "prompt": prompt,
                    "background": background,
                    "generations": 0,
                },
            )
            entry["generations"] += 1
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def all(self) -> dict[str, Any]:
        with self._lock:
            return {"total": self.total, "responses": [dict(e) for e in self._items.values()]}

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.total = 0
