"""What usage adds to conversations: the running-turn limits and budgets a new turn must
pass (with its estimate), and the price of what a turn used.

Registered from UsageConfig.ready() (conversations.admission and .outcomes), so
conversations never imports this app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations import admission, outcomes
from conversations.admission import Candidate, Contribution, Stage
from conversations.models import Turn
from usage.limits import check_turn_allowed
from usage.pricing import price_usage


def admit_within_limits(candidate: Candidate) -> Contribution:
    """Refuse past a limit or budget; else store the turn's estimate, which budgets count
    while it runs."""
    estimate = check_turn_allowed(
        author=candidate.author,
        conversation=candidate.conversation,
        model=candidate.model,
        api_mode=candidate.api_mode,
        options=candidate.options,
        prices=candidate.provider.prices if candidate.provider else None,
    )
    return Contribution(turn_fields=estimate.turn_fields())


def price_turn(*, turn: Turn, usage: Mapping[str, Any] | None, images: int) -> dict[str, Any]:
    spend = price_usage(
        usage,
        api_mode=turn.api_mode,
        image_model=turn.image_model,
        text_model=turn.text_model,
        options=turn.options,
        images=images,
        prices=turn.provider.prices if turn.provider_id else None,
    )
    return spend.turn_fields()


def register() -> None:
    admission.register(Stage.STORE, admit_within_limits)
    outcomes.register_pricer(price_turn)
