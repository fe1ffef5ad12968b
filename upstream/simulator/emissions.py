"""When each partial image left the simulator: the starting point of a relay measurement.

A benchmark compares these wall-clock times with the moment a client received the same
partial image (matched by image call id, or response id, and partial index), on the same
machine, so time.time() on both sides is comparable.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any


class Emissions:
    def __init__(self, capacity: int = 50_000) -> None:
        self._items: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def partial_image(self, *, response_id: str, item_id: str, partial_index: int) -> None:
        entry = {
            "time": time.time(),
            "response_id": response_id,
            "item_id": item_id,
            "partial_index": partial_index,
        }
        with self._lock:
            self._items.append(entry)

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
