"""Celery tasks: ids in, one call out. Streams run on the "streams" queue, whose worker pool
holds many concurrent turns on threads (see the Makefile's `worker` target)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_shutdown, worker_shutting_down
from django.db import connections

from conversations import engine, handback, sweep

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_turn(turn_id: int) -> None:
    try:
        engine.run_turn(turn_id)
    finally:
        # Thread pool workers never see request_finished: give the connection back.
        connections.close_all()


@shared_task(ignore_result=True)
def sweep_stuck_turns() -> None:
    # Beat runs only in the full stack, where turns are dispatched to Celery.
    counts = sweep.sweep_stuck_turns(redispatch=run_turn.delay)
    if any(counts.values()):
        log.info("swept stuck turns: %s", counts)


@worker_shutting_down.connect
def hand_back_streaming_turns(**_) -> None:
    """A warm shutdown hands resumable turns to other workers instead of waiting them out."""
    handback.hand_back_all()


@worker_shutdown.connect
def dispatch_handed_back_turns(**_) -> None:
    # Sent once this worker stopped consuming and its tasks returned: another takes them.
    handback.dispatch_released()


run_turn_task = run_turn
