"""Whether a turn may start: running-turn limits and budgets, checked before anything is sent.

Called by conversations.services.start_turn inside the transaction that creates the turn.
The author's row, and the team's, stay locked until that transaction ends, so on PostgreSQL
two requests at once are checked one after the other and cannot both slip under a limit;
SQLite begins every write transaction immediately, which serializes them anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from conversations.admission import TurnRefused
from conversations.models import Conversation, Turn
from teams.models import Team
from usage.budgets import BudgetStatus, budget_statuses
from usage.models import Budget
from usage.pricing import Estimate, estimate_turn
from usage.selectors import running_turns, turns_of_team, turns_of_user

# 402: spending is capped until the period resets; 429: too many turns at once, for now.
OVER_BUDGET_STATUS = 402
TOO_MANY_RUNNING_STATUS = 429


def check_turn_allowed(
    *,
    author,
    conversation: Conversation,
    model: str,
    api_mode: str,
    options: Mapping[str, Any],
    prices: Mapping[str, Any] | None = None,
) -> Estimate:
    """Refuse with TurnRefused when a limit or budget would be exceeded; else the estimate.

    The estimate is stored with the turn, so budgets count it while the turn runs.
    """
    estimate = estimate_turn(model=model, api_mode=api_mode, options=options, prices=prices)
    team = conversation.team if conversation.team_id else None
    _lock(author, team)
    now = timezone.now()
    mine = turns_of_user(author)
    _check_running(mine, settings.STUDIO_MAX_RUNNING_TURNS_PER_USER, None)
    _check_budgets(budget_statuses(Budget.objects.filter(user=author), mine, now), estimate, None)
    if team is not None:
        theirs = turns_of_team(team.pk)
        _check_running(theirs, settings.STUDIO_MAX_RUNNING_TURNS_PER_TEAM, team)
        statuses = budget_statuses(Budget.objects.filter(team=team), theirs, now)
        _check_budgets(statuses, estimate, team)
    return estimate


def _lock(author, team: Team | None) -> None:
    # Always the user before the team, so two turns never wait on each other's locks.
    # FOR NO KEY UPDATE: turns of one person (or team) queue behind each other here, but
    # rows that merely point at the user or team (a worker writing a moderation case while
    # it holds the conversation's row) are not blocked, which would deadlock.
    users = get_user_model().objects.select_for_update(no_key=True).filter(pk=author.pk)
    list(users.values_list("pk", flat=True))
    if team is not None:
        teams = Team.objects.select_for_update(no_key=True).filter(pk=team.pk)
        list(teams.values_list("pk", flat=True))


def _check_running(turns: QuerySet[Turn], limit: int, team: Team | None) -> None:
    if limit <= 0:
        return
    if running_turns(turns) >= limit:
        raise TurnRefused(_too_many_running(limit, team), status=TOO_MANY_RUNNING_STATUS)


def _too_many_running(limit: int, team: Team | None) -> str:
    if team is None:
        message = ngettext(
            "You have %(count)s turn running already, the most allowed at once. Wait for it "
            "to finish or cancel it, then send again.",
            "You have %(count)s turns running already, the most allowed at once. Wait for one "
            "to finish or cancel one, then send again.",
            limit,
        )
    else:
        message = ngettext(
            "The team %(team)s has %(count)s turn running already, the most allowed at once. "
            "Wait for it to finish or cancel it, then send again.",
            "The team %(team)s has %(count)s turns running already, the most allowed at once. "
            "Wait for one to finish or cancel one, then send again.",
            limit,
        )
    return message % {"count": limit, "team": team.name if team else ""}


def _check_budgets(statuses: list[BudgetStatus], estimate: Estimate, team: Team | None) -> None:
    for status in statuses:
        metric = status.budget.metric
        need = Decimal(estimate.tokens) if metric == Budget.Metric.TOKENS else estimate.cost
        if status.would_exceed(need):
            raise TurnRefused(_over_budget_message(status, need, team), status=OVER_BUDGET_STATUS)


# Whose budget, and whether anything is left of it: whole sentences, as word order differs.
_USED_UP = {
    False: gettext_lazy("Your %(budget)s of %(limit)s is used up. It resets at %(resets)s."),
    True: gettext_lazy(
        "The team %(team)s's %(budget)s of %(limit)s is used up. It resets at %(resets)s."
    ),
}
_NOT_ENOUGH_LEFT = {
    False: gettext_lazy(
        "Your %(budget)s of %(limit)s has %(left)s left, and this turn would use about "
        "%(need)s. It resets at %(resets)s."
    ),
    True: gettext_lazy(
        "The team %(team)s's %(budget)s of %(limit)s has %(left)s left, and this turn would "
        "use about %(need)s. It resets at %(resets)s."
    ),
}


def _over_budget_message(status: BudgetStatus, need: Decimal, team: Team | None) -> str:
    template = (_USED_UP if status.left <= 0 else _NOT_ENOUGH_LEFT)[team is not None]
    return template % {
        "team": team.name if team else "",
        "budget": status.budget.kind,
        "limit": status.amount(status.budget.limit),
        "left": status.amount(status.left),
        "need": status.amount(need),
        "resets": status.resets_label,
    }
