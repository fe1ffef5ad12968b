"""Bounded in-memory storage of responses, image calls and files (LRU)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class LRU(Generic[T]):
    """A small thread-safe LRU: a long demo or benchmark must not grow memory without bound."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._data: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.capacity:
                self._data.popitem(last=False)

    def get(self, key: str) -> T | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def pop(self, key: str) -> T | None:
        with self._lock:
            return self._data.pop(key, None)

    def values(self) -> list[T]:
        with self._lock:
            return list(self._data.values())

    def __len__(self) -> int:
        return len(self._data)


@dataclass
class StoredImageCall:
    id: str
    png: bytes  # the final picture, always kept as PNG so edits start from lossless pixels
    item: dict[str, Any]  # the output item as sent (with result)
    prompt: str


@dataclass
class StoredResponse:
    id: str
    body: dict[str, Any]  # the Response object as sent
    image_call_ids: list[str] = field(default_factory=list)
    prompt: str = ""


@dataclass
class StoredFile:
    id: str
    data: bytes
    meta: dict[str, Any]


# Background runs keep every event, images included, so fewer of them are kept.
BACKGROUND_CAPACITY = 300


class Store:
    def __init__(self, capacity: int = 2000) -> None:
        # Background responses by id (upstream.simulator.background.BackgroundRun).
        self.runs: LRU[Any] = LRU(min(capacity, BACKGROUND_CAPACITY))
        self.responses: LRU[StoredResponse] = LRU(capacity)
        self.image_calls: LRU[StoredImageCall] = LRU(capacity)
        self.files: LRU[StoredFile] = LRU(capacity)
        # Pictures served at /_simulator/images/{name} for response_format=url (dall-e).
        self.blobs: LRU[tuple[str, bytes]] = LRU(capacity)

    def latest_image_of(self, response_id: str) -> StoredImageCall | None:
        """The last picture in a response's chain (walking previous_response_id back)."""
        seen: set[str] = set()
        current = self.responses.get(response_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            for call_id in reversed(current.image_call_ids):
                call = self.image_calls.get(call_id)
                if call is not None:
                    return call
            parent = current.body.get("previous_response_id")
            current = self.responses.get(parent) if parent else None
        return None
