"""Budgets belong to exactly one user or team; their periods follow the site's days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import TeamFactory
from usage.models import Budget

pytestmark = pytest.mark.django_db


def test_a_budget_needs_exactly_one_holder(alice):
    with pytest.raises(ValidationError):
        Budget(metric="cost", period="day", limit=1).full_clean()
    with pytest.raises(IntegrityError):
        Budget.objects.create(user=alice, team=TeamFactory(), metric="cost", period="day", limit=1)


def test_one_budget_per_holder_metric_and_period(alice):
    Budget.objects.create(user=alice, metric="cost", period="day", limit=1)
    Budget.objects.create(user=alice, metric="cost", period="month", limit=10)
    with pytest.raises(IntegrityError):
        Budget.objects.create(user=alice, metric="cost", period="day", limit=2)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("day", datetime(2026, 12, 31, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("month", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_the_current_period_and_when_it_resets(period, start, end):
    now = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert Budget(period=period).current_period(now) == (start, end)


def test_periods_follow_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    now = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # already the 23rd in Berlin
    start, end = Budget(period="day").current_period(now)
    assert start == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def test_a_budget_reads_as_a_person_says_it(alice):
    budget = Budget(user=alice, metric="tokens", period="day", limit=5000)
    assert str(budget) == "user alice: daily token budget of 5000"
