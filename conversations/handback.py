"""Warm shutdown: a worker told to stop hands its resumable turns back at once.

Celery's warm shutdown (SIGTERM) waits for the tasks it runs, and a turn may stream for
minutes. A turn on a background response (conversations.resume) need not be waited for:
the worker closes its stream and gives up its lease, and once it consumes no more tasks it
dispatches the turn again: another worker resumes it after the last recorded event within
seconds, instead of after the broker's visibility timeout or the sweep. Other turns are
left to finish as before.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from conversations import streams
from conversations.models import Turn

log = logging.getLogger(__name__)

_tracked: set[int] = set()
_handed_back: set[int] = set()
_released: set[int] = set()
_lock = threading.Lock()


def track(turn_id: int) -> None:
    """This process runs ``turn_id`` on a background response: it may be handed back."""
    with _lock:
        _tracked.add(turn_id)


def untrack(turn_id: int) -> None:
    with _lock:
        _tracked.discard(turn_id)
        _handed_back.discard(turn_id)


def hand_back_all() -> list[int]:
    """Close the stream of every tracked turn; each one's thread then calls ``release``."""
    with _lock:
        turn_ids = sorted(_tracked)
        _handed_back.update(turn_ids)
    for turn_id in turn_ids:
        streams.cancel_local(turn_id)
    if turn_ids:
        log.info("shutting down: handing back turns %s", turn_ids)
    return turn_ids


def was_handed_back(turn_id: int) -> bool:
    with _lock:
        return turn_id in _handed_back


def release(turn_id: int) -> None:
    """Give up the turn's lease, for another worker to claim it.

    Called by the thread that ran the turn once its stream is closed, so nothing this
    worker still does can cross the next worker's writes.
    """
    # A heartbeat older than the lease is what makes a streaming turn claimable.
    expired = timezone.now() - timedelta(seconds=settings.TURN_LEASE_SECONDS + 1)
    released = Turn.objects.filter(pk=turn_id, status=Turn.Status.STREAMING).update(
        heartbeat_at=expired
    )
    if released:
        with _lock:
            _released.add(turn_id)


def dispatch_released() -> list[int]:
    """Dispatch the released turns again; call once this worker consumes no more tasks
    (Celery's worker_shutdown), or it would take them back itself."""
    from conversations.dispatch import dispatch_turn  # late: dispatch imports the engine

    with _lock:
        turn_ids = sorted(_released)
        _released.clear()
    for turn_id in turn_ids:
        dispatch_turn(turn_id)
    return turn_ids
