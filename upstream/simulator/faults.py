"""Fault injection: per-request header, queued faults and `[fault:NAME]` prompt tags."""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass

FAULTS = (
    "rate_limit",
    "insufficient_quota",
    "server_error",
    "cut",
    "moderation",
    "moderation_stream",
    "slow_first_byte",
    "stream_error",
)
# Faults answered before any body is sent; the others shape the stream itself.
STATUS_FAULTS = ("rate_limit", "insufficient_quota", "server_error", "moderation")
FAULT_HEADER = "x-simulator-fault"
DEFAULT_SLOW_FIRST_BYTE = 3.0
_TAG = re.compile(r"\[fault:([a-z_]+)\]")


@dataclass
class QueuedFault:
    fault: str
    times: int
    path: str | None


class FaultQueue:
    """Faults armed ahead of time (POST /_simulator/faults) so another process can arrange
    the next upstream call to fail without touching the request itself."""

    def __init__(self) -> None:
        self._items: deque[QueuedFault] = deque()
        self._lock = threading.Lock()

    def push(self, fault: str, times: int = 1, path: str | None = None) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self._items.append(QueuedFault(fault, max(1, int(times)), path))

    def take(self, path: str) -> str | None:
        """Consume one use of the first queued fault whose path prefix matches."""
        with self._lock:
            for item in self._items:
                if item.path is None or path.startswith(item.path):
                    item.times -= 1
                    if item.times <= 0:
                        self._items.remove(item)
                    return item.fault
        return None

    def pending(self) -> list[dict]:
        with self._lock:
            return [{"fault": i.fault, "times": i.times, "path": i.path} for i in self._items]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def fault_from_prompt(prompt: str | None) -> str | None:
    match = _TAG.search(prompt or "")
    if match and match.group(1) in FAULTS:
        return match.group(1)
    return None


def strip_fault_tags(prompt: str) -> str:
    return _TAG.sub("", prompt).strip()
