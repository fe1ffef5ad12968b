"""How blocked turns reach the review queue: a case opened where the turn becomes blocked."""

from __future__ import annotations

from moderation.models import Case


def open_blocked_turn_case(turn, *, code: str, message: str, categories: list[str]) -> Case:
    """Call inside the transaction that marks ``turn`` blocked, so neither exists alone."""
    case, _ = Case.objects.get_or_create(
        kind=Case.Kind.BLOCKED,
        turn=turn,
        defaults={
            "provider_code": code[:120],
            "provider_message": message[:4000],
            "provider_categories": categories,
        },
    )
    return case
