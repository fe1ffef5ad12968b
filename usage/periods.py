"""Days and months in the site's time zone (TIME_ZONE): when budgets reset, what a day is."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    today = timezone.localdate(now)
    return midnight(today), midnight(today + timedelta(days=1))


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    first = timezone.localdate(now).replace(day=1)
    return midnight(first), midnight((first + timedelta(days=32)).replace(day=1))
