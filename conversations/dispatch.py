"""Hands a queued turn to whatever runs turns: Celery workers or the server's own threads."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

from conversations import engine
from conversations.tasks import run_turn_task

log = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def dispatch_turn(turn_id: int) -> None:
    """Run the turn in the background. Call after the turn's transaction commits."""
    if settings.TURN_DISPATCH == "celery":
        run_turn_task.delay(turn_id)
    elif settings.TURN_DISPATCH == "in_process":
        # A generation takes up to two minutes: the request that queued it returns at once
        # and the same engine runs on a thread of this process.
        _in_process_executor().submit(_run_in_thread, turn_id)
    elif settings.TURN_DISPATCH == "inline":
        engine.run_turn(turn_id)
    else:
        raise ValueError(f"Unknown TURN_DISPATCH {settings.TURN_DISPATCH!r}")


def _in_process_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(settings.TURN_THREADS, thread_name_prefix="turn")
        return _executor


def _run_in_thread(turn_id: int) -> None:
    close_old_connections()
    try:
        engine.run_turn(turn_id)
    except Exception:
        log.exception("turn %s crashed", turn_id)
    finally:
        connections.close_all()


def wait_for_in_process_turns() -> None:
    """Block until the in-process pool has no work; for tests and clean shutdown."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)
