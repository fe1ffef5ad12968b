"""Celery beat refreshes every enabled provider's model list daily."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def refresh_all_models() -> None:
    from providers.catalogue import refresh_all  # late import: tasks load before the apps

    for name, summary in refresh_all().items():
        log.info("models of %s: %s", name, summary)
