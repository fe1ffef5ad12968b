"""Hands a queued turn to whatever runs turns: Celery workers or the server's own threads."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 60
_executor: ThreadPoolExecutor | None = None
_sweeper_started = False
_executor_lock = threading.Lock()


def dispatch_turn(turn_id: int) -> None:
    """Run the turn in the background. Call after the turn's transaction commits."""
    if settings.TURN_DISPATCH == "celery":
        from conversations.tasks import run_turn_task

        run_turn_task.delay(turn_id)
    elif settings.TURN_DISPATCH == "in_process":
        # A generation takes up to two minutes: the request that queued it returns at once
        # and the same engine runs on a thread of this process.
        _in_process_executor().submit(_run_in_thread, turn_id)
    elif settings.TURN_DISPATCH == "inline":
        from conversations import engine

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
    from conversations import engine

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


def ensure_embedded_sweeper() -> None:
    """In the embedded mode no Celery beat runs: a timer thread sweeps stuck turns instead.

    Started with the server's first request; its first sweep also picks up turns a previous
    run of the server left unfinished.
    """
    global _sweeper_started
    if _sweeper_started or settings.TURN_DISPATCH != "in_process":
        return
    with _executor_lock:
        if _sweeper_started:
            return
        _sweeper_started = True

    def sweep_forever() -> None:
        from conversations.engine import sweep_stuck_turns

        while True:
            try:
                counts = sweep_stuck_turns()
                if any(counts.values()):
                    log.info("swept stuck turns: %s", counts)
            except Exception:
                log.warning("sweeping stuck turns failed", exc_info=True)
            finally:
                connections.close_all()
            time.sleep(SWEEP_EVERY_SECONDS)

    threading.Thread(target=sweep_forever, name="turn-sweeper", daemon=True).start()
