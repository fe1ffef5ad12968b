"""Everything a usage page shows for a set of turns and budgets, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from conversations.models import Turn
from usage.budgets import BudgetStatus, budget_statuses
from usage.chart import Chart, cost_chart
from usage.models import Budget
from usage.selectors import between, daily_cost_by_model, usage_totals


@dataclass(frozen=True)
class ModelLine:
    provider: str
    model: str
    turns: int
    tokens: int
    cost: Decimal


@dataclass(frozen=True)
class UsageReport:
    start: date
    end: date
    totals: dict[str, Any]
    models: list[ModelLine]
    chart: Chart
    budgets: list[BudgetStatus]


def usage_report(
    turns: QuerySet[Turn], budgets: QuerySet[Budget], *, start: date, end: date
) -> UsageReport:
    selected = between(turns, start, end)
    rows = daily_cost_by_model(selected)
    # The same model at two providers is two series: they cost differently.
    labelled = [{**row, "model": _label(row)} for row in rows]
    return UsageReport(
        start=start,
        end=end,
        totals=usage_totals(selected),
        models=_by_model(rows),
        chart=cost_chart(labelled, start, end),
        # Budgets stand where they do today, whatever range the page shows.
        budgets=budget_statuses(budgets, turns),
    )


def _label(row: dict[str, Any]) -> str:
    return f"{row['model']} · {row['provider_name']}" if row.get("provider_name") else row["model"]


def _by_model(rows: list[dict[str, Any]]) -> list[ModelLine]:
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for row in rows:
        line = sums[(row.get("provider_name") or "", row["model"])]
        line[0] += row["turns"]
        line[1] += row["tokens"]
        line[2] += row["cost"]
    lines = [ModelLine(provider, model, *values) for (provider, model), values in sums.items()]
    return sorted(lines, key=lambda line: (-line.cost, line.provider, line.model))
