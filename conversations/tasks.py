"""Celery tasks: ids in, one call out. Streams run on the "streams" queue, whose worker pool
holds many concurrent turns on threads (see the Makefile's `worker` target)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connections

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_turn(turn_id: int) -> None:
    from conversations import engine  # late import: tasks load before the apps are ready

    try:
        engine.run_turn(turn_id)
    finally:
        # Thread pool workers never see request_finished: give the connection back.
        connections.close_all()


@shared_task(ignore_result=True)
def sweep_stuck_turns() -> None:
    from conversations import engine

    counts = engine.sweep_stuck_turns()
    if any(counts.values()):
        log.info("swept stuck turns: %s", counts)


run_turn_task = run_turn
