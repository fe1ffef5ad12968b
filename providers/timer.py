"""The embedded mode has no Celery beat: a timer thread refreshes the model lists instead."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

_started = False
_lock = threading.Lock()
# The simulator starts beside the server; the first refresh waits for it a little.
FIRST_REFRESH_AFTER_SECONDS = 5


def ensure_embedded_refresher() -> None:
    global _started
    if settings.TURN_DISPATCH != "in_process":
        return
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_refresh_forever, name="provider-models", daemon=True).start()


def _refresh_forever() -> None:
    from providers.catalogue import refresh_all

    time.sleep(FIRST_REFRESH_AFTER_SECONDS)
    while True:
        try:
            for name, summary in refresh_all().items():
                log.info("models of %s: %s", name, summary)
        except Exception:
            log.warning("refreshing provider models failed", exc_info=True)
        finally:
            connections.close_all()
        time.sleep(settings.PROVIDER_MODELS_REFRESH_SECONDS)
