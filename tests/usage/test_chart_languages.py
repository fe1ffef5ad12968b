"""The usage chart and amounts read in the page's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

from common import l10n
from usage.chart import cost_chart

START, END = date(2026, 11, 1), date(2026, 11, 3)
ROWS = [{"day": date(2026, 11, 2), "model": "gpt-image-1", "cost": Decimal("1250.5"), "turns": 3}]


def test_axis_labels_in_english():
    with translation.override("en"):
        chart = cost_chart(ROWS, START, END)
    assert [t.label for t in chart.x_ticks] == ["1 Nov", "2 Nov", "3 Nov"]
    assert chart.y_ticks[-1].label == "$2,000.00"
    assert chart.series[0].cost == "$1,250.50"


def test_axis_labels_in_simplified_chinese():
    with translation.override("zh-hans"):
        chart = cost_chart(ROWS, START, END)
    assert [t.label for t in chart.x_ticks] == ["11月1日", "11月2日", "11月3日"]
    assert chart.y_ticks[-1].label == "US$2,000.00"
    assert chart.series[0].cost == "US$1,250.50"


def test_amounts_and_counts_in_traditional_chinese():
    with translation.override("zh-hant"):
        assert l10n.money(Decimal("0.0042")) == "US$0.0042"
        assert l10n.count(1234567) == "1,234,567"
        assert l10n.month_day(date(2026, 3, 5)) == "3月5日"
