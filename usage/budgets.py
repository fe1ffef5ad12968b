"""Where each budget stands in its current period, and how amounts read to a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from common import l10n
from conversations.models import Turn
from usage.models import Budget
from usage.selectors import spending_since


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    spent: Decimal
    resets_at: datetime

    @property
    def limit(self) -> Decimal:
        return self.budget.limit

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.limit - self.spent)

    @property
    def used_percent(self) -> int:
        if not self.limit:
            return 100
        return min(100, int(self.spent * 100 / self.limit))

    def would_exceed(self, need: Decimal) -> bool:
        return self.spent >= self.limit or self.spent + need > self.limit

    def amount(self, value: Decimal) -> str:
        return format_amount(self.budget.metric, value)

    @property
    def resets_label(self) -> str:
        local = timezone.localtime(self.resets_at)
        return gettext("%(time)s on %(date)s") % {
            "time": f"{local:%H:%M %Z}",
            "date": date_format(local, "DATE_FORMAT"),
        }


def budget_statuses(
    budgets: Iterable[Budget], turns: QuerySet[Turn], now: datetime | None = None
) -> list[BudgetStatus]:
    budgets = list(budgets)
    if not budgets:
        return []
    now = now or timezone.now()
    periods = {budget.period: budget.current_period(now) for budget in budgets}
    spent = spending_since(turns, {name: start for name, (start, _) in periods.items()})
    return [
        BudgetStatus(
            budget=budget,
            spent=Decimal(spent[budget.period][budget.metric]),
            resets_at=periods[budget.period][1],
        )
        for budget in budgets
    ]


def format_amount(metric: str, value: Decimal | int | float) -> str:
    if metric == Budget.Metric.TOKENS:
        return ngettext("%(count)s token", "%(count)s tokens", int(value)) % {
            "count": l10n.count(int(value))
        }
    return format_dollars(Decimal(value))


def format_dollars(value: Decimal) -> str:
    return l10n.money(value)
