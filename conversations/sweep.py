"""The stuck-turn sweep: turns nobody is running get dispatched again, or given up.

A queued turn past TURN_STUCK_AFTER_SECONDS, or a streaming one whose worker stopped
heartbeating, is handed to ``redispatch`` while it has attempts left, and failed with a
reason once it has none. A turn that is dispatched but never claimed (its queue lost the
message, no worker picks it up) is re-dispatched on every sweep: its attempts count only
runs that started, so the sweep never gives up on it; it fails once runs that started keep
dying. Celery beat runs it in the full stack (tasks.sweep_stuck_turns), a timer thread in
the embedded mode (``start_embedded_sweeper``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from conversations import failures
from conversations.models import Turn
from conversations.turn_output import TurnOutput

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 60
_sweeper_started = False
_sweeper_lock = threading.Lock()


def sweep_stuck_turns(*, redispatch: Callable[[int], None]) -> dict[str, int]:
    """Re-dispatch or fail turns stuck past the deadline; returns counts for the log."""
    deadline = timezone.now() - timedelta(seconds=settings.TURN_STUCK_AFTER_SECONDS)
    stale = timezone.now() - timedelta(seconds=settings.TURN_LEASE_SECONDS)
    stuck = Turn.objects.filter(
        Q(status=Turn.Status.QUEUED, queued_at__lt=deadline)
        | Q(status=Turn.Status.STREAMING, heartbeat_at__lt=stale)
    )
    counts = {"redispatched": 0, "failed": 0}
    for turn in stuck:
        if turn.attempts >= settings.TURN_MAX_ATTEMPTS:
            TurnOutput(turn).fail(
                "stuck",
                failures.failure("stuck", attempts=turn.attempts),
            )
            counts["failed"] += 1
        else:
            redispatch(turn.pk)
            counts["redispatched"] += 1
    return counts


def start_embedded_sweeper(*, redispatch: Callable[[int], None]) -> None:
    """Sweep every minute on a timer thread; the embedded mode has no Celery beat.

    Idempotent. Its first sweep also picks up turns a previous run of the server left
    unfinished.
    """
    global _sweeper_started
    with _sweeper_lock:
        if _sweeper_started:
            return
        _sweeper_started = True

    def sweep_forever() -> None:
        while True:
            try:
                counts = sweep_stuck_turns(redispatch=redispatch)
                if any(counts.values()):
                    log.info("swept stuck turns: %s", counts)
            except Exception:
                log.warning("sweeping stuck turns failed", exc_info=True)
            finally:
                connections.close_all()
            time.sleep(SWEEP_EVERY_SECONDS)

    threading.Thread(target=sweep_forever, name="turn-sweeper", daemon=True).start()
