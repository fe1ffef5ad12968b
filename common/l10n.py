"""Numbers and money in the active language's formats (docs/i18n.md).

Costs are always US dollars; only the separators and the way the currency is written change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import pgettext


def money(value: Decimal, *, places: int | None = None) -> str:
    """US dollars; single turns cost fractions of a cent, so small amounts keep more digits
    (as the studio page's formatDollars does) unless ``places`` is given."""
    if places is None:
        places = _places_for(value)
    amount = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return pgettext("US dollars", "$%(amount)s") % {"amount": amount}


def count(value: int) -> str:
    return number_format(int(value), use_l10n=True, force_grouping=True)


def month_day(day: date) -> str:
    return date_format(day, "MONTH_DAY_FORMAT")


def _places_for(value: Decimal) -> int:
    if not value:
        return 2
    if abs(value) < Decimal("0.01"):
        return 4
    if abs(value) < 1:
        return 3
    return 2
