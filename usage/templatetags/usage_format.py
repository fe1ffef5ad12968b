from __future__ import annotations

from decimal import Decimal

from django import template

from common import l10n
from usage.budgets import format_amount, format_dollars

register = template.Library()


@register.filter
def dollars(value) -> str:
    return format_dollars(Decimal(value or 0))


@register.filter
def tokens(value) -> str:
    return l10n.count(value or 0)


@register.filter
def amount(value, metric: str) -> str:
    return format_amount(metric, value or 0)
