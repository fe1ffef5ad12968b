"""One CSV row per turn, then a row of totals that equals the sum of the rows above it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet

from conversations.models import Turn
from usage.selectors import TOKEN_KINDS

HEADER = (
    "turn_id",
    "queued_at",
    "author",
    "conversation_id",
    "api_mode",
    "provider",
    "image_model",
    "text_model",
    "status",
    *TOKEN_KINDS,
    "cost_usd",
)
# A spreadsheet would run a cell starting with these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(turns: QuerySet[Turn]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    tokens = dict.fromkeys(TOKEN_KINDS, 0)
    cost = Decimal(0)
    count = 0
    rows = turns.select_related("author", "provider").order_by("queued_at", "id")
    for turn in rows.iterator(chunk_size=1000):
        count += 1
        for kind in TOKEN_KINDS:
            tokens[kind] += getattr(turn, kind)
        cost += turn.cost or 0
        yield writer.writerow(_row(turn))
    yield writer.writerow(
        ["total", "", f"{count} turns", "", "", "", "", "", "", *tokens.values(), _money(cost)]
    )


def _row(turn: Turn) -> list:
    return [
        turn.pk,
        turn.queued_at.isoformat(),
        _text(turn.author.get_username()),
        turn.conversation_id,
        turn.api_mode,
        _text(turn.provider.name if turn.provider_id else ""),
        _text(turn.image_model),
        _text(turn.text_model),
        turn.status,
        *(getattr(turn, kind) for kind in TOKEN_KINDS),
        "" if turn.cost is None else _money(turn.cost),
    ]


def _money(value: Decimal) -> str:
    return f"{value:.6f}"


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value
