"""The local blocked-terms list, checked against prompts before anything is stored or sent.

Each process keeps the list compiled and rebuilds it when the list's version (how many
terms, and the latest change) moves, so an edit in the admin takes effect at once in every
web and worker process, without a deploy and without loading every term on every turn.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from moderation.models import BlockedTerm
from moderation.text import normalize_text


@dataclass(frozen=True)
class _Matcher:
    version: tuple
    pattern: re.Pattern | None


_lock = threading.Lock()
_matcher = _Matcher(version=(), pattern=None)


def find_blocked_term(text: str) -> str | None:
    """The first active blocked term ``text`` contains, in its normal form, else None."""
    pattern = _current_pattern()
    if pattern is None:
        return None
    match = pattern.search(normalize_text(text))
    return match.group(0) if match else None


def _current_pattern() -> re.Pattern | None:
    global _matcher
    version = _list_version()
    with _lock:
        if _matcher.version != version:
            _matcher = _Matcher(version=version, pattern=_compile())
        return _matcher.pattern


def _list_version() -> tuple:
    stats = BlockedTerm.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return (stats["count"], stats["latest"])


def _compile() -> re.Pattern | None:
    """One alternation for the whole list: a prompt is scanned once, however long the list."""
    terms = BlockedTerm.objects.filter(active=True).values_list("term", "match")
    alternatives = []
    # Longest first, so a phrase wins over a word it starts with.
    for term, match in sorted(terms, key=lambda item: -len(item[0])):
        escaped = re.escape(term)
        if match == BlockedTerm.Match.WORD:
            escaped = rf"(?<!\w){escaped}(?!\w)"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives)) if alternatives else None
