"""The cost chart's geometry: a bar per day, stacked by model, on a round scale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from usage.chart import cost_chart

START, END = date(2026, 11, 1), date(2026, 11, 10)


def row(day: int, model: str, cost: str) -> dict:
    return {"day": date(2026, 11, day), "model": model, "cost": Decimal(cost), "turns": 1}


def test_bars_stack_by_model_and_scale_to_a_round_top():
    chart = cost_chart(
        [
            row(2, "gpt-image-1", "0.30"),
            row(2, "gpt-image-2", "0.10"),
            row(5, "gpt-image-1", "0.2"),
        ],
        START,
        END,
    )

    assert [s.model for s in chart.series] == ["gpt-image-1", "gpt-image-2"]
    assert [t.label for t in chart.y_ticks] == ["$0.00", "$0.10", "$0.20", "$0.30", "$0.40"]
    plot = chart.plot_bottom - chart.top
    first, second, later = chart.bars
    assert first.height == round(plot * 0.75, 1) and second.height == round(plot * 0.25, 1)
    # The second model sits on top of the first in the same column.
    assert second.x == first.x and second.y + second.height == first.y
    assert first.y + first.height == chart.plot_bottom
    assert later.x > first.x
    assert second.title == "2026-11-02 · gpt-image-2 · $0.100"


def test_every_day_gets_a_slot_and_some_get_labels():
    chart = cost_chart([row(1, "gpt-image-1", "0.0004")], START, END)
    assert chart.x_ticks[0].label == "1 Nov"
    assert len(chart.x_ticks) == 5  # every other day of ten
    assert chart.y_ticks[-1].label == "$0.0004"


def test_models_without_cost_are_left_out_and_an_empty_range_is_empty():
    chart = cost_chart([row(3, "imagine-9", "0")], START, END)
    assert chart.empty and not chart.series
