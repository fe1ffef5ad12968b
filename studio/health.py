"""Reachability of what a turn needs: the database, channel layer, broker and upstream."""

from __future__ import annotations

import time
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_channel_layer() -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.send)(channel, {"type": "health.ping"})
    async_to_sync(layer.receive)(channel)
    return "ok"


def check_broker() -> str:
    if settings.TURN_DISPATCH != "celery":
        return "not used: turns run inside the server process"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


def check_all() -> dict:
    from providers.health import provider_checks

    report: dict = {"ok": True, "checks": {}}
    try:
        # Each enabled provider, asked with its key (providers.health).
        checks = {**CHECKS, **provider_checks()}
    except Exception:
        checks = CHECKS  # the database check below reports why providers could not be read
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            status, ok = check(), True
        except Exception as exc:  # any failure is the answer we report, never a 500
            status, ok = f"error: {type(exc).__name__}: {exc}"[:300], False
        report["checks"][name] = {
            "ok": ok,
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        report["ok"] = report["ok"] and ok
    return report
