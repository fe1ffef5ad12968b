"""Reads of spending: whose turns count, totals and per-day sums, all added up in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from conversations.models import Turn
from teams.access import get_membership
from teams.models import Team
from usage.periods import midnight

MONEY = DecimalField(max_digits=16, decimal_places=6)
ZERO = Value(Decimal(0), output_field=MONEY)
TOKEN_KINDS = (
    "input_text_tokens",
    "input_image_tokens",
    "output_text_tokens",
    "output_image_tokens",
    "total_tokens",
)


def turns_of_user(user) -> QuerySet[Turn]:
    """The turns a user's own budget and usage page count: those the user wrote."""
    return Turn.objects.filter(author=user)


def turns_of_team(team_id: int) -> QuerySet[Turn]:
    """The turns a team's budget and usage page count: those in its shared conversations."""
    return Turn.objects.filter(conversation__team_id=team_id)


def get_team_for_member(user, team_id: Any) -> Team | None:
    membership = get_membership(user, team_id)
    return membership.team if membership else None


def between(turns: QuerySet[Turn], start: date, end: date) -> QuerySet[Turn]:
    """Turns queued from the start of ``start`` to the end of ``end``, in local days."""
    return turns.filter(
        queued_at__gte=midnight(start), queued_at__lt=midnight(end + timedelta(days=1))
    )


def usage_totals(turns: QuerySet[Turn]) -> dict[str, Any]:
    sums = {kind: Coalesce(Sum(kind), 0) for kind in TOKEN_KINDS}
    return turns.aggregate(
        turns=Count("id"),
        unpriced=Count("id", filter=Q(cost__isnull=True)),
        cost=Coalesce(Sum("cost"), ZERO, output_field=MONEY),
        **sums,
    )


def daily_cost_by_model(turns: QuerySet[Turn]) -> list[dict[str, Any]]:
    """One row per local day, provider and image model: ``day``, ``provider_name`` (or
    None for turns from before providers), ``model``, ``cost``, ``turns``, ``tokens``."""
    return list(
        turns.annotate(day=TruncDate("queued_at", tzinfo=timezone.get_current_timezone()))
        .values("day", model=F("image_model"), provider_name=F("provider__name"))
        .annotate(
            cost=Coalesce(Sum("cost"), ZERO, output_field=MONEY),
            turns=Count("id"),
            tokens=Coalesce(Sum("total_tokens"), 0),
        )
        .order_by("day", "provider_name", "model")
    )


def spending_since(turns: QuerySet[Turn], starts: Mapping[str, datetime]) -> dict[str, dict]:
    """Tokens and cost since each named start, in one query.

    Finished turns count what was reported; running ones what they were estimated to use,
    so turns started together cannot all slip under a budget.
    """
    running = Q(status__in=Turn.RUNNING)
    tokens = Case(When(running, then=F("estimated_tokens")), default=F("total_tokens"))
    cost = Case(
        When(running, then=F("estimated_cost")),
        default=Coalesce(F("cost"), ZERO),
        output_field=MONEY,
    )
    sums: dict[str, Any] = {}
    for name, since in starts.items():
        recent = Q(queued_at__gte=since)
        sums[f"{name}:tokens"] = Coalesce(Sum(tokens, filter=recent), 0)
        sums[f"{name}:cost"] = Coalesce(Sum(cost, filter=recent), ZERO, output_field=MONEY)
    earliest = min(starts.values())
    row = turns.filter(queued_at__gte=earliest).aggregate(**sums)
    return {name: {"tokens": row[f"{name}:tokens"], "cost": row[f"{name}:cost"]} for name in starts}


def running_turns(turns: QuerySet[Turn]) -> int:
    return turns.filter(status__in=Turn.RUNNING).count()
