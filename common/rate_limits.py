"""How many conversations, invitations, links and flags one person may create per hour.

Counted on the cache (Redis in the full stack, so every process shares the count; memory in
the embedded one) in fixed hourly windows. Past the limit the request is refused with 429
and a message saying when to try again; nothing is created.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext, ngettext_lazy, pgettext

from common.errors import InvalidInput

log = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
# Plural by the limit: "You created 1 conversation ...", "You created 20 conversations ...".
LIMIT_REACHED = {
    "conversation": ngettext_lazy(
        "You created %(count)s conversation in the last hour, the most allowed.",
        "You created %(count)s conversations in the last hour, the most allowed.",
        "count",
    ),
    "invitation": ngettext_lazy(
        "You created %(count)s invitation in the last hour, the most allowed.",
        "You created %(count)s invitations in the last hour, the most allowed.",
        "count",
    ),
    "link": ngettext_lazy(
        "You created %(count)s link in the last hour, the most allowed.",
        "You created %(count)s links in the last hour, the most allowed.",
        "count",
    ),
    "flag": ngettext_lazy(
        "You created %(count)s flag in the last hour, the most allowed.",
        "You created %(count)s flags in the last hour, the most allowed.",
        "count",
    ),
}


def check_creation_rate(user, kind: str) -> None:
    """Count one creation of ``kind`` by ``user``; InvalidInput (429) past the limit."""
    limit = settings.STUDIO_CREATION_LIMITS.get(kind, 0)
    if limit <= 0:
        return
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    count = _count(f"studio:created:{kind}:{user.pk}:{window}")
    if count is not None and count > limit:
        minutes = max(1, math.ceil((WINDOW_SECONDS - now % WINDOW_SECONDS) / 60))
        try_again = ngettext(
            "Try again in %(count)s minute.", "Try again in %(count)s minutes.", minutes
        )
        raise InvalidInput(
            # Chinese runs its sentences on without a space.
            pgettext("one sentence after another", "%(first)s %(second)s")
            % {
                "first": LIMIT_REACHED[kind] % {"count": limit},
                "second": try_again % {"count": minutes},
            },
            status=429,
        )


def _count(key: str) -> int | None:
    """The incremented count; None when the cache is down (creation is then not limited:
    a cache outage should not stop people working)."""
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
        try:
            return cache.incr(key)
        except ValueError:
            # Expired between the two calls.
            cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
            return 1
    except Exception:
        log.warning("could not count a creation in the cache", exc_info=True)
        return None
