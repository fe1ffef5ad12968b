"""Cost per day by model as stacked bars: geometry only, drawn as inline SVG by a template."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from common import l10n
from usage.budgets import format_dollars

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 28
X_LABELS = 7
Y_TICKS = 4
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
# Told apart on the dark theme, and in the same order on every page.
PALETTE = ("#7c9cff", "#ffb86b", "#6be0a8", "#ff7aa8", "#c49bff", "#5fd0e8", "#f2e36b", "#a0a7b4")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Series:
    model: str
    color: str
    cost: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.bars


def cost_chart(rows: Iterable[Mapping[str, Any]], start: date, end: date) -> Chart:
    """Stacked bars, one per day from ``start`` to ``end``, one colour per image model.

    ``rows`` are selectors.daily_cost_by_model's: ``day``, ``model``, ``cost``.
    """
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    by_day: dict[date, dict[str, Decimal]] = defaultdict(dict)
    per_model: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        by_day[row["day"]][row["model"]] = row["cost"]
        per_model[row["model"]] += row["cost"]
    # A model that cost nothing (or has no price) has no bars to tell apart.
    models = sorted((m for m in per_model if per_model[m]), key=lambda m: (-per_model[m], m))
    colors = {model: PALETTE[i % len(PALETTE)] for i, model in enumerate(models)}
    chart = Chart()
    highest = max((sum(costs.values()) for costs in by_day.values()), default=Decimal(0))
    step = _nice_step(highest / Y_TICKS)
    top = float(step * Y_TICKS)
    chart.series = [Series(m, colors[m], format_dollars(per_model[m])) for m in models]
    chart.y_ticks = _y_ticks(chart, step)
    chart.x_ticks = _x_ticks(chart, days)
    chart.bars = list(_bars(chart, days, by_day, models, colors, top))
    return chart


def _bars(chart, days, by_day, models, colors, top):
    slot = (chart.plot_right - chart.left) / len(days)
    width = max(1.0, slot * 0.7)
    scale = (chart.plot_bottom - chart.top) / top
    for index, day in enumerate(days):
        x = chart.left + index * slot + (slot - width) / 2
        base = float(chart.plot_bottom)
        for model in models:
            cost = by_day.get(day, {}).get(model)
            if not cost:
                continue
            height = float(cost) * scale
            base -= height
            title = f"{day.isoformat()} · {model} · {format_dollars(cost)}"
            yield Bar(
                round(x, 1), round(base, 1), round(width, 1), round(height, 1), colors[model], title
            )


def _y_ticks(chart: Chart, step: Decimal) -> list[Tick]:
    span = chart.plot_bottom - chart.top
    places = 2
    while step != round(step, places):
        places += 1
    return [
        Tick(round(chart.plot_bottom - span * i / Y_TICKS, 1), l10n.money(step * i, places=places))
        for i in range(Y_TICKS + 1)
    ]


def _x_ticks(chart: Chart, days: list[date]) -> list[Tick]:
    slot = (chart.plot_right - chart.left) / len(days)
    step = max(1, math.ceil(len(days) / X_LABELS))
    return [
        Tick(round(chart.left + (i + 0.5) * slot, 1), l10n.month_day(day))
        for i, day in enumerate(days)
        if i % step == 0
    ]


def _nice_step(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return Decimal("0.0025")
    power = Decimal(10) ** value.adjusted()
    return next(n * power for n in NICE_STEPS if value <= n * power)
