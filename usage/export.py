"""One CSV row per turn, then a row of totals that equals the sum of the rows above it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from conversations.models import Turn
from usage.selectors import TOKEN_KINDS

# Column names stay machine-friendly in English; other languages get readable ones.
HEADER = (
    pgettext_lazy("usage CSV column", "turn_id"),
    pgettext_lazy("usage CSV column", "queued_at"),
    pgettext_lazy("usage CSV column", "author"),
    pgettext_lazy("usage CSV column", "conversation_id"),
    pgettext_lazy("usage CSV column", "api_mode"),
    pgettext_lazy("usage CSV column", "provider"),
    pgettext_lazy("usage CSV column", "image_model"),
    pgettext_lazy("usage CSV column", "text_model"),
    pgettext_lazy("usage CSV column", "status"),
    pgettext_lazy("usage CSV column", "input_text_tokens"),
    pgettext_lazy("usage CSV column", "input_image_tokens"),
    pgettext_lazy("usage CSV column", "output_text_tokens"),
    pgettext_lazy("usage CSV column", "output_image_tokens"),
    pgettext_lazy("usage CSV column", "total_tokens"),
    pgettext_lazy("usage CSV column", "cost_usd"),
)
# A spreadsheet would run a cell starting with these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(turns: QuerySet[Turn]) -> Iterator[str]:
    # The lines are written while the response streams, perhaps after the request's language
    # was switched off: keep it for the two lines that have words.
    return _lines(turns, translation.get_language())


def _lines(turns: QuerySet[Turn], language: str | None) -> Iterator[str]:
    writer = csv.writer(_Echo())
    with translation.override(language):
        header = [str(name) for name in HEADER]
    yield writer.writerow(header)
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
    with translation.override(language):
        total = pgettext("usage CSV totals row", "total")
        turns_label = ngettext("%(count)s turn", "%(count)s turns", count) % {"count": count}
    yield writer.writerow([total, "", turns_label, *[""] * 6, *tokens.values(), _money(cost)])


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
