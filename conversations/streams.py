"""The streams this process is running: heartbeats, and cancelling them from anywhere.

One watcher thread per process serves every stream it holds: each tick it refreshes their
heartbeats in one UPDATE and closes the upstream stream of any turn someone cancelled, so a
cancel takes effect within a tick whichever process asked for it.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from django.db import close_old_connections, connection
from django.utils import timezone

log = logging.getLogger(__name__)

TICK_SECONDS = 0.5
HEARTBEAT_EVERY_SECONDS = 5.0


class Closable(Protocol):
    def close(self) -> None: ...


_active: dict[int, Closable] = {}
_lock = threading.Lock()
_watcher: threading.Thread | None = None


def register(turn_id: int, stream: Closable) -> None:
    with _lock:
        _active[turn_id] = stream
    _ensure_watcher()


def unregister(turn_id: int) -> None:
    with _lock:
        _active.pop(turn_id, None)


def cancel_local(turn_id: int) -> bool:
    """Close the stream at once if this process holds it."""
    with _lock:
        stream = _active.get(turn_id)
    if stream is None:
        return False
    stream.close()
    return True


def _ensure_watcher() -> None:
    global _watcher
    with _lock:
        if _watcher is None or not _watcher.is_alive():
            _watcher = threading.Thread(target=_watch, name="stream-watcher", daemon=True)
            _watcher.start()


def _watch() -> None:
    last_heartbeat = 0.0
    while True:
        time.sleep(TICK_SECONDS)
        with _lock:
            turn_ids = list(_active)
        if not turn_ids:
            continue
        try:
            close_old_connections()
            if time.monotonic() - last_heartbeat >= HEARTBEAT_EVERY_SECONDS:
                _beat(turn_ids)
                last_heartbeat = time.monotonic()
            for turn_id in _cancelled(turn_ids):
                cancel_local(turn_id)
        except Exception:
            log.warning("stream watcher tick failed", exc_info=True)
        finally:
            # Give the connection back (to the pool on PostgreSQL) between ticks.
            connection.close()


def _beat(turn_ids: list[int]) -> None:
    from conversations.models import Turn

    Turn.objects.filter(pk__in=turn_ids, status=Turn.Status.STREAMING).update(
        heartbeat_at=timezone.now()
    )


def _cancelled(turn_ids: list[int]) -> list[int]:
    from conversations.models import Turn

    return list(
        Turn.objects.filter(pk__in=turn_ids, status=Turn.Status.CANCELLED).values_list(
            "pk", flat=True
        )
    )
